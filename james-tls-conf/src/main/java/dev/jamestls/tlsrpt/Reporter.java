package dev.jamestls.tlsrpt;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.jamestls.policy.DomainName;

/**
 * Who sends our reports (RFC 8460 §4.4 {@code organization-name}, {@code contact-info}; §5.3 the submitter's domain)
 * and which node of a cluster made them: each node reports the attempts it counted under report-ids of its own.
 *
 * @param organization {@code organization-name}
 * @param contact {@code contact-info}: an address or URI for questions about the reports
 * @param submitter the domain that sends the reports (§5.1 file name, §5.3 {@code TLS-Report-Submitter})
 * @param node a short name of this node, letters and digits (§5.1 {@code unique-id}), kept across restarts
 */
public record Reporter(String organization, String contact, String submitter, String node) {
    /** RFC 8460 §5.1: {@code unique-id = 1*(ALPHA / DIGIT)}. */
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9]{1,32}");

    public Reporter {
        requireText("organization", organization);
        requireText("contact", contact);
        Objects.requireNonNull(submitter, "submitter");
        submitter = DomainName.parse(submitter).toString();
        Objects.requireNonNull(node, "node");
        if (!NODE.matcher(node).matches()) {
            throw new IllegalArgumentException("node '" + node + "' is not 1-32 letters and digits (RFC 8460 §5.1 unique-id)");
        }
    }

    private static void requireText(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }

    /**
     * The report-id of {@code domain}'s report for {@code day} (RFC 8460 §4.4: unique for this sender): the same on
     * every retry, so a receiver can tell a repeat; another node's differs.
     */
    public String reportId(String domain, LocalDate day) {
        return day + "." + domain + "." + node + "@" + submitter;
    }

    /** The report of {@code domain} for {@code day} made from {@code counters}; empty when nothing was counted. */
    public Optional<TlsReport> report(TlsReportCounters counters, String domain, LocalDate day) {
        return counters.reportFor(domain, day, organization, contact, reportId(domain, day));
    }
}
