package dev.jamestls.tlsrpt;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * RFC 8460 §4.4 {@code date-range}: the period the report covers, RFC 3339 date-times.
 *
 * @param start {@code start-datetime}
 * @param end {@code end-datetime}, not before the start
 */
public record DateRange(Instant start, Instant end) {
    public DateRange {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("date-range ends " + end + " before it starts " + start);
        }
    }

    /** One UTC day, 00:00:00Z to 23:59:59Z, as in the example report of RFC 8460 Appendix B (§4.1: daily reports). */
    public static DateRange utcDay(LocalDate day) {
        Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        return new DateRange(start, start.plusSeconds(86_399));
    }
}
