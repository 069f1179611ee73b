package dev.jamestls.tlsrpt;

import java.util.List;
import java.util.Objects;

/**
 * One element of RFC 8460 §4.4 {@code policies}: the policy, its summary and its failure details.
 *
 * @param policy {@code policy}
 * @param summary {@code summary}
 * @param failureDetails {@code failure-details}; empty when there were none
 */
public record PolicyReport(ReportedPolicy policy, Summary summary, List<FailureDetail> failureDetails) {
    public PolicyReport {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(summary, "summary");
        failureDetails = List.copyOf(failureDetails);
    }
}
