package dev.jamestls.smtp;

import java.util.Objects;

/**
 * One SMTP reply: basic code (RFC 5321 §4.2), enhanced status code (RFC 3463)
 * and text. The text never carries key material, is one line of printable US-ASCII,
 * and the whole reply line fits
 * RFC 5321 §4.5.3.1.5's 512 octets (a longer text is cut, ending in "...").
 */
public record SmtpReply(int code, String enhancedStatus, String text) {

    // RFC 3207 §4: "530 5.7.0 Must issue a STARTTLS command first".
    public static final int MUST_ISSUE_STARTTLS = 530;
    // RFC 5321 §4.2.2: 550 Requested action not taken: mailbox unavailable / policy rejection (§4.2.3 note).
    public static final int POLICY_REJECTED = 550;
    // RFC 5321 §4.2.2: 451 Requested action aborted: local error in processing (temporary).
    public static final int TEMPORARY_LOCAL_ERROR = 451;
    // RFC 5321 §4.2.2/§4.2.3: 450 mailbox unavailable, "e.g., ... temporarily blocked for policy reasons";
    // the temporary twin of 550.
    public static final int POLICY_REJECTED_TEMPORARY = 450;
    // RFC 5321 §4.2.2: 501 Syntax error in parameters or arguments.
    public static final int SYNTAX_ERROR_IN_PARAMETERS = 501;
    // RFC 5321 §4.5.3.1.5: the maximum total length of a reply line including the reply code and the CRLF.
    public static final int MAX_LINE_OCTETS = 512;

    // RFC 3463 §3.8: X.7.0 Other or undefined security status.
    public static final String SECURITY_OTHER = "5.7.0";
    // RFC 3463 §3.8: X.7.1 Delivery not authorized, message refused.
    public static final String NOT_AUTHORIZED = "5.7.1";
    // RFC 3463 §3.8: the same two statuses in their temporary (4.X.X) form (RFC 3463 §2: class 4, persistent transient).
    public static final String SECURITY_OTHER_TEMPORARY = "4.7.0";
    public static final String NOT_AUTHORIZED_TEMPORARY = "4.7.1";
    // RFC 3463 §3.8: X.7.5 Cryptographic failure (temporary form).
    public static final String CRYPTOGRAPHIC_FAILURE_TEMPORARY = "4.7.5";
    // RFC 3463 §3.8: X.7.5 Cryptographic failure; the DSN status of an outbound delivery that could not be
    // secured while the mail stays queued or after the retry schedule is exhausted (SPEC §3).
    public static final String OUTBOUND_TLS_NOT_SECURED_TEMPORARY = CRYPTOGRAPHIC_FAILURE_TEMPORARY;
    // RFC 7372 §3 (registered in RFC 5248's registry): X.7.10 Encryption Needed; the DSN status of an outbound
    // delivery whose rule says failure="permanent" (SPEC §3).
    public static final String ENCRYPTION_NEEDED_PERMANENT = "5.7.10";
    // RFC 3463 §3.6: X.5.4 Invalid command arguments (a MAIL FROM parameter the server cannot accept as written).
    public static final String INVALID_COMMAND_ARGUMENTS = "5.5.4";
    // RFC 3463 §3.5: X.4.4 Unable to route (no MX, no address for the destination).
    public static final String UNABLE_TO_ROUTE_TEMPORARY = "4.4.4";
    // RFC 7505 §4.2: X.1.10 Recipient address has null MX; the DSN status for a domain that accepts no mail.
    public static final String NULL_MX_PERMANENT = "5.1.10";
    // RFC 3463 §3.5: X.4.1 No answer from host (connection refused or timed out).
    public static final String NO_ANSWER_FROM_HOST_TEMPORARY = "4.4.1";
    // RFC 3463 §3.4: X.3.0 Other or undefined mail system status (temporary form): a failure inside our own code.
    public static final String MAIL_SYSTEM_OTHER_TEMPORARY = "4.3.0";
    // RFC 3463 §3.1: X.0.0 Other undefined status, for peer replies without an enhanced code.
    public static final String OTHER_PERMANENT = "5.0.0";
    public static final String OTHER_TEMPORARY = "4.0.0";
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
        text = cut(sevenBit(Objects.requireNonNull(text, "text")), room(enhancedStatus));
    }

    /**
     * A reply ending in {@code (session <id>)}, which leads from the short reply to the full
     * log line; when the line would exceed {@value #MAX_LINE_OCTETS} octets, {@code text} is
     * cut, never the session reference.
     */
    public static SmtpReply forSession(int code, String enhancedStatus, String text, String sessionId) {
        String end = sevenBit(" (session " + sessionId + ")");
        String head = cut(sevenBit(text), room(enhancedStatus) - end.length());
        return new SmtpReply(code, enhancedStatus, head + end);
    }

    /** Octets left for the text: "ddd x.y.z " before it, CRLF after it. */
    private static int room(String enhancedStatus) {
        return MAX_LINE_OCTETS - 4 - enhancedStatus.length() - 1 - 2;
    }

    private static String cut(String text, int room) {
        return text.length() <= room ? text : text.substring(0, Math.max(0, room - 3)) + "...";
    }

    /**
     * RFC 5321 §4.2: reply text is US-ASCII (RFC 6531 allows UTF-8 only in
     * SMTPUTF8 sessions). Texts built from certificates and RFC citations are
     * folded to ASCII: the section sign becomes "section", anything else '?'.
     * Control characters (CR, LF, TAB, ESC, DEL ...) become '?' too: a reply is one line.
     */
    static String sevenBit(String text) {
        String folded = text.replace("§", "section ").replace("  ", " ");
        StringBuilder ascii = new StringBuilder(folded.length());
        folded.chars().forEach(c -> ascii.append(c >= 32 && c < 127 ? (char) c : '?'));
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
