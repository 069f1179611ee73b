package dev.jamestls.tlsrpt;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.jamestls.tls.Spelled;

/**
 * A domain's TLS reporting policy, the TXT record at {@code _smtp._tls.<domain>} (RFC 8460 §3):
 * {@code v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/tlsrpt}.
 *
 * <p>Parsed strictly to the §3 grammar: the version first and exactly {@code v=TLSRPTv1}; fields separated by
 * {@code ;} with optional white space around it, a trailing {@code ;} allowed; exactly one {@code rua} with at least
 * one URI, URIs separated by {@code ,}; an extension field's name and value as the grammar spells them, its meaning
 * ignored (§3: "tlsrpt-extension"). URIs of schemes other than {@code mailto:} and {@code https:} are kept in
 * {@link #ignored()}, not used: §3 defines only those two.
 *
 * @param destinations the {@code mailto:} and {@code https:} URIs, in published order
 * @param ignored URIs of other schemes
 */
public record TlsRptRecord(List<ReportUri> destinations, List<String> ignored) {
    /** RFC 8460 §3: {@code tlsrpt-version = %s"v=TLSRPTv1"}. */
    public static final String VERSION = "v=TLSRPTv1";
    /** The owner name's labels below the policy domain (RFC 8460 §3). */
    public static final String LABELS = "_smtp._tls";
    /** RFC 8460 §3: {@code tlsrpt-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")}. */
    private static final Pattern EXTENSION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    /** RFC 8460 §3: {@code tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)}. */
    private static final Pattern EXTENSION_VALUE = Pattern.compile("[\\x21-\\x3A\\x3C\\x3E-\\x7E]+");
    /** RFC 5322 §3.4.1 addr-spec, dot-atom local part (what RFC 8460 §5.3 mails to). */
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+");

    public TlsRptRecord {
        destinations = List.copyOf(destinations);
        ignored = List.copyOf(ignored);
    }

    /** What is wrong with a published record. */
    public enum Problem implements Spelled {
        /** The record does not start with {@code v=TLSRPTv1}. */
        NOT_TLSRPT,
        /** A field is not {@code name=value} as RFC 8460 §3 spells it. */
        BAD_FIELD,
        /** No {@code rua} field. */
        MISSING_RUA,
        /** More than one {@code rua} field. */
        DUPLICATE_RUA,
        /** A {@code rua} URI that is not a URI, or a {@code mailto:}/{@code https:} URI that cannot be used. */
        BAD_URI;

        @Override
        public String toString() {
            return spelling();
        }
    }

    /** A record that RFC 8460 §3 does not allow: the problem and the offending text. */
    public static final class FormatException extends Exception {
        private final Problem problem;

        public FormatException(Problem problem, String detail) {
            super(problem + ": " + detail);
            this.problem = Objects.requireNonNull(problem, "problem");
        }

        public Problem problem() {
            return problem;
        }
    }

    /** Whether {@code text} claims to be a TLSRPT record (RFC 8460 §3: records not starting so are discarded). */
    public static boolean claims(String text) {
        return text.startsWith(VERSION + ";") || text.startsWith(VERSION + " ") || text.startsWith(VERSION + "\t")
            || text.equals(VERSION);
    }

    /** Parses one record strictly (see the class comment). */
    public static TlsRptRecord parse(String text) throws FormatException {
        Objects.requireNonNull(text, "text");
        String[] fields = text.split("[ \\t]*;[ \\t]*", -1);
        if (!fields[0].equals(VERSION)) {
            throw new FormatException(Problem.NOT_TLSRPT, "'" + text + "' does not start with " + VERSION);
        }
        int last = fields.length - 1;
        if (last > 0 && fields[last].isEmpty()) {
            last--; // RFC 8460 §3: an optional field-delim at the end
        }
        List<ReportUri> destinations = null;
        List<String> ignored = new ArrayList<>();
        for (int i = 1; i <= last; i++) {
            String field = fields[i];
            int equals = field.indexOf('=');
            if (equals < 1) {
                throw new FormatException(Problem.BAD_FIELD, "'" + field + "' is not name=value");
            }
            String name = field.substring(0, equals);
            String value = field.substring(equals + 1);
            if (name.equals("rua")) {
                if (destinations != null) {
                    throw new FormatException(Problem.DUPLICATE_RUA, "a second rua field '" + field + "'");
                }
                destinations = destinations(value, ignored);
            } else if (!EXTENSION_NAME.matcher(name).matches() || !EXTENSION_VALUE.matcher(value).matches()) {
                throw new FormatException(Problem.BAD_FIELD, "'" + field + "' is not an extension field (RFC 8460 §3)");
            }
        }
        if (destinations == null) {
            throw new FormatException(Problem.MISSING_RUA, "'" + text + "' has no rua field");
        }
        return new TlsRptRecord(destinations, ignored);
    }

    private static List<ReportUri> destinations(String value, List<String> ignored) throws FormatException {
        if (value.isEmpty()) {
            throw new FormatException(Problem.BAD_URI, "rua has no URI");
        }
        List<ReportUri> destinations = new ArrayList<>();
        for (String text : value.split("[ \\t]*,[ \\t]*", -1)) {
            Optional<ReportUri> destination = destination(text);
            if (destination.isPresent()) {
                destinations.add(destination.get());
            } else {
                ignored.add(text);
            }
        }
        return destinations;
    }

    /** One {@code rua} URI: a destination, or empty for a scheme other than {@code mailto:} and {@code https:}. */
    public static Optional<ReportUri> destination(String text) throws FormatException {
        if (!text.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            // RFC 3986 §2: a URI is printable US-ASCII; java.net.URI also takes other characters, a bidi override among them
            throw new FormatException(Problem.BAD_URI, "'" + text + "' has characters a URI cannot have (RFC 3986 §2)");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new FormatException(Problem.BAD_URI, "'" + text + "' is not a URI: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "mailto":
                return Optional.of(mailto(text, uri));
            case "https":
                if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                    throw new FormatException(Problem.BAD_URI, "'" + text + "' is not an https URI with a host name, "
                        + "without user information or fragment");
                }
                return Optional.of(new ReportUri.Https(text, uri));
            case "":
                throw new FormatException(Problem.BAD_URI, "'" + text + "' has no scheme");
            default:
                return Optional.empty();
        }
    }

    /** RFC 6068 §2: {@code mailto:addr-spec}; header fields ({@code ?subject=...}) and several addresses are refused. */
    private static ReportUri.Mailto mailto(String text, URI uri) throws FormatException {
        String part = uri.getRawSchemeSpecificPart();
        if (uri.getRawQuery() != null || part.contains("?") || part.contains(",") || uri.getRawFragment() != null) {
            throw new FormatException(Problem.BAD_URI, "'" + text + "' is not mailto: with one address and no header fields");
        }
        String address = URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
        if (!ADDRESS.matcher(address).matches() || address.startsWith(".") || address.contains("..")) {
            throw new FormatException(Problem.BAD_URI, "'" + text + "' does not name a mail address (local@domain)");
        }
        return new ReportUri.Mailto(text, address);
    }
}
