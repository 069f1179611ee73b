package dev.jamestls.tlsrpt;

import java.util.List;
import java.util.Objects;

/**
 * An aggregate TLS report (RFC 8460 §4.4), one per reporting period and policy domain.
 *
 * @param organizationName {@code organization-name}: who sends the report
 * @param dateRange {@code date-range}
 * @param contactInfo {@code contact-info}: an address for questions about the report
 * @param reportId {@code report-id}: unique for this sender
 * @param policies {@code policies}
 */
public record TlsReport(String organizationName, DateRange dateRange, String contactInfo, String reportId,
                        List<PolicyReport> policies) {
    public TlsReport {
        requireText("organization-name", organizationName);
        Objects.requireNonNull(dateRange, "dateRange");
        requireText("contact-info", contactInfo);
        requireText("report-id", reportId);
        policies = List.copyOf(policies);
    }

    private static void requireText(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
    }
}
