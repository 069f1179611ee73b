package dev.jamestls.ledger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.jamestls.tlsrpt.FailureDetail;
import dev.jamestls.tlsrpt.PolicyReport;
import dev.jamestls.tlsrpt.ReceivedReports;

/**
 * A TLS report a partner sent us (RFC 8460 §5.3), as kept: who sent it, its identity and range, and for each of its
 * policies about our domains the session counts and the failures by result type (§4.3). Its other policies are only
 * counted. Every text is escaped peer text, bounded.
 *
 * @param receivedAt when we received it
 * @param partner the envelope sender's domain: the partner the report is filed under
 * @param organization its {@code organization-name}
 * @param reportId its {@code report-id}
 * @param rangeStart its {@code date-range} start
 * @param rangeEnd its {@code date-range} end
 * @param ours its policies about our domains, at most {@value PartnerLedger#MAX_VALUES}
 * @param otherPolicies how many of its policies were about other domains
 */
public record ReceivedReport(Instant receivedAt, String partner, String organization, String reportId, Instant rangeStart,
                             Instant rangeEnd, List<PolicyCounts> ours, int otherPolicies) {
    public ReceivedReport {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(partner, "partner");
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(rangeStart, "rangeStart");
        Objects.requireNonNull(rangeEnd, "rangeEnd");
        ours = List.copyOf(ours);
        if (ours.size() > PartnerLedger.MAX_VALUES) {
            ours = ours.subList(0, PartnerLedger.MAX_VALUES);
        }
        if (otherPolicies < 0) {
            throw new IllegalArgumentException("otherPolicies is negative: " + otherPolicies);
        }
    }

    /**
     * What one policy of the report says about one of our domains.
     *
     * @param domain the {@code policy-domain}
     * @param type the {@code policy-type} ({@code sts}, {@code tlsa}, {@code no-policy-found})
     * @param successful {@code total-successful-session-count}
     * @param failed {@code total-failure-session-count}
     * @param failures failed sessions by {@code result-type}, at most {@value PartnerLedger#MAX_VALUES} types
     */
    public record PolicyCounts(String domain, String type, long successful, long failed, Map<String, Long> failures) {
        public PolicyCounts {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(type, "type");
            failures = Bounded.copy(failures);
        }

        static PolicyCounts of(PolicyReport policy) {
            Map<String, Long> failures = new LinkedHashMap<>();
            for (FailureDetail detail : policy.failureDetails()) {
                String type = LedgerText.of(detail.resultType());
                if (failures.containsKey(type) || failures.size() < PartnerLedger.MAX_VALUES) {
                    failures.merge(type, detail.failedSessionCount(), Bounded::sum);
                }
            }
            return new PolicyCounts(LedgerText.of(policy.policy().domain()), policy.policy().type().spelling(),
                policy.summary().totalSuccessfulSessionCount(), policy.summary().totalFailureSessionCount(), failures);
        }
    }

    /** A report received now from {@code partner}, as {@link ReceivedReports} read it. */
    public static ReceivedReport of(Instant at, String partner, ReceivedReports.Received received) {
        return new ReceivedReport(at, LedgerText.of(partner), LedgerText.of(received.report().organizationName()),
            LedgerText.of(received.report().reportId()), received.report().dateRange().start(), received.report().dateRange().end(),
            received.ours().stream().limit(PartnerLedger.MAX_VALUES).map(PolicyCounts::of).toList(),
            received.report().policies().size() - received.ours().size());
    }

    /** Successful sessions with our domains, all policies. */
    public long successful() {
        return ours.stream().mapToLong(PolicyCounts::successful).reduce(0, Bounded::sum);
    }

    /** Failed sessions with our domains, all policies. */
    public long failed() {
        return ours.stream().mapToLong(PolicyCounts::failed).reduce(0, Bounded::sum);
    }
}
