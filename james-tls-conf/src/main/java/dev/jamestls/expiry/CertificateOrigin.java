package dev.jamestls.expiry;

import dev.jamestls.tls.Spelled;

/** Where a watched certificate comes from. */
public enum CertificateOrigin implements Spelled {
    /** Ours: presented by one of our TLS listeners. */
    LISTENER,
    /** A partner's client certificate, presented to one of our listeners. */
    PARTNER,
    /** A destination's server certificate, presented when we delivered to it. */
    DESTINATION
}
