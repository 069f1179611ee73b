package dev.jamestls.outbound;

import java.util.Objects;

/**
 * How the mail transaction (MAIL, RCPT, DATA; RFC 5321 §3.3) ended, when one was started.
 *
 * @param kind what happened
 * @param replyCode the peer's reply code for {@link Kind#REJECTED}, 0 otherwise
 * @param detail the peer's reply or the error, one line
 */
public record TransactionResult(Kind kind, int replyCode, String detail) {
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

    public TransactionResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        if ((kind == Kind.REJECTED) != (replyCode >= 400 && replyCode <= 599)) {
            throw new IllegalArgumentException("reply code " + replyCode + " does not fit " + kind);
        }
        detail = detail.replaceAll("[\\r\\n]+", " ").strip();
    }

    public static TransactionResult rejected(int code, String reply) {
        return new TransactionResult(Kind.REJECTED, code, reply);
    }

    public static TransactionResult broken(String detail) {
        return new TransactionResult(Kind.BROKEN, 0, detail);
    }
}
