package dev.jamestls.expiry;

import java.util.Objects;

/**
 * A warning due now about one certificate.
 *
 * @param certificate the certificate
 * @param thresholdDays the threshold reached (e.g. 14 when 14 days or fewer are left); {@value #EXPIRED} once
 *     {@code notAfter} has passed
 * @param daysLeft whole days left, rounded down; negative once expired
 */
public record ExpiryWarning(WatchedCertificate certificate, int thresholdDays, long daysLeft) {
    /** The threshold of the warning that the certificate has expired. */
    public static final int EXPIRED = 0;

    public ExpiryWarning {
        Objects.requireNonNull(certificate, "certificate");
        if (thresholdDays < 0) {
            throw new IllegalArgumentException("thresholdDays is negative: " + thresholdDays);
        }
    }

    public boolean expired() {
        return thresholdDays == EXPIRED;
    }
}
