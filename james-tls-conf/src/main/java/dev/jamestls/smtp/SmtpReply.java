package dev.jamestls.smtp;

import java.util.Objects;

/**
 * One SMTP reply: basic code (RFC 5321 §4.2), enhanced status code (RFC 3463)
 * and text. The text never carries key material.
 */
public record SmtpReply(int code, String enhancedStatus, String text) {

    // RFC 3207 §4: "530 5.7.0 Must issue a STARTTLS command first".
    public static final int MUST_ISSUE_STARTTLS = 530;
    // RFC 5321 §4.2.2: 550 Requested action not taken: mailbox unavailable / policy rejection (§4.2.3 note).
    public static final int POLICY_REJECTED = 550;
    // RFC 5321 §4.2.2: 451 Requested action aborted: local error in processing (temporary).
    public static final int TEMPORARY_LOCAL_ERROR = 451;

    // RFC 3463 §3.8: X.7.0 Other or undefined security status.
    public static final String SECURITY_OTHER = "5.7.0";
    // RFC 3463 §3.8: X.7.1 Delivery not authorized, message refused.
    public static final String NOT_AUTHORIZED = "5.7.1";
    // RFC 3463 §3.8: X.7.5 Cryptographic failure (temporary form).
    public static final String CRYPTOGRAPHIC_FAILURE_TEMPORARY = "4.7.5";
    // RFC 3207 §4 fixed wording.
    public static final String MUST_ISSUE_STARTTLS_TEXT = "Must issue a STARTTLS command first";

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("not an SMTP reply code: " + code + " (RFC 5321 §4.2: 2xx to 5xx)");
        }
        Objects.requireNonNull(enhancedStatus, "enhancedStatus");
        if (!enhancedStatus.matches("[245]\\.\\d{1,3}\\.\\d{1,3}") || enhancedStatus.charAt(0) != String.valueOf(code).charAt(0)) {
            throw new IllegalArgumentException("enhanced status " + enhancedStatus + " does not fit reply code " + code
                + " (RFC 3463 §2: same class digit)");
        }
        text = sevenBit(Objects.requireNonNull(text, "text"));
        if (text.contains("\r") || text.contains("\n")) {
            throw new IllegalArgumentException("reply text must be one line: " + text);
        }
    }

    /**
     * RFC 5321 §4.2: reply text is US-ASCII (RFC 6531 allows UTF-8 only in
     * SMTPUTF8 sessions). Texts built from certificates and RFC citations are
     * folded to ASCII: the section sign becomes "section", anything else '?'.
     */
    static String sevenBit(String text) {
        String folded = text.replace("§", "section ").replace("  ", " ");
        StringBuilder ascii = new StringBuilder(folded.length());
        folded.chars().forEach(c -> ascii.append(c < 128 ? (char) c : '?'));
        return ascii.toString();
    }

    public boolean isTemporary() {
        return code / 100 == 4;
    }

    /** The enhanced status and text, as James's hook results want them after the code. */
    public String description() {
        return enhancedStatus + " " + text;
    }

    @Override
    public String toString() {
        return code + " " + description();
    }
}
