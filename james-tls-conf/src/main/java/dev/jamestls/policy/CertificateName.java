package dev.jamestls.policy;

import java.util.Objects;

/**
 * A name a partner's client certificate must carry (subject CN or a DNS SAN).
 * {@code *.partner.example} accepts exactly one label below the parent, as
 * RFC 9525 §6.3 wildcards do; the verification core matches presented names
 * against it ({@code dev.jamestls.verify.DnsNames}).
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

    @Override
    public String toString() {
        return wildcard ? "*." + domain : domain.toString();
    }
}
