package dev.jamestls.tlsrpt;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The report counters of one node with their {@link CounterFile}: read back when created, written by {@link #save()}
 * (periodically and at shutdown, by the caller), each save first letting go of the days older than {@code keepDays}.
 * A save that fails is logged and retried at the next one: losing counts never stops mail.
 */
public final class KeptCounters {
    private static final Logger LOG = LoggerFactory.getLogger(KeptCounters.class);

    private final TlsReportCounters counters;
    private final CounterFile file;
    private final Clock clock;
    private final int keepDays;

    private KeptCounters(TlsReportCounters counters, CounterFile file, Clock clock, int keepDays) {
        this.counters = counters;
        this.file = file;
        this.clock = clock;
        this.keepDays = keepDays;
    }

    /**
     * The counters kept in {@code file} (of the last {@code keepDays} UTC days), or empty ones.
     *
     * @param keepDays how many UTC days, today included, are kept
     */
    public static KeptCounters load(CounterFile file, Clock clock, int keepDays) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(clock, "clock");
        if (keepDays < 1) {
            throw new IllegalArgumentException("keepDays must be at least 1: " + keepDays);
        }
        TlsReportCounters counters = new TlsReportCounters();
        counters.restore(file.load());
        return new KeptCounters(counters, file, clock, keepDays);
    }

    /** The live counters, recorded into by deliveries. */
    public TlsReportCounters counters() {
        return counters;
    }

    /** Forgets the days before the kept ones and writes the rest; false, with a warning, when the file cannot be written. */
    public boolean save() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        counters.discardBefore(today.minusDays(keepDays - 1L));
        try {
            file.save(counters.snapshot());
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("TLS report counters: cannot write {} ({}); the counts stay in memory and the next save tries again",
                file.file(), e.toString());
            return false;
        }
    }
}
