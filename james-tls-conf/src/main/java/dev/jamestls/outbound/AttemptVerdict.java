package dev.jamestls.outbound;

import dev.jamestls.tls.Spelled;

/** The typed outcome of one attempt to one host. */
public enum AttemptVerdict implements Spelled {
    /** Delivered over TLS. */
    DELIVERED(false),
    /** Delivered in clear text: only under {@code none}, {@code may} or a rule in testing mode. */
    DELIVERED_IN_CLEAR(false),
    /** The rule's TLS requirement could not be met; no message byte left in clear (SPEC §2). Try the next host. */
    TLS_NOT_SECURED(true),
    /** No connection, or it broke: try the next host. */
    CONNECTION_FAILED(true),
    /** The peer answered 4xx in the mail transaction. */
    REJECTED_TEMPORARILY(true),
    /** The peer answered 5xx in the mail transaction: the message is refused, no other host is tried. */
    REJECTED_PERMANENTLY(false),
    /**
     * The sender's REQUIRETLS (RFC 8689 §4.2.1) could not be met by this host: its TLS is not authenticated by the rule
     * or a published policy, or its EHLO reply after STARTTLS does not list REQUIRETLS. Nothing of the message was sent;
     * the next host is tried (§4.2.1: "repeat steps 2-4 with each host").
     */
    REQUIRETLS_NOT_MET(true);

    private final boolean tryNextHost;

    AttemptVerdict(boolean tryNextHost) {
        this.tryNextHost = tryNextHost;
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
        return spelling();
    }
}
