package dev.jamestls.revocation;

/** The revocation status of one certificate. */
public enum RevocationStatus {
    /** A fresh, verified OCSP answer or CRL says it is not revoked. */
    GOOD,
    /** A fresh, verified OCSP answer or CRL says it is revoked (RFC 5280 §6.3.3 (i)). */
    REVOKED,
    /**
     * A place to ask answered (or a local CRL was at hand), but no answer was usable: malformed, stale, a bad
     * signature, an HTTP error status, an OCSP error status such as {@code tryLater}, or "unknown" (RFC 6960 §2.2).
     */
    UNKNOWN,
    /** There are places to ask and none answered at all: connection refused, timeout, name not resolved. */
    UNREACHABLE,
    /** The certificate names no OCSP responder and no CRL distribution point, and no local CRL covers it. */
    NOT_CHECKABLE;

    /** Whether the status could not be established although there were places to ask. */
    public boolean undetermined() {
        return this == UNKNOWN || this == UNREACHABLE;
    }
}
