package dev.jamestls.mtasts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.jamestls.policy.DomainName;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.verify.TlsRptResultType;

/**
 * The strict parser of an MTA-STS policy body (RFC 8461 §3.2):
 * <ul>
 *   <li>lines end with CRLF or LF ({@code sts-policy-term}), the last one optionally; no empty line;</li>
 *   <li>{@code version: STSv1} is the first line;</li>
 *   <li>{@code mode} ({@code enforce}, {@code testing}, {@code none}) and {@code max_age} (0 to 31557600
 *       seconds, at most 10 digits) exactly once;</li>
 *   <li>{@code mx} at least once (unless the mode is {@code none}): a host name, or {@code *.} and a domain;</li>
 *   <li>other keys that follow the extension grammar are ignored, as RFC 8461 §3.2 asks, even when repeated;
 *       a repeated {@code version}, {@code mode} or {@code max_age} is refused.</li>
 * </ul>
 * Field names and the values {@code STSv1}, {@code enforce}, {@code testing}, {@code none} are case-sensitive
 * ({@code %s} in the grammar). Any violation is {@code sts-policy-invalid} (RFC 8460 §4.3.2.3) naming the line.
 */
public final class StsPolicyParser {
    /** RFC 8461 §3.2: {@code sts-policy-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")}. */
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    /** RFC 8461 §3.2: {@code sts-policy-max-age-value = 1*10(DIGIT)}. */
    private static final Pattern MAX_AGE = Pattern.compile("[0-9]{1,10}");
    private static final String VERSION = "STSv1";

    private StsPolicyParser() {
    }

    /**
     * Parses {@code body}, the text served at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}.
     *
     * @param id the id of the TXT record the policy was fetched for
     * @param fetchedAt when it was fetched
     * @return the policy, or {@code sts-policy-invalid} with the line and the rule it breaks
     */
    public static StsFetchResult parse(String body, String id, Instant fetchedAt) {
        try {
            return new StsFetchResult.Fetched(parseOrThrow(body, id, fetchedAt));
        } catch (InvalidLine e) {
            return new StsFetchResult.Failed(new StsProblem(TlsRptResultType.STS_POLICY_INVALID,
                "MTA-STS policy " + e.getMessage()));
        }
    }

    private static StsPolicy parseOrThrow(String body, String id, Instant fetchedAt) throws InvalidLine {
        List<String> lines = lines(body);
        StsMode mode = null;
        Duration maxAge = null;
        List<String> mx = new ArrayList<>();
        for (int index = 0; index < lines.size(); index++) {
            int number = index + 1;
            String line = lines.get(index);
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new InvalidLine(number, line, "not a 'key: value' line");
            }
            String key = line.substring(0, colon);
            if (!FIELD_NAME.matcher(key).matches()) {
                throw new InvalidLine(number, line, "key '" + key + "' is not a field name (letters, digits, '_', '-', '.'; at most 32)");
            }
            // RFC 8461 §3.2: field-delim = ":" *WSP; each field is followed by *WSP before the line ends.
            String value = stripWhiteSpace(line.substring(colon + 1));
            if (index == 0 && !key.equals("version")) {
                throw new InvalidLine(number, line, "the first line must be 'version: " + VERSION + "'");
            }
            switch (key) {
                case "version" -> {
                    if (index != 0) {
                        throw new InvalidLine(number, line, "version given twice");
                    }
                    if (!value.equals(VERSION)) {
                        throw new InvalidLine(number, line, "version '" + value + "' is not supported; accepted: " + VERSION);
                    }
                }
                case "mode" -> {
                    if (mode != null) {
                        throw new InvalidLine(number, line, "mode given twice");
                    }
                    try {
                        mode = StsMode.parse(value);
                    } catch (IllegalArgumentException e) {
                        throw new InvalidLine(number, line, "mode '" + value + "' is not one of enforce, testing, none");
                    }
                }
                case "max_age" -> {
                    if (maxAge != null) {
                        throw new InvalidLine(number, line, "max_age given twice");
                    }
                    maxAge = maxAge(number, line, value);
                }
                case "mx" -> mx.add(mxPattern(number, line, value));
                default -> extensionValue(number, line, value); // RFC 8461 §3.2: unknown fields are ignored
            }
        }
        if (mode == null) {
            throw new InvalidLine(0, "", "no mode line");
        }
        if (maxAge == null) {
            throw new InvalidLine(0, "", "no max_age line");
        }
        if (mx.isEmpty() && mode != StsMode.NONE) {
            // RFC 8461 §3.2: mx is "required at least once, except when mode is 'none'".
            throw new InvalidLine(0, "", "no mx line in mode " + mode);
        }
        return new StsPolicy(mode, mx, maxAge, id, fetchedAt);
    }

    /**
     * RFC 8461 §3.2: {@code sts-policy-record = sts-policy-field *WSP *(sts-policy-term sts-policy-field *WSP)
     * [sts-policy-term]}, {@code sts-policy-term = LF / CRLF}.
     */
    private static List<String> lines(String body) throws InvalidLine {
        String text = body;
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (true) {
            int lf = text.indexOf('\n', start);
            String line = lf < 0 ? text.substring(start) : text.substring(start, lf);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            int number = lines.size() + 1;
            if (line.isEmpty()) {
                throw new InvalidLine(number, line, number == 1 && lf < 0 ? "empty policy" : "empty line");
            }
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c != '\t' && Character.isISOControl(c)) { // a bare CR included
                    throw new InvalidLine(number, line, String.format(Locale.ROOT, "control character U+%04X", (int) c));
                }
            }
            lines.add(line);
            if (lf < 0) {
                return lines;
            }
            start = lf + 1;
        }
    }

    /** RFC 8461 §3.2: {@code max_age}, "plaintext non-negative integer seconds, maximum value of 31557600". */
    private static Duration maxAge(int number, String line, String value) throws InvalidLine {
        if (!MAX_AGE.matcher(value).matches()) {
            throw new InvalidLine(number, line, "max_age '" + value + "' is not 1 to 10 digits");
        }
        long seconds = Long.parseLong(value);
        if (seconds > StsPolicy.MAX_AGE_LIMIT.toSeconds()) {
            throw new InvalidLine(number, line, "max_age " + seconds + " exceeds " + StsPolicy.MAX_AGE_LIMIT.toSeconds());
        }
        return Duration.ofSeconds(seconds);
    }

    /** RFC 8461 §3.2: {@code sts-policy-mx-value = ["*."] Domain}. */
    private static String mxPattern(int number, String line, String value) throws InvalidLine {
        String name = value.toLowerCase(Locale.ROOT);
        Optional<String> problem = mxProblem(name);
        if (problem.isPresent()) {
            throw new InvalidLine(number, line, "mx '" + value + "' is neither a host name nor '*.' and a domain: " + problem.get());
        }
        return name;
    }

    /** What keeps a lower-case {@code mx} value from being a host name or {@code *.} and a domain. */
    static Optional<String> mxProblem(String pattern) {
        return DomainName.grammarProblem(pattern.startsWith("*.") ? pattern.substring(2) : pattern);
    }

    /**
     * RFC 8461 §3.2: {@code sts-policy-ext-value = sts-policy-vchar [*(%x20 / sts-policy-vchar) sts-policy-vchar]}:
     * visible characters (UTF-8 allowed) with single spaces inside, not empty.
     */
    private static void extensionValue(int number, String line, String value) throws InvalidLine {
        if (value.isEmpty() || value.indexOf('\t') >= 0) {
            throw new InvalidLine(number, line, "extension value '" + value + "' is empty or holds a tab");
        }
    }

    private static String stripWhiteSpace(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && (text.charAt(start) == ' ' || text.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
            end--;
        }
        return text.substring(start, end);
    }

    /** A policy line that breaks the grammar; line 0 for what is missing from the whole policy. */
    private static final class InvalidLine extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidLine(int number, String line, String problem) {
            super((number == 0 ? "" : "line " + number + " '" + PeerText.escape(line) + "': ") + PeerText.escape(problem)
                + " (RFC 8461 §3.2)", null, false, false);
        }
    }
}
