package dev.jamestls.tlsrpt;

import java.time.LocalDate;
import java.util.Objects;

/**
 * The counts of one policy of one policy domain on one UTC day, as kept across restarts.
 *
 * @param domain the policy domain, in A-labels
 * @param day the UTC day
 * @param counts the policy, its summary and its failure details
 * @param droppedFailureDetails failed sessions counted in the summary whose failure-detail row was not kept
 *        (the bound on rows per policy, {@link TlsReportCounters})
 */
public record CounterEntry(String domain, LocalDate day, PolicyReport counts, long droppedFailureDetails) {
    public CounterEntry {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(counts, "counts");
        if (droppedFailureDetails < 0) {
            throw new IllegalArgumentException("dropped failure details must not be negative: " + droppedFailureDetails);
        }
    }
}
