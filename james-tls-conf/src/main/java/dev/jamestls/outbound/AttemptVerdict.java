package dev.jamestls.outbound;

/** The typed outcome of one attempt to one host. */
public enum AttemptVerdict {
    /** Delivered over TLS. */
    DELIVERED("delivered", false),
    /** Delivered in clear text: only under {@code none}, {@code may} or a rule in testing mode. */
    DELIVERED_IN_CLEAR("delivered-in-clear", false),
    /** The rule's TLS requirement could not be met; no message byte left in clear (SPEC §2). Try the next host. */
    TLS_NOT_SECURED("tls-not-secured", true),
    /** No connection, or it broke: try the next host. */
    CONNECTION_FAILED("connection-failed", true),
    /** The peer answered 4xx in the mail transaction. */
    REJECTED_TEMPORARILY("rejected-temporarily", true),
    /** The peer answered 5xx in the mail transaction: the message is refused, no other host is tried. */
    REJECTED_PERMANENTLY("rejected-permanently", false);

    private final String spelling;
    private final boolean tryNextHost;

    AttemptVerdict(String spelling, boolean tryNextHost) {
        this.spelling = spelling;
        this.tryNextHost = tryNextHost;
    }

    public String spelling() {
        return spelling;
    }

    /** Whether the delivery goes on with the next target. */
    public boolean tryNextHost() {
        return tryNextHost;
    }

    public boolean delivered() {
        return this == DELIVERED || this == DELIVERED_IN_CLEAR;
    }

    @Override
    public String toString() {
        return spelling;
    }
}
