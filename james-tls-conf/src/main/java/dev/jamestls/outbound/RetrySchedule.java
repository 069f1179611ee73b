package dev.jamestls.outbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a temporarily failed delivery is tried again, in James's {@code RemoteDelivery} syntax:
 * {@code delayTime} is a comma-separated list of {@code [count*]amount [unit]} (unit ms when omitted;
 * {@code ms}, {@code second(s)}, {@code minute(s)}, {@code hour(s)}, {@code day(s)} and their short forms),
 * {@code maxRetries} the number of retries after the first attempt. When the list is shorter than
 * {@code maxRetries} its last delay repeats. Unlike James, a list longer than {@code maxRetries} is an error
 * rather than a silent increase of {@code maxRetries}.
 *
 * @param delays the delay before retry 1, 2, ... (expanded)
 * @param maxRetries retries after the first attempt; 0 = bounce after the first temporary failure
 */
public record RetrySchedule(List<Duration> delays, int maxRetries) {
    /** James's defaults: 5 retries, 6 hours apart. */
    public static final RetrySchedule JAMES_DEFAULT = new RetrySchedule(List.of(Duration.ofHours(6)), 5);

    private static final Pattern ENTRY = Pattern.compile("(?:(\\d+)\\s*\\*\\s*)?(\\d+)\\s*([a-zA-Z]*)");
    /** The accepted forms of {@link #parse}. */
    public static final String ACCEPTED = "a comma-separated list of [count*]amount [unit], unit one of "
        + "ms, msec, s, sec, second, seconds, m, minute, minutes, h, hour, hours, d, day, days (default ms); "
        + "e.g. '5 minutes, 3*1 hour, 6 hours'";

    public RetrySchedule {
        delays = List.copyOf(delays);
        if (delays.isEmpty()) {
            throw new IllegalArgumentException("a retry schedule needs at least one delay");
        }
        for (Duration delay : delays) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("retry delay must not be negative: " + delay);
            }
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be 0 or more: " + maxRetries);
        }
        if (delays.size() > Math.max(maxRetries, 1)) {
            throw new IllegalArgumentException("delayTime lists " + delays.size() + " delays but maxRetries is " + maxRetries
                + "; raise maxRetries or shorten delayTime");
        }
    }

    /**
     * @throws IllegalArgumentException naming the bad entry and the accepted forms
     */
    public static RetrySchedule parse(String delayTime, int maxRetries) {
        Objects.requireNonNull(delayTime, "delayTime");
        List<Duration> delays = new ArrayList<>();
        for (String entry : delayTime.split(",")) {
            Matcher matcher = ENTRY.matcher(entry.strip());
            if (!matcher.matches()) {
                throw new IllegalArgumentException("delayTime entry '" + entry.strip() + "' is not understood; accepted: " + ACCEPTED);
            }
            int count = matcher.group(1) == null ? 1 : Integer.parseInt(matcher.group(1));
            if (count < 1 || count > 1000) {
                throw new IllegalArgumentException("delayTime entry '" + entry.strip() + "': count must be 1..1000");
            }
            Duration delay = unit(matcher.group(3), entry.strip()).multipliedBy(Long.parseLong(matcher.group(2)));
            for (int i = 0; i < count; i++) {
                delays.add(delay);
            }
        }
        return new RetrySchedule(delays, maxRetries);
    }

    /** The delay before retry {@code retry} (1-based), or empty when the schedule is exhausted. */
    public java.util.Optional<Duration> delayBeforeRetry(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1: " + retry);
        }
        if (retry > maxRetries) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(delays.get(Math.min(retry, delays.size()) - 1));
    }

    private static Duration unit(String unit, String entry) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "", "ms", "msec", "msecs" -> Duration.ofMillis(1);
            case "s", "sec", "secs", "second", "seconds" -> Duration.ofSeconds(1);
            case "m", "minute", "minutes" -> Duration.ofMinutes(1);
            case "h", "hour", "hours" -> Duration.ofHours(1);
            case "d", "day", "days" -> Duration.ofDays(1);
            default -> throw new IllegalArgumentException("delayTime entry '" + entry + "': unknown unit '" + unit + "'; accepted: " + ACCEPTED);
        };
    }
}
