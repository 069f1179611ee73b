package dev.jamestls.tlsrpt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When a report that could not be sent (or whose policy could not be looked up) is tried again: after each delay in
 * turn, the last one repeating, until {@code giveUpAfter} since the report was made. RFC 8460 §5 leaves retries to the
 * sender; bounded, so a destination that is gone does not keep a report for ever, and a day's report is due the next
 * day anyway.
 *
 * @param delays the delays after the first, second, ... failure; the last repeats
 * @param giveUpAfter how long after the report was made the last try may be
 */
public record ReportRetry(List<Duration> delays, Duration giveUpAfter) {
    /** 5 minutes, 15 minutes, 1 hour, then every 3 hours, for 2 days. */
    public static final ReportRetry DEFAULT = new ReportRetry(
        List.of(Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(3)), Duration.ofDays(2));

    public ReportRetry {
        delays = List.copyOf(delays);
        Objects.requireNonNull(giveUpAfter, "giveUpAfter");
        if (delays.isEmpty() || delays.stream().anyMatch(delay -> delay.isNegative() || delay.isZero())) {
            throw new IllegalArgumentException("retry delays must be positive, at least one: " + delays);
        }
    }

    /**
     * When to try again after {@code failures} failures (1 after the first), the last at {@code now}; empty when that
     * would be after the bound: give up.
     */
    public Optional<Instant> next(int failures, Instant created, Instant now) {
        Duration delay = delays.get(Math.min(Math.max(failures, 1), delays.size()) - 1);
        Instant next = now.plus(delay);
        return next.isAfter(created.plus(giveUpAfter)) ? Optional.empty() : Optional.of(next);
    }
}
