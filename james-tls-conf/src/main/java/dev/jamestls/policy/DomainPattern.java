package dev.jamestls.policy;

import java.util.Objects;

/**
 * A domain a connector claims: an exact name ({@code partner.example}) or a
 * wildcard ({@code *.partner.example}) that covers one or more labels below the
 * parent, never the parent itself (list the parent separately to claim it).
 *
 * @param domain the exact name, or the parent of a wildcard
 * @param wildcard true for {@code *.domain}
 */
public record DomainPattern(DomainName domain, boolean wildcard) {

    public DomainPattern {
        Objects.requireNonNull(domain, "domain");
    }

    public static DomainPattern exact(DomainName domain) {
        return new DomainPattern(domain, false);
    }

    /**
     * Parses {@code name} or {@code *.name}.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static DomainPattern parse(String value) {
        String trimmed = value == null ? "" : value.trim();
        if (trimmed.startsWith("*.")) {
            return new DomainPattern(DomainName.parse(trimmed.substring(2)), true);
        }
        if (trimmed.contains("*") || trimmed.startsWith(".")) {
            throw new IllegalArgumentException("not a domain pattern '" + value
                + "'; accepted: a domain name (partner.example) or a wildcard over its subdomains (*.partner.example)");
        }
        return new DomainPattern(DomainName.parse(trimmed), false);
    }

    public boolean matches(DomainName candidate) {
        return wildcard ? candidate.isSubdomainOf(domain) : candidate.equals(domain);
    }

    @Override
    public String toString() {
        return wildcard ? "*." + domain : domain.toString();
    }
}
