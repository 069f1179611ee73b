package dev.jamestls.policy;

import java.util.Locale;
import java.util.Objects;

/**
 * A name a partner's client certificate must carry (subject CN or a DNS SAN).
 * {@code *.partner.example} accepts exactly one label below the parent, as
 * RFC 6125 §6.4.3 wildcards do.
 *
 * @param domain the exact name, or the parent of the wildcard
 * @param wildcard true for {@code *.domain}
 */
public record CertificateName(DomainName domain, boolean wildcard) {

    public CertificateName {
        Objects.requireNonNull(domain, "domain");
    }

    public static CertificateName parse(String value) {
        String trimmed = value == null ? "" : value.trim();
        if (trimmed.startsWith("*.")) {
            return new CertificateName(DomainName.parse(trimmed.substring(2)), true);
        }
        if (trimmed.contains("*")) {
            throw new IllegalArgumentException("not a certificate name '" + value
                + "'; accepted: a host name (partner.example) or *.parent for one label below parent");
        }
        return new CertificateName(DomainName.parse(trimmed), false);
    }

    /** Whether a name presented in a certificate (CN or DNS SAN, possibly itself a wildcard) satisfies this one. */
    public boolean matches(String presented) {
        String name = presented.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (!wildcard) {
            return name.equals(domain.ascii());
        }
        String suffix = "." + domain.ascii();
        if (!name.endsWith(suffix)) {
            return false;
        }
        String label = name.substring(0, name.length() - suffix.length());
        return !label.isEmpty() && label.indexOf('.') < 0; // RFC 6125 §6.4.3: one label only
    }

    @Override
    public String toString() {
        return wildcard ? "*." + domain : domain.toString();
    }
}
