package dev.jamestls.outbound;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How open connections are kept for the next mail to the same destination (performance):
 * at most {@code maxTotal} idle connections, at most {@code maxPerDestination} per destination, each
 * closed after {@code idleTimeout} without use. {@code maxTotal = 0} turns reuse off. Like Postfix's
 * {@code smtp_connection_reuse_count_limit} and {@code smtp_connection_reuse_time_limit}, a connection
 * that carried {@code maxMessages} mails or was opened {@code maxAge} ago is spent: it is closed after
 * its current mail and never offered again.
 *
 * @param maxTotal idle connections kept over all destinations, 0 = no reuse
 * @param maxPerDestination idle connections kept per destination (rule + level + host + port + TLS requirement)
 * @param idleTimeout how long an unused connection stays open
 * @param maxMessages mails one connection carries at most, 0 = no limit
 * @param maxAge how long after it was opened a connection may still take a mail
 */
public record ConnectionReuse(int maxTotal, int maxPerDestination, Duration idleTimeout, int maxMessages, Duration maxAge) {
    /** 32 connections, 4 per destination (the default delivery threads), 30 seconds idle, any number of mails, 300 seconds old. */
    public static final ConnectionReuse DEFAULT = new ConnectionReuse(32, 4, Duration.ofSeconds(30));

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*([a-zA-Z]*)");
    /** The accepted forms of {@link #parseDuration}. */
    public static final String DURATION_FORMS = "amount [unit], unit one of ms, s, seconds, m, minutes, h, hours "
        + "(default ms); e.g. '30 seconds'";

    public ConnectionReuse {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxTotal < 0) {
            throw new IllegalArgumentException("connection pool size must be 0 or more: " + maxTotal);
        }
        if (maxPerDestination < 1) {
            throw new IllegalArgumentException("connections per destination must be 1 or more: " + maxPerDestination);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
        }
        if (maxMessages < 0) {
            throw new IllegalArgumentException("mails per connection must be 0 (no limit) or more: " + maxMessages);
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("connection age limit must be positive: " + maxAge);
        }
    }

    /** No limit on mails per connection, connections retired 300 seconds after they were opened (Postfix's defaults). */
    public ConnectionReuse(int maxTotal, int maxPerDestination, Duration idleTimeout) {
        this(maxTotal, maxPerDestination, idleTimeout, 0, Duration.ofSeconds(300));
    }

    public boolean enabled() {
        return maxTotal > 0;
    }

    /** Whether {@code use} reached the mail count or age limit at {@code now}: such a connection takes no further mail. */
    public boolean spent(ConnectionUse use, Instant now) {
        return maxMessages > 0 && use.mails() >= maxMessages || !now.isBefore(use.opened().plus(maxAge));
    }

    /**
     * A positive duration: {@code 30000}, {@code 30 seconds}, {@code 2 minutes}.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static Duration parseDuration(String value) {
        Matcher matcher = DURATION.matcher(value.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a duration; accepted: " + DURATION_FORMS);
        }
        Duration unit = switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
            case "", "ms", "msec", "msecs" -> Duration.ofMillis(1);
            case "s", "sec", "secs", "second", "seconds" -> Duration.ofSeconds(1);
            case "m", "minute", "minutes" -> Duration.ofMinutes(1);
            case "h", "hour", "hours" -> Duration.ofHours(1);
            default -> throw new IllegalArgumentException("'" + value + "': unknown unit '" + matcher.group(2) + "'; accepted: "
                + DURATION_FORMS);
        };
        Duration duration = unit.multipliedBy(Long.parseLong(matcher.group(1)));
        if (duration.isZero()) {
            throw new IllegalArgumentException("'" + value + "' must be more than 0");
        }
        return duration;
    }
}
