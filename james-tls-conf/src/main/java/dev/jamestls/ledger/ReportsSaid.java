package dev.jamestls.ledger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the TLS reports a partner sent say about us, added up.
 *
 * @param reports how many reports it sent
 * @param successful successful sessions with our domains, all reports
 * @param failed failed sessions with our domains, all reports
 * @param failures failed sessions by result type, all reports, at most {@value PartnerLedger#MAX_VALUES} types
 * @param lastReceived when the last report arrived
 * @param lastReportId the last report's {@code report-id}
 */
public record ReportsSaid(long reports, long successful, long failed, Map<String, Long> failures, Optional<Instant> lastReceived,
                          Optional<String> lastReportId) {
    public static final ReportsSaid NONE = new ReportsSaid(0, 0, 0, Map.of(), Optional.empty(), Optional.empty());

    public ReportsSaid {
        failures = Bounded.copy(failures);
        Objects.requireNonNull(lastReceived, "lastReceived");
        Objects.requireNonNull(lastReportId, "lastReportId");
    }

    /** These counts with {@code report} added. */
    ReportsSaid plus(ReceivedReport report) {
        Map<String, Long> sum = new LinkedHashMap<>(failures);
        report.ours().forEach(policy -> policy.failures().forEach((type, count) -> {
            if (sum.containsKey(type) || sum.size() < PartnerLedger.MAX_VALUES) {
                sum.merge(type, count, Bounded::sum);
            }
        }));
        return new ReportsSaid(reports + 1, Bounded.sum(successful, report.successful()), Bounded.sum(failed, report.failed()), sum,
            Optional.of(report.receivedAt()), Optional.of(report.reportId()));
    }
}
