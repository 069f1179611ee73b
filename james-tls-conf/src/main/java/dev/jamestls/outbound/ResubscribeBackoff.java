package dev.jamestls.outbound;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a queue consumer that stopped waits before it subscribes to the queue again: the
 * {@code first} delay, doubled after each failed try, at most {@code max}. A consumer that stopped
 * never gives up: mail keeps arriving in its queue.
 *
 * @param first the delay before the first try after a stop
 * @param max the longest delay between two tries
 */
public record ResubscribeBackoff(Duration first, Duration max) {
    /** 1 second, then 2, 4, ... up to one minute. */
    public static final ResubscribeBackoff DEFAULT = new ResubscribeBackoff(Duration.ofSeconds(1), Duration.ofMinutes(1));

    public ResubscribeBackoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero()) {
            throw new IllegalArgumentException("first resubscribe delay must be positive: " + first);
        }
        if (max.compareTo(first) < 0) {
            throw new IllegalArgumentException("max resubscribe delay " + max + " is shorter than the first " + first);
        }
    }

    /** The delay before try {@code attempt} (1-based) of one incident. */
    public Duration delay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1: " + attempt);
        }
        Duration delay = first;
        for (int i = 1; i < attempt && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
