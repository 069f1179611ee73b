package dev.jamestls.ledger;

import dev.jamestls.tls.Spelled;

/** Which way mail went between us and a partner. */
public enum Direction implements Spelled {
    /** The partner sent to us (our SMTP listeners). */
    INBOUND,
    /** We delivered to the partner (remote delivery). */
    OUTBOUND
}
