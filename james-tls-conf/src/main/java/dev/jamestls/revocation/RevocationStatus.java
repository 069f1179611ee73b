package dev.jamestls.revocation;

/** The revocation status of one certificate. */
public enum RevocationStatus {
    /** A fresh, verified OCSP answer or CRL says it is not revoked. */
    GOOD,
    /** A fresh, verified OCSP answer or CRL says it is revoked (RFC 5280 §6.3.3 (i)). */
    REVOKED,
    /** There is a place to ask, but no usable answer came back (unreachable, malformed, stale, bad signature). */
    UNKNOWN,
    /** The certificate names no OCSP responder and no CRL distribution point, and no local CRL covers it. */
    NOT_CHECKABLE
}
