package dev.jamestls.james.mailets;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.BodyPart;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;

import org.apache.james.core.Domain;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.james.attributes.ReportAttributes;
import dev.jamestls.james.ledger.SharedLedger;
import dev.jamestls.ledger.PartnerLedger;
import dev.jamestls.ledger.ReceivedReport;
import dev.jamestls.parameters.ConfiguredParameters;
import dev.jamestls.parameters.ParameterSpec;
import dev.jamestls.parameters.ReportParameters;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.tlsrpt.PolicyReport;
import dev.jamestls.tlsrpt.ReceivedReports;
import dev.jamestls.tlsrpt.ReceivedReports.Encoding;
import dev.jamestls.tlsrpt.TlsReportFormatException;
import dev.jamestls.tlsrpt.TlsReportFormatException.Problem;

/**
 * Receives TLS reports other servers send about our domains (RFC 8460 §5.3). A mail is a report when one of its
 * MIME parts is {@code application/tlsrpt+json} or {@code application/tlsrpt+gzip}, or when it carries a
 * {@code TLS-Report-Domain} or {@code TLS-Report-Submitter} header; other mail passes untouched.
 *
 * <p>The report is read within bounds (1 MiB as sent, 10 MiB inflated) and parsed strictly; a date range ending
 * more than an hour from now is refused. Of an accepted report, the policies whose {@code policy-domain} is one of
 * James's domains are kept, the others only named; the summary goes to the log and to the attribute
 * {@code dev.jamestls.tlsrpt.received}, the report is kept in the partner ledger under the envelope sender's domain
 * (what it says about our domains, the newest {@value dev.jamestls.ledger.PartnerLedger#MAX_REPORTS} reports; WebAdmin
 * {@code GET /jamestls/reports/received}), and the mail goes on, or to {@code reportProcessor} when set. A malformed
 * report gets {@code dev.jamestls.tlsrpt.malformedProblem} and {@code dev.jamestls.tlsrpt.malformed} (problem, member
 * path, detail) and goes to {@code malformedProcessor} when set, otherwise is stored in {@code malformedRepository}.
 * No report is dropped, and no malformed report makes the mailet throw.
 *
 * <pre>{@code
 * <mailet match="RecipientIs=tlsrpt@example.com" class="dev.jamestls.james.mailets.ReceiveTlsReports">
 *   <reportProcessor>tls-reports</reportProcessor>                                    <!-- optional -->
 *   <malformedRepository>file://var/mail/tls-reports-malformed/</malformedRepository> <!-- default -->
 *   <!-- or <malformedProcessor>tls-reports-malformed</malformedProcessor> -->
 * </mailet>
 * }</pre>
 */
public class ReceiveTlsReports extends GenericMailet {
    /** Its init parameters, as {@code check} knows them. */
    public static final List<ParameterSpec<?>> PARAMETERS = ReportParameters.ALL;
    private static final String COMPONENT = "mailet ReceiveTlsReports";
    private static final Logger LOGGER = LoggerFactory.getLogger(ReceiveTlsReports.class);
    /** How deep multiparts are searched for the report part; §5.3 puts it one level down, in a multipart/report. */
    private static final int MAX_DEPTH = 4;
    /** How many policies or domains of one report a log line names. */
    private static final int LOGGED = 10;

    private final MailRepositoryStore repositories;
    /** Where an accepted report is kept: the partner ledger. */
    private final Consumer<ReceivedReport> ledger;
    private final Clock clock;
    private Settings settings;

    private record Settings(Optional<String> reportProcessor, Optional<String> malformedProcessor, MailRepositoryUrl malformedRepository) {
    }

    /**
     * A report part and its media type. A class, not a record: the Eclipse Transformer that makes the James 3.9 jar
     * does not rename the {@code javax.mail} type in a record component's attribute.
     */
    private static final class ReportPart {
        private final Part part;
        private final Encoding encoding;

        ReportPart(Part part, Encoding encoding) {
            this.part = part;
            this.encoding = encoding;
        }

        Part part() {
            return part;
        }

        Encoding encoding() {
            return encoding;
        }
    }

    @Inject
    public ReceiveTlsReports(MailRepositoryStore repositories, SharedLedger ledger) {
        this(repositories, report -> ledger.ledger().reportReceived(report), Clock.systemUTC());
    }

    ReceiveTlsReports(MailRepositoryStore repositories, PartnerLedger ledger, Clock clock) {
        this(repositories, ledger::reportReceived, clock);
    }

    private ReceiveTlsReports(MailRepositoryStore repositories, Consumer<ReceivedReport> ledger, Clock clock) {
        this.repositories = repositories;
        this.ledger = ledger;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        try {
            ConfiguredParameters parameters = ConfiguredParameters.of(COMPONENT, getInitParameterNames(), this::getInitParameter,
                PARAMETERS);
            Optional<String> malformedProcessor = parameters.optional(ReportParameters.MALFORMED_PROCESSOR);
            String repository = parameters.value(ReportParameters.MALFORMED_REPOSITORY);
            if (malformedProcessor.isPresent() && parameters.isSet(ReportParameters.MALFORMED_REPOSITORY)) {
                throw new IllegalArgumentException(COMPONENT + ": set malformedProcessor or malformedRepository, not both");
            }
            MailRepositoryUrl repositoryUrl;
            try {
                repositoryUrl = MailRepositoryUrl.from(repository);
            } catch (IllegalArgumentException e) {
                throw parameters.invalid(ReportParameters.MALFORMED_REPOSITORY, repository, e.getMessage());
            }
            settings = new Settings(parameters.optional(ReportParameters.REPORT_PROCESSOR), malformedProcessor, repositoryUrl);
        } catch (IllegalArgumentException e) {
            throw new MessagingException(e.getMessage(), e);
        }
    }

    @Override
    public void service(Mail mail) {
        Optional<ReportPart> report;
        String notFound;
        try {
            report = reportPart(mail.getMessage(), 0);
            notFound = "no " + Encoding.JSON.mediaType() + " or " + Encoding.GZIP.mediaType() + " part";
        } catch (MessagingException | IOException | RuntimeException e) {
            report = Optional.empty();
            notFound = "a MIME structure that cannot be read: " + e;
        }
        if (report.isEmpty()) {
            if (announcesReport(mail)) {
                malformed(mail, new TlsReportFormatException(Problem.NO_REPORT, "$", "a " + ReceivedReports.DOMAIN_HEADER + " or "
                    + ReceivedReports.SUBMITTER_HEADER + " header but " + notFound));
            }
            return;
        }
        ReceivedReports.Received received;
        try (InputStream body = report.get().part().getInputStream()) {
            received = ReceivedReports.receive(body, report.get().encoding(), clock.instant(), this::isOurs);
        } catch (TlsReportFormatException e) {
            malformed(mail, e);
            return;
        } catch (MessagingException | IOException | RuntimeException e) {
            // a transfer encoding that cannot be decoded, or a part that cannot be read
            malformed(mail, new TlsReportFormatException(Problem.NO_REPORT, "$", "a report part that cannot be read: " + e));
            return;
        }
        accepted(mail, received);
    }

    /** The first part, depth first, whose media type is a report's. */
    private static Optional<ReportPart> reportPart(Part part, int depth) throws MessagingException, IOException {
        Optional<Encoding> encoding = Encoding.ofContentType(part.getContentType());
        if (encoding.isPresent()) {
            return Optional.of(new ReportPart(part, encoding.get()));
        }
        if (depth < MAX_DEPTH && part.isMimeType("multipart/*") && part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                Optional<ReportPart> found = reportPart(child, depth + 1);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** RFC 8460 §5.3: a report mail carries both headers; either one is taken as announcing a report. */
    private static boolean announcesReport(Mail mail) {
        try {
            return mail.getMessage().getHeader(ReceivedReports.DOMAIN_HEADER) != null
                || mail.getMessage().getHeader(ReceivedReports.SUBMITTER_HEADER) != null;
        } catch (MessagingException e) {
            return false;
        }
    }

    private boolean isOurs(String policyDomain) {
        String name = policyDomain.endsWith(".") ? policyDomain.substring(0, policyDomain.length() - 1) : policyDomain;
        try {
            return getMailetContext().isLocalServer(Domain.of(name));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void accepted(Mail mail, ReceivedReports.Received received) {
        ReportAttributes.setReceived(mail, received);
        LOGGER.info("tls-report received mail={} organization={} report-id={} range={}..{} ours=[{}] others=[{}]", mail.getName(),
            PeerText.escape(received.report().organizationName()), PeerText.escape(received.report().reportId()),
            received.report().dateRange().start(), received.report().dateRange().end(),
            named(received.ours().stream().map(ReceiveTlsReports::counts).toList()),
            named(received.otherDomains().stream().map(PeerText::escape).toList()));
        keep(mail, received);
        settings.reportProcessor().ifPresent(mail::setState);
    }

    /**
     * Keeps the report in the partner ledger, filed under the envelope sender's domain (the null sender files it under
     * no partner); keeping it never stops the mail.
     */
    private void keep(Mail mail, ReceivedReports.Received received) {
        String partner = mail.getMaybeSender().asOptional().map(sender -> sender.getDomain().asString()).orElse("");
        try {
            ledger.accept(ReceivedReport.of(clock.instant(), partner, received));
        } catch (RuntimeException e) {
            LOGGER.warn("tls-report mail={} not kept in the TLS ledger", mail.getName(), PeerText.escape(e));
        }
    }

    /** The first {@value #LOGGED} of {@code items}, then how many there are: a report names up to 1,000 policies. */
    private static String named(List<String> items) {
        String first = items.stream().limit(LOGGED).collect(Collectors.joining(", "));
        return items.size() > LOGGED ? first + ", ... (" + items.size() + " in all)" : first;
    }

    private static String counts(PolicyReport policy) {
        return PeerText.escape(policy.policy().domain()) + " " + policy.policy().type().spelling() + " success="
            + policy.summary().totalSuccessfulSessionCount() + " failure=" + policy.summary().totalFailureSessionCount();
    }

    private void malformed(Mail mail, TlsReportFormatException problem) {
        ReportAttributes.setMalformed(mail, problem);
        String reason = PeerText.escape(problem.getMessage());
        if (settings.malformedProcessor().isPresent()) {
            LOGGER.warn("tls-report malformed mail={} to processor {} ({})", mail.getName(), settings.malformedProcessor().get(), reason);
            mail.setState(settings.malformedProcessor().get());
            return;
        }
        try {
            repositories.select(settings.malformedRepository()).store(mail);
        } catch (MailRepositoryStore.MailRepositoryStoreException | MessagingException | RuntimeException e) {
            // not stored: the mail goes on with its attributes rather than being lost
            LOGGER.error("tls-report malformed mail={} could not be stored in {}, left in its processor ({}): {}", mail.getName(),
                settings.malformedRepository().asString(), reason, PeerText.escape(String.valueOf(e)));
            return;
        }
        LOGGER.warn("tls-report malformed mail={} stored in {} ({})", mail.getName(), settings.malformedRepository().asString(), reason);
        mail.setState(Mail.GHOST);
    }

    @Override
    public String getMailetInfo() {
        return "Receives RFC 8460 TLS reports about our domains";
    }
}
