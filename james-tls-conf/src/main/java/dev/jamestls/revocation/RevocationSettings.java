package dev.jamestls.revocation;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of revocation checking.
 *
 * @param maxAgeWithoutNextUpdate how old ({@code thisUpdate}) a CRL or OCSP answer that has no
 *     {@code nextUpdate} may be before it is treated as unusable
 * @param clockSkew tolerance when comparing {@code thisUpdate}/{@code nextUpdate} with the clock
 * @param unknownRetry how long an "unknown" status may be reused before asking again
 * @param sendNonce whether OCSP requests carry a nonce (RFC 6960 §4.4.1; off by default as RFC 5019
 *     responders answer from caches and ignore it)
 */
public record RevocationSettings(Duration maxAgeWithoutNextUpdate, Duration clockSkew, Duration unknownRetry,
                                 boolean sendNonce) {
    /** 7 days, 5 minutes, 5 minutes, no nonce. */
    public static final RevocationSettings DEFAULT =
        new RevocationSettings(Duration.ofDays(7), Duration.ofMinutes(5), Duration.ofMinutes(5), false);

    public RevocationSettings {
        Objects.requireNonNull(maxAgeWithoutNextUpdate, "maxAgeWithoutNextUpdate");
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(unknownRetry, "unknownRetry");
        if (maxAgeWithoutNextUpdate.isNegative() || clockSkew.isNegative() || unknownRetry.isNegative()) {
            throw new IllegalArgumentException("revocation durations must not be negative: maxAge "
                + maxAgeWithoutNextUpdate + ", clockSkew " + clockSkew + ", unknownRetry " + unknownRetry);
        }
    }
}
