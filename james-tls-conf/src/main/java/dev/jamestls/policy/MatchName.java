package dev.jamestls.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * One name the server certificate must match under {@code secure} (or
 * {@code verify} with an explicit {@code match}), with Postfix's
 * {@code smtp_tls_secure_cert_match} semantics:
 * <ul>
 *   <li>{@code mail.partner.example}: exactly that name;</li>
 *   <li>{@code .partner.example}: any name below it, at any depth (Postfix);</li>
 *   <li>{@code *.partner.example}: one label below it (RFC 6125 §6.4.3; the EFF list's suffixes);</li>
 *   <li>{@code nexthop}: the recipient domain (or the smart host name), which is trusted because the
 *       mail is addressed to it;</li>
 *   <li>{@code dot-nexthop}: any name below the recipient domain;</li>
 *   <li>{@code hostname}: the MX host name, only under {@code verify}: under {@code secure} the MX name
 *       comes from unauthenticated DNS and is not trusted (SPEC §1.3).</li>
 * </ul>
 *
 * @param kind what the name refers to
 * @param name the literal name for {@link Kind#EXACT}, {@link Kind#SUBDOMAINS} and {@link Kind#ONE_LABEL}
 */
public record MatchName(Kind kind, Optional<DomainName> name) {

    public enum Kind { EXACT, SUBDOMAINS, ONE_LABEL, NEXTHOP, DOT_NEXTHOP, HOSTNAME }

    public MatchName {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        boolean literal = kind == Kind.EXACT || kind == Kind.SUBDOMAINS || kind == Kind.ONE_LABEL;
        if (literal != name.isPresent()) {
            throw new IllegalArgumentException("match kind " + kind + (literal ? " needs" : " takes no") + " name");
        }
    }

    /** Parses one element of a match list. */
    public static MatchName parse(String value) {
        String trimmed = value == null ? "" : value.trim();
        switch (trimmed) {
            case "nexthop":
                return new MatchName(Kind.NEXTHOP, Optional.empty());
            case "dot-nexthop":
                return new MatchName(Kind.DOT_NEXTHOP, Optional.empty());
            case "hostname":
                return new MatchName(Kind.HOSTNAME, Optional.empty());
            default:
                break;
        }
        try {
            if (trimmed.startsWith("*.")) {
                return new MatchName(Kind.ONE_LABEL, Optional.of(DomainName.parse(trimmed.substring(2))));
            }
            if (trimmed.startsWith(".")) {
                return new MatchName(Kind.SUBDOMAINS, Optional.of(DomainName.parse(trimmed.substring(1))));
            }
            return new MatchName(Kind.EXACT, Optional.of(DomainName.parse(trimmed)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a match name '" + value + "'; accepted: a host name"
                + " (mail.partner.example), .parent (any subdomain), *.parent (one label), nexthop, dot-nexthop, hostname");
        }
    }

    /**
     * Whether a DNS name presented by the server satisfies this match.
     *
     * @param presented the certificate's name (already lower case, no trailing dot)
     * @param nexthop the recipient domain or smart host the mail is addressed to
     * @param mxHost the MX host name connected to
     */
    public boolean matches(String presented, DomainName nexthop, String mxHost) {
        return switch (kind) {
            case EXACT -> presented.equals(name.orElseThrow().ascii());
            case SUBDOMAINS -> endsWithLabel(presented, name.orElseThrow().ascii(), false);
            case ONE_LABEL -> endsWithLabel(presented, name.orElseThrow().ascii(), true);
            case NEXTHOP -> presented.equals(nexthop.ascii());
            case DOT_NEXTHOP -> endsWithLabel(presented, nexthop.ascii(), false);
            case HOSTNAME -> presented.equals(mxHost);
        };
    }

    private static boolean endsWithLabel(String presented, String parent, boolean oneLabel) {
        if (presented.length() <= parent.length() + 1 || !presented.endsWith(parent)
            || presented.charAt(presented.length() - parent.length() - 1) != '.') {
            return false;
        }
        return !oneLabel || presented.indexOf('.') == presented.length() - parent.length() - 1;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case EXACT -> name.orElseThrow().ascii();
            case SUBDOMAINS -> "." + name.orElseThrow().ascii();
            case ONE_LABEL -> "*." + name.orElseThrow().ascii();
            case NEXTHOP -> "nexthop";
            case DOT_NEXTHOP -> "dot-nexthop";
            case HOSTNAME -> "hostname";
        };
    }
}
