package dev.jamestls.outbound;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.smtp.PeerReply;

/**
 * How the mail transaction (MAIL, RCPT, DATA; RFC 5321 §3.3) ended, when one was started.
 *
 * @param kind what happened
 * @param reply the peer's refusal for {@link Kind#REJECTED} (its code and enhanced status as values), empty otherwise
 * @param detail the peer's reply or the error, one line
 * @param refused the recipients the peer refused at RCPT: for {@link Kind#SENT}, those the message did not reach
 *     (the others got it); for {@link Kind#REJECTED} when no recipient was accepted, each one's refusal
 */
public record TransactionResult(Kind kind, Optional<PeerReply> reply, String detail, List<RecipientRefusal> refused) {
    public enum Kind {
        /** Not started: nothing of the message left this host. */
        NOT_STARTED,
        /** 250 after the end of DATA. */
        SENT,
        /** The peer answered 4xx or 5xx to MAIL, RCPT or DATA. */
        REJECTED,
        /** The connection broke during the transaction. */
        BROKEN,
        /**
         * Not started by us: the peer does not meet what the sender demanded of this message (its EHLO reply after
         * STARTTLS does not list REQUIRETLS, RFC 8689 §4.2.1), so no MAIL was sent.
         */
        WITHHELD
    }

    public static final TransactionResult NOT_STARTED = new TransactionResult(Kind.NOT_STARTED, Optional.empty(), "", List.of());
    public static final TransactionResult SENT = new TransactionResult(Kind.SENT, Optional.empty(), "", List.of());

    public TransactionResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(detail, "detail");
        if ((kind == Kind.REJECTED) != reply.isPresent()) {
            throw new IllegalArgumentException(kind == Kind.REJECTED ? "a rejected transaction needs the peer's reply"
                : "a peer's refusal does not fit " + kind);
        }
        detail = detail.replaceAll("[\\r\\n]+", " ").strip();
        refused = List.copyOf(refused);
        if (!refused.isEmpty() && kind != Kind.SENT && kind != Kind.REJECTED) {
            throw new IllegalArgumentException("recipient refusals belong to a sent or rejected transaction, not " + kind);
        }
    }

    /** Sent to the recipients the peer accepted; {@code refused} did not get it (RFC 5321 §3.3). */
    public static TransactionResult sentExcept(List<RecipientRefusal> refused) {
        return new TransactionResult(Kind.SENT, Optional.empty(), "", refused);
    }

    /** The peer accepted no recipient; {@code refused} says why for each one, {@code reply} is the one that decides. */
    public static TransactionResult rejected(PeerReply reply, List<RecipientRefusal> refused) {
        return new TransactionResult(Kind.REJECTED, Optional.of(reply), reply.text(), refused);
    }

    /** The peer refused MAIL or DATA (or the end of data) with {@code reply}. */
    public static TransactionResult rejected(PeerReply reply) {
        return rejected(reply, List.of());
    }

    /** The message was not offered to the peer: {@code detail} says which demand of the sender it does not meet. */
    public static TransactionResult withheld(String detail) {
        return new TransactionResult(Kind.WITHHELD, Optional.empty(), detail, List.of());
    }

    public static TransactionResult broken(String detail) {
        return new TransactionResult(Kind.BROKEN, Optional.empty(), detail, List.of());
    }
}
