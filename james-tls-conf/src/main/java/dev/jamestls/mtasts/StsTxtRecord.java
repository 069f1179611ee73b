package dev.jamestls.mtasts;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code _mta-sts} TXT record of a policy domain (RFC 8461 §3.1), parsed strictly:
 * {@code v=STSv1} first, exactly one {@code id} of 1 to 32 letters and digits, extension fields
 * ({@code name=value}) allowed by the grammar and ignored.
 *
 * @param id the policy's version id: a changed id tells senders to fetch the policy again
 */
public record StsTxtRecord(String id) {
    /** RFC 8461 §3.1: {@code sts-version = %s"v=STSv1"}, case-sensitive. */
    static final String VERSION = "v=STSv1";
    /** RFC 8461 §3.1: {@code sts-id = %s"id=" 1*32(ALPHA / DIGIT)}. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");
    /** RFC 8461 §3.1: {@code sts-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")}. */
    private static final Pattern EXTENSION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    /** RFC 8461 §3.1: {@code sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)}: no "=", ";", space or control. */
    private static final Pattern EXTENSION_VALUE = Pattern.compile("[\\x21-\\x3A\\x3C\\x3E-\\x7E]+");

    public StsTxtRecord {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("MTA-STS id '" + id + "' is not 1 to 32 letters and digits (RFC 8461 §3.1)");
        }
    }

    /**
     * What the TXT records at {@code _mta-sts.<domain>} say.
     *
     * @param record the one valid record, empty when the domain has no usable MTA-STS record
     * @param reason why there is none (for the log), empty when there is one
     */
    public record Selection(Optional<StsTxtRecord> record, String reason) {
        public Selection {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Picks the domain's record among all TXT records at {@code _mta-sts.<domain>} (RFC 8461 §3.1): records
     * that do not begin with {@code v=STSv1;} are discarded; if not exactly one remains, or it is invalid,
     * the domain has no available MTA-STS policy.
     */
    public static Selection select(List<String> records) {
        List<String> candidates = new ArrayList<>();
        for (String text : records) {
            if (beginsWithVersion(text)) {
                candidates.add(text);
            }
        }
        if (candidates.isEmpty()) {
            return new Selection(Optional.empty(), "no TXT record beginning with " + VERSION);
        }
        if (candidates.size() > 1) {
            // RFC 8461 §3.1: "If the number of resulting records is not one ... senders MUST assume the
            // recipient domain does not have an available MTA-STS policy."
            return new Selection(Optional.empty(), candidates.size() + " TXT records beginning with " + VERSION + ", expected one");
        }
        try {
            return new Selection(Optional.of(parse(candidates.get(0))), "");
        } catch (IllegalArgumentException e) {
            return new Selection(Optional.empty(), e.getMessage());
        }
    }

    /** {@code v=STSv1} followed by the field delimiter (optional white space and {@code ;}) or nothing else. */
    private static boolean beginsWithVersion(String text) {
        if (!text.startsWith(VERSION)) {
            return false;
        }
        String rest = skipWhiteSpace(text, VERSION.length());
        return rest.isEmpty() || rest.charAt(0) == ';';
    }

    /**
     * Parses one record strictly by the RFC 8461 §3.1 grammar:
     * {@code sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim]},
     * {@code sts-field-delim = *WSP ";" *WSP}.
     *
     * @throws IllegalArgumentException naming the record and what is wrong with it
     */
    public static StsTxtRecord parse(String text) {
        Objects.requireNonNull(text, "text");
        if (!text.startsWith(VERSION)) {
            throw invalid(text, "does not begin with " + VERSION);
        }
        String id = null;
        int fields = 0;
        String rest = text.substring(VERSION.length());
        while (!rest.isEmpty()) {
            rest = skipWhiteSpace(rest, 0);
            if (rest.isEmpty() || rest.charAt(0) != ';') {
                throw invalid(text, "expected ';' between fields");
            }
            rest = skipWhiteSpace(rest, 1);
            if (rest.isEmpty()) {
                break; // the optional final delimiter
            }
            int end = 0;
            while (end < rest.length() && rest.charAt(end) != ';' && rest.charAt(end) != ' ' && rest.charAt(end) != '\t') {
                end++;
            }
            String field = rest.substring(0, end);
            rest = rest.substring(end);
            fields++;
            if (field.startsWith("id=")) {
                String value = field.substring(3);
                if (!ID.matcher(value).matches()) {
                    throw invalid(text, "id '" + value + "' is not 1 to 32 letters and digits");
                }
                if (id != null) {
                    throw invalid(text, "more than one id field");
                }
                id = value;
            } else {
                int equals = field.indexOf('=');
                if (equals < 0 || !EXTENSION_NAME.matcher(field.substring(0, equals)).matches()
                    || !EXTENSION_VALUE.matcher(field.substring(equals + 1)).matches()) {
                    throw invalid(text, "field '" + field + "' is neither id=... nor an extension name=value");
                }
            }
        }
        if (fields == 0 || id == null) {
            throw invalid(text, "no id field");
        }
        return new StsTxtRecord(id);
    }

    private static String skipWhiteSpace(String text, int from) {
        int i = from;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return text.substring(i);
    }

    private static IllegalArgumentException invalid(String text, String problem) {
        return new IllegalArgumentException("MTA-STS TXT record '" + text + "': " + problem + " (RFC 8461 §3.1)");
    }
}
