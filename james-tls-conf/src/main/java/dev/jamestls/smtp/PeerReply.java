package dev.jamestls.smtp;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A negative reply the peer sent to one of our commands, as values: the reply code (RFC 5321 §4.2),
 * the enhanced status code when the peer gave one (RFC 3463 §2, placed right after the reply code as
 * RFC 2034 §4 specifies), and the reply as the peer wrote it, on one line. Built from the code the SMTP
 * client read and the reply text, never from an exception's message alone.
 *
 * @param code the reply code, 4yz (transient) or 5yz (permanent), RFC 5321 §4.2.1
 * @param enhancedStatus the enhanced status code, when the reply carries one whose class digit agrees with
 *     the reply code (RFC 3463 §2: "the class sub-code ... must match the reply code's first digit")
 * @param text the whole reply, code included, its lines joined by a space (a reply is one line in logs and DSNs)
 */
public record PeerReply(int code, Optional<String> enhancedStatus, String text) {
    // RFC 2034 §4: the enhanced status code follows the reply code and a space (or a hyphen on continuation lines).
    private static final Pattern ENHANCED = Pattern.compile("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b");
    private static final Pattern STATUS = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

    public PeerReply {
        if (code < 400 || code > 599) {
            throw new IllegalArgumentException("a peer's refusal has a 4xx or 5xx reply code (RFC 5321 §4.2.1), not " + code);
        }
        Objects.requireNonNull(enhancedStatus, "enhancedStatus");
        enhancedStatus.ifPresent(status -> {
            if (!STATUS.matcher(status).matches() || status.charAt(0) != Integer.toString(code).charAt(0)) {
                throw new IllegalArgumentException("enhanced status " + status + " does not fit reply code " + code
                    + " (RFC 3463 §2: same class digit)");
            }
        });
        text = oneLine(Objects.requireNonNull(text, "text"));
    }

    /**
     * The reply to a command, from the code the client read and the reply text it kept (which may or may not
     * start with the code; several lines are joined). An enhanced status is taken only when it follows the code
     * and its class agrees with it; otherwise the reply has none.
     *
     * @throws IllegalArgumentException when {@code code} is not a 4xx or 5xx reply code
     */
    public static PeerReply of(int code, String reply) {
        String line = oneLine(reply == null ? "" : reply);
        String prefix = Integer.toString(code);
        if (!line.startsWith(prefix + " ") && !line.startsWith(prefix + "-") && !line.equals(prefix)) {
            line = line.isEmpty() ? prefix : prefix + " " + line;
        }
        Matcher matcher = ENHANCED.matcher(line);
        Optional<String> status = matcher.find() && matcher.group(1).charAt(0) == prefix.charAt(0)
            ? Optional.of(matcher.group(1)) : Optional.empty();
        return new PeerReply(code, status, line);
    }

    /** RFC 5321 §4.2.1: 5yz is a permanent negative completion reply, 4yz a transient one. */
    public boolean permanent() {
        return code >= 500;
    }

    /**
     * The status a DSN reports for this reply (RFC 3464 §2.3.4): the peer's enhanced status, or without one
     * RFC 3463 §3.1's X.0.0 "other undefined status" of the reply's class.
     */
    public String status() {
        return enhancedStatus.orElse(permanent() ? SmtpReply.OTHER_PERMANENT : SmtpReply.OTHER_TEMPORARY);
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+", " ").strip();
    }

    @Override
    public String toString() {
        return text;
    }
}
