package dev.jamestls.tlsrpt;

/**
 * RFC 8460 §4.4 {@code summary}: the sessions of one policy.
 *
 * @param totalSuccessfulSessionCount {@code total-successful-session-count}
 * @param totalFailureSessionCount {@code total-failure-session-count}
 */
public record Summary(long totalSuccessfulSessionCount, long totalFailureSessionCount) {
    public Summary {
        if (totalSuccessfulSessionCount < 0 || totalFailureSessionCount < 0) {
            throw new IllegalArgumentException("session counts must not be negative: successful "
                + totalSuccessfulSessionCount + ", failure " + totalFailureSessionCount);
        }
    }
}
