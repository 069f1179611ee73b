package dev.jamestls.james.attributes;

import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.jamestls.smtp.PeerText;
import dev.jamestls.tlsrpt.ReceivedReports;
import dev.jamestls.tlsrpt.TlsReportFormatException;

/**
 * Attributes {@code ReceiveTlsReports} puts on a mail carrying a TLS report (RFC 8460 §5.3):
 *
 * <table>
 * <caption>attributes</caption>
 * <tr><th>name</th><th>value</th></tr>
 * <tr><td>{@code dev.jamestls.tlsrpt.received}</td><td>JSON: the report's {@code organization-name},
 *     {@code date-range}, {@code contact-info}, {@code report-id}, the {@code policies} about our domains in full,
 *     and {@code other-domains}, the policy domains that are not ours</td></tr>
 * <tr><td>{@code dev.jamestls.tlsrpt.malformedProblem}</td><td>what is wrong: {@code not-json}, {@code missing},
 *     {@code wrong-type}, {@code negative-count}, {@code bad-date}, {@code bad-value}, {@code too-large},
 *     {@code not-gzip}, {@code future-date}, {@code no-report}</td></tr>
 * <tr><td>{@code dev.jamestls.tlsrpt.malformed}</td><td>the problem, the member's path ({@code $.policies[0].summary})
 *     and what was found there, control characters escaped</td></tr>
 * </table>
 */
public final class ReportAttributes {
    public static final AttributeName RECEIVED = AttributeName.of("dev.jamestls.tlsrpt.received");
    public static final AttributeName MALFORMED_PROBLEM = AttributeName.of("dev.jamestls.tlsrpt.malformedProblem");
    public static final AttributeName MALFORMED = AttributeName.of("dev.jamestls.tlsrpt.malformed");

    private ReportAttributes() {
    }

    public static void setReceived(Mail mail, ReceivedReports.Received received) {
        mail.setAttribute(new Attribute(RECEIVED, AttributeValue.of(received.summaryJson())));
    }

    public static void setMalformed(Mail mail, TlsReportFormatException problem) {
        mail.setAttribute(new Attribute(MALFORMED_PROBLEM, AttributeValue.of(problem.problem().spelling())));
        mail.setAttribute(new Attribute(MALFORMED, AttributeValue.of(PeerText.escape(problem.getMessage()))));
    }

    public static Optional<String> received(Mail mail) {
        return TlsAttributes.string(mail, RECEIVED);
    }

    public static Optional<String> malformedProblem(Mail mail) {
        return TlsAttributes.string(mail, MALFORMED_PROBLEM);
    }

    public static Optional<String> malformed(Mail mail) {
        return TlsAttributes.string(mail, MALFORMED);
    }
}
