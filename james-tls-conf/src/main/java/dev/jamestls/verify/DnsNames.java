package dev.jamestls.verify;

import java.util.Optional;

import com.google.common.net.InternetDomainName;

import dev.jamestls.policy.DomainName;

/**
 * DNS name matching for certificates, RFC 9525 (which obsoletes RFC 6125). Pure.
 *
 * <p>Accepted names (what a rule expects) come in three forms:
 * <ul>
 *   <li>{@code mail.partner.example}: exactly this host;</li>
 *   <li>{@code *.partner.example}: exactly one label under {@code partner.example}
 *       (RFC 9525 §6.3 semantics, applied to the rule side);</li>
 *   <li>{@code .partner.example}: any host below {@code partner.example}, at any depth
 *       (Postfix {@code tls_secure_cert_match} semantics), not the domain itself.</li>
 * </ul>
 * Internationalised names are converted to A-labels (RFC 5890) and compared
 * case-insensitively. Presented names (DNS SANs) may hold a wildcard only as the
 * complete left-most label, over at least two further labels (RFC 9525 §6.3,
 * {@code *.example} and {@code f*.example} never match).
 */
public final class DnsNames {
    private DnsNames() {
    }

    /**
     * The canonical form of an accepted name: A-labels, lower case, no trailing dot ({@link DomainName#normalize}).
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static String normalizeAccepted(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("accepted name '" + name + "' is empty; accepted forms: "
                + "host.example, *.example.org, .example.org");
        }
        String prefix = "";
        String rest = name.strip();
        if (rest.startsWith("*.")) {
            prefix = "*.";
            rest = rest.substring(2);
        } else if (rest.startsWith(".")) {
            prefix = ".";
            rest = rest.substring(1);
        }
        String host;
        try {
            host = DomainName.normalize(rest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("accepted name '" + name + "': " + e.getMessage(), e);
        }
        if (DomainName.grammarProblem(host).isPresent() || (!prefix.isEmpty() && !host.contains("."))) {
            throw new IllegalArgumentException("accepted name '" + name + "' is not a DNS name; accepted forms: "
                + "host.example, *.example.org (one label), .example.org (any subdomain)");
        }
        return prefix + host;
    }

    /** A host name as A-labels in lower case ({@link DomainName#normalize}), or empty when it is not a valid DNS host name. */
    static Optional<String> normalizeHost(String name) {
        try {
            String ascii = DomainName.normalize(name);
            return DomainName.grammarProblem(ascii).isPresent() ? Optional.empty() : Optional.of(ascii);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the presented identifier (a DNS SAN, or a CN used as one) satisfies
     * the accepted name (already normalised by {@link #normalizeAccepted}).
     */
    public static boolean matches(String accepted, String presented) {
        if (presented.startsWith("*.")) {
            Optional<String> base = normalizeHost(presented.substring(2));
            // RFC 9525 §6.3: the wildcard is the whole left-most label and needs two labels to its right;
            // and it never stands for every name under a public suffix (CA/Browser Forum BR §3.2.2.6).
            if (base.isEmpty() || !base.get().contains(".") || isPublicSuffix(base.get())) {
                return false;
            }
            return wildcardMatches(accepted, base.get());
        }
        // Presented names are A-labels already (IA5String); a name in any other form never matches.
        Optional<String> host = presented.chars().allMatch(c -> c < 0x80) ? normalizeHost(presented) : Optional.empty();
        return host.isPresent() && hostMatches(accepted, host.get());
    }

    private static boolean hostMatches(String accepted, String host) {
        if (accepted.startsWith("*.")) {
            String base = accepted.substring(2);
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot + 1).equals(base);
        }
        if (accepted.startsWith(".")) {
            return host.endsWith(accepted);
        }
        return host.equals(accepted);
    }

    /** A presented {@code *.base} matches a host one label under base, the same wildcard, or a subdomain rule covering base. */
    private static boolean wildcardMatches(String accepted, String base) {
        if (accepted.startsWith("*.")) {
            return accepted.substring(2).equals(base);
        }
        if (accepted.startsWith(".")) {
            return ("." + base).endsWith(accepted);
        }
        int dot = accepted.indexOf('.');
        return dot > 0 && accepted.substring(dot + 1).equals(base);
    }

    /** Whether {@code domain} is a public suffix (ICANN or private section of the Public Suffix List, via Guava). */
    static boolean isPublicSuffix(String domain) {
        try {
            return InternetDomainName.from(domain).isPublicSuffix();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
