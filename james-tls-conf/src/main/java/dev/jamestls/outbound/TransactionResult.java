package dev.jamestls.outbound;

import java.util.List;
import java.util.Objects;

/**
 * How the mail transaction (MAIL, RCPT, DATA; RFC 5321 §3.3) ended, when one was started.
 *
 * @param kind what happened
 * @param replyCode the peer's reply code for {@link Kind#REJECTED}, 0 otherwise
 * @param detail the peer's reply or the error, one line
 * @param refused the recipients the peer refused at RCPT: for {@link Kind#SENT}, those the message did not reach
 *     (the others got it); for {@link Kind#REJECTED} when no recipient was accepted, each one's refusal
 */
public record TransactionResult(Kind kind, int replyCode, String detail, List<RecipientRefusal> refused) {
    public enum Kind {
        /** Not started: nothing of the message left this host. */
        NOT_STARTED,
        /** 250 after the end of DATA. */
        SENT,
        /** The peer answered 4xx or 5xx to MAIL, RCPT or DATA. */
        REJECTED,
        /** The connection broke during the transaction. */
        BROKEN
    }

    public static final TransactionResult NOT_STARTED = new TransactionResult(Kind.NOT_STARTED, 0, "");
    public static final TransactionResult SENT = new TransactionResult(Kind.SENT, 0, "");

    /** A result without recipient refusals. */
    public TransactionResult(Kind kind, int replyCode, String detail) {
        this(kind, replyCode, detail, List.of());
    }

    public TransactionResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        if ((kind == Kind.REJECTED) != (replyCode >= 400 && replyCode <= 599)) {
            throw new IllegalArgumentException("reply code " + replyCode + " does not fit " + kind);
        }
        detail = detail.replaceAll("[\\r\\n]+", " ").strip();
        refused = List.copyOf(refused);
        if (!refused.isEmpty() && kind != Kind.SENT && kind != Kind.REJECTED) {
            throw new IllegalArgumentException("recipient refusals belong to a sent or rejected transaction, not " + kind);
        }
    }

    /** Sent to the recipients the peer accepted; {@code refused} did not get it (RFC 5321 §3.3). */
    public static TransactionResult sentExcept(List<RecipientRefusal> refused) {
        return new TransactionResult(Kind.SENT, 0, "", refused);
    }

    /** The peer accepted no recipient; {@code refused} says why for each one. */
    public static TransactionResult rejected(int code, String reply, List<RecipientRefusal> refused) {
        return new TransactionResult(Kind.REJECTED, code, reply, refused);
    }

    public static TransactionResult rejected(int code, String reply) {
        return new TransactionResult(Kind.REJECTED, code, reply);
    }

    public static TransactionResult broken(String detail) {
        return new TransactionResult(Kind.BROKEN, 0, detail);
    }
}
