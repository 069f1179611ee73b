package dev.jamestls.outbound;

import java.util.Objects;

/**
 * One recipient the peer refused at RCPT (RFC 5321 §3.3, §4.2.5) while the transaction went on for
 * the others, or before it ended because none was accepted.
 *
 * @param recipient the address as sent in RCPT TO
 * @param replyCode the peer's reply code, 4xx (try again later) or 5xx (never)
 * @param reply the peer's reply, one line
 */
public record RecipientRefusal(String recipient, int replyCode, String reply) {
    public RecipientRefusal {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(reply, "reply");
        if (replyCode < 400 || replyCode > 599) {
            throw new IllegalArgumentException("a refusal needs a 4xx or 5xx reply code, not " + replyCode);
        }
        reply = reply.replaceAll("[\\r\\n]+", " ").strip();
    }

    /** RFC 5321 §4.2.1: 5yz is a permanent negative completion reply. */
    public boolean permanent() {
        return replyCode >= 500;
    }

    @Override
    public String toString() {
        return recipient + " (" + reply + ")";
    }
}
