package dev.jamestls.outbound;

import java.util.Objects;

import dev.jamestls.smtp.PeerReply;

/**
 * One recipient the peer refused at RCPT (RFC 5321 §3.3, §4.2.5) while the transaction went on for
 * the others, or before it ended because none was accepted.
 *
 * @param recipient the address as sent in RCPT TO
 * @param reply the peer's reply to that RCPT: 4xx (try again later) or 5xx (never)
 */
public record RecipientRefusal(String recipient, PeerReply reply) {
    public RecipientRefusal {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(reply, "reply");
    }

    /** RFC 5321 §4.2.1: 5yz is a permanent negative completion reply. */
    public boolean permanent() {
        return reply.permanent();
    }

    @Override
    public String toString() {
        return recipient + " (" + reply + ")";
    }
}
