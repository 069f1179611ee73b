package dev.jamestls.ledger;

import dev.jamestls.tls.Spelled;

/** Which certificate of a partner was seen. */
public enum CertificateSide implements Spelled {
    /** Presented by the partner's client to one of our listeners. */
    CLIENT,
    /** Presented by the partner's server when we delivered to it. */
    SERVER
}
