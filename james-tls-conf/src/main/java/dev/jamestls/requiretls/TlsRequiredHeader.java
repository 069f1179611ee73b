package dev.jamestls.requiretls;

import java.util.List;

/**
 * The {@code TLS-Required} header field of a received message, read strictly (RFC 8689 §3):
 * {@code "TLS-Required:" [FWS] "No" CRLF}, the one value defined. Only that field, once, with that
 * value, asks for recipient-side policies to be set aside; any other form is read as no request, so
 * DANE and MTA-STS stay in force.
 */
public enum TlsRequiredHeader {
    /** No such field. */
    ABSENT,
    /** One field saying {@code No} (ABNF literals are case-insensitive, RFC 5234 §2.3). */
    NO,
    /** One field with another value ({@code Yes}, a comment after {@code No}, ...): nothing is asked. */
    OTHER_VALUE,
    /** Several fields: not the one field §3 defines, so nothing is asked, whatever they say. */
    SEVERAL;

    /** The field name (RFC 8689 §3, registered in §7.2). */
    public static final String FIELD = "TLS-Required";

    /** Reads the values of every {@value #FIELD} field of a message, as the text after each colon. */
    public static TlsRequiredHeader read(List<String> values) {
        if (values.isEmpty()) {
            return ABSENT;
        }
        if (values.size() > 1) {
            return SEVERAL;
        }
        return unfolded(values.get(0)).equalsIgnoreCase("No") ? NO : OTHER_VALUE;
    }

    /** RFC 5322 §2.2.3 unfolding, then the FWS around the value dropped; any other character is kept. */
    private static String unfolded(String value) {
        String unfolded = value.replaceAll("\r?\n(?=[ \t])", "");
        int start = 0;
        int end = unfolded.length();
        while (start < end && isWsp(unfolded.charAt(start))) {
            start++;
        }
        while (end > start && isWsp(unfolded.charAt(end - 1))) {
            end--;
        }
        return unfolded.substring(start, end);
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }
}
