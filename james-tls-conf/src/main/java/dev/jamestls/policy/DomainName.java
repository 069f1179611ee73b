package dev.jamestls.policy;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.tls.Idna;

/**
 * A DNS domain name, normalised once: lower case, no trailing dot, IDN labels in
 * their ASCII (punycode) form (RFC 5890 A-labels via {@link Idna#toAscii}, which refuses
 * the labels IDNA2003 would silently map to another name).
 * Two spellings of the same domain ({@code Partner.EXAMPLE.}, {@code partner.example})
 * are equal; a look-alike ({@code partner.example.evil}) is not.
 *
 * @param ascii the normalised form
 */
public record DomainName(String ascii) {
    private static final int MAX_LENGTH = 253; // RFC 1035 §2.3.4, without the root's trailing dot
    private static final int MAX_LABEL = 63;

    public DomainName {
        Objects.requireNonNull(ascii, "ascii");
        String problem = problem(ascii);
        if (problem != null) {
            throw new IllegalArgumentException("not a domain name '" + ascii + "': " + problem);
        }
    }

    private static boolean isAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * Normalises and validates a configured or received domain name.
     *
     * @throws IllegalArgumentException naming the value and what is wrong with it
     */
    public static DomainName parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("not a domain name '" + (value == null ? "" : value) + "': empty");
        }
        String trimmed = value.trim();
        if (trimmed.startsWith("[")) {
            throw new IllegalArgumentException("not a domain name '" + value + "': an address literal is not a domain");
        }
        String ascii;
        try {
            ascii = normalize(trimmed);
        } catch (Idna.SilentMappingException e) {
            throw new IllegalArgumentException("not a domain name '" + value + "': " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a domain name '" + value + "': " + describeIdnFailure(withoutRootDot(trimmed)), e);
        }
        String problem = problem(ascii);
        if (problem != null) {
            throw new IllegalArgumentException("not a domain name '" + value + "': " + problem);
        }
        return new DomainName(ascii);
    }

    /**
     * The one normalisation of DNS names in james-tls, for configured domains and for the names certificates
     * present or rules accept ({@code dev.jamestls.verify.DnsNames}): the root's trailing dot removed, lower
     * case, internationalised labels as A-labels (RFC 5890, {@link Idna#toAscii}). It does not judge the
     * result: {@link #grammarProblem} does.
     *
     * @throws IllegalArgumentException from {@link Idna#toAscii} when a label is not a valid or not an
     *     unambiguous internationalised label ({@link Idna.SilentMappingException})
     */
    public static String normalize(String name) {
        String value = withoutRootDot(name);
        // Pure ASCII: lower case is all IDNA would do (its STD3 checks are grammarProblem's).
        return isAscii(value) ? value.toLowerCase(Locale.ROOT) : Idna.toAscii(value);
    }

    /**
     * What keeps a normalised name from being a DNS host name: RFC 1035 §2.3.4 lengths (253 characters,
     * labels of 1 to 63) and RFC 1123 §2.1 letters, digits and hyphens, no hyphen at either end of a label.
     */
    public static Optional<String> grammarProblem(String ascii) {
        if (ascii.isEmpty()) {
            return Optional.of("empty");
        }
        if (ascii.length() > MAX_LENGTH) {
            return Optional.of("longer than " + MAX_LENGTH + " characters");
        }
        int labelStart = 0;
        for (int i = 0; i <= ascii.length(); i++) {
            if (i == ascii.length() || ascii.charAt(i) == '.') {
                int length = i - labelStart;
                if (length == 0) {
                    return Optional.of("empty label");
                }
                if (length > MAX_LABEL) {
                    return Optional.of("label longer than " + MAX_LABEL + " characters");
                }
                if (ascii.charAt(labelStart) == '-' || ascii.charAt(i - 1) == '-') {
                    return Optional.of("label starts or ends with a hyphen");
                }
                labelStart = i + 1;
                continue;
            }
            char c = ascii.charAt(i);
            boolean ldh = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ldh) {
                return Optional.of("character '" + c + "' is not allowed (letters, digits, hyphen; labels separated by dots)");
            }
        }
        return Optional.empty();
    }

    private static String withoutRootDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** Lenient variant for values received from peers: empty when {@code value} is not a domain name. */
    public static Optional<DomainName> tryParse(String value) {
        try {
            return Optional.of(parse(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The domain one label up, empty for a single-label name. */
    public Optional<DomainName> parent() {
        int dot = ascii.indexOf('.');
        return dot < 0 ? Optional.empty() : Optional.of(new DomainName(ascii.substring(dot + 1)));
    }

    /** True when this name lies strictly below {@code ancestor} (one or more labels). */
    public boolean isSubdomainOf(DomainName ancestor) {
        return ascii.length() > ancestor.ascii.length() + 1
            && ascii.endsWith(ancestor.ascii)
            && ascii.charAt(ascii.length() - ancestor.ascii.length() - 1) == '.';
    }

    /** How many labels the name has ({@code mx.example} has 2). */
    public int labelCount() {
        return (int) ascii.chars().filter(c -> c == '.').count() + 1;
    }

    @Override
    public String toString() {
        return ascii;
    }

    private static String describeIdnFailure(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80 && !(Character.isLetterOrDigit(c) || c == '-' || c == '.')) {
                return "character '" + c + "' is not allowed (letters, digits, hyphen; labels separated by dots)";
            }
        }
        if (value.contains("..") || value.startsWith(".")) {
            return "empty label";
        }
        return "labels must not start or end with a hyphen and must be at most 63 characters";
    }

    private static String problem(String ascii) {
        Optional<String> grammar = grammarProblem(ascii);
        if (grammar.isPresent()) {
            return grammar.get();
        }
        return ascii.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')) ? "an IP address is not a domain" : null;
    }
}
