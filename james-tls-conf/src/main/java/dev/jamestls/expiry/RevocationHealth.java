package dev.jamestls.expiry;

import java.util.List;

import dev.jamestls.revocation.EndpointResult;
import dev.jamestls.tls.Spelled;

/**
 * What the revocation endpoints of one of our certificates said at the last check, worst first. The
 * {@link #gaugeValue()} is what James's metrics show for the certificate.
 */
public enum RevocationHealth implements Spelled {
    /** An OCSP responder or a CRL says the certificate is revoked (RFC 6960 §2.2, RFC 5280 §5.3). */
    REVOKED(2),
    /**
     * At least one endpoint gave no usable answer (unreachable, an HTTP error, malformed, a stale CRL, OCSP
     * {@code unknown}, or not askable): peers that check revocation may refuse the certificate.
     */
    UNCHECKED(1),
    /** Every endpoint answered, none says revoked. */
    GOOD(0),
    /** The certificate names no CRL distribution point and no OCSP responder: nothing to check. */
    NO_ENDPOINTS(-1);

    private final int gaugeValue;

    RevocationHealth(int gaugeValue) {
        this.gaugeValue = gaugeValue;
    }

    public int gaugeValue() {
        return gaugeValue;
    }

    /** The health of a certificate whose endpoints answered {@code results}. */
    public static RevocationHealth of(List<EndpointResult> results) {
        if (results.isEmpty()) {
            return NO_ENDPOINTS;
        }
        if (results.stream().anyMatch(r -> r.outcome() == EndpointResult.Outcome.REVOKED)) {
            return REVOKED;
        }
        return results.stream().allMatch(EndpointResult::healthy) ? GOOD : UNCHECKED;
    }
}
