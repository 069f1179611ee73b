package dev.jamestls.james.outbound;

import java.net.ProxySelector;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.dns.SecureDns;
import dev.jamestls.james.JamesParameters;
import dev.jamestls.james.ReportStores;
import dev.jamestls.james.attributes.RequireTlsAttributes;
import dev.jamestls.mtasts.HttpsStsFetcher;
import dev.jamestls.parameters.ConfiguredParameters;
import dev.jamestls.parameters.DeliveryParameters;
import dev.jamestls.policy.DomainName;
import dev.jamestls.requiretls.SenderTlsDemand;
import dev.jamestls.tlsrpt.Discovery;
import dev.jamestls.tlsrpt.HttpsReportPoster;
import dev.jamestls.tlsrpt.KeptCounters;
import dev.jamestls.tlsrpt.ReportDestinations;
import dev.jamestls.tlsrpt.ReportFile;
import dev.jamestls.tlsrpt.ReportRetry;
import dev.jamestls.tlsrpt.ReportSending;
import dev.jamestls.tlsrpt.ReportUri;
import dev.jamestls.tlsrpt.Reporter;
import dev.jamestls.tlsrpt.SentReportStore;
import dev.jamestls.tlsrpt.TlsRptRecord;

/**
 * Sending the daily TLS reports (RFC 8460) of one {@code TlsRemoteDelivery} through James: the reporting policy
 * looked up through the delivery's DNS (the validating resolver when there is one, else James's; TXT needs no
 * DNSSEC), reports by mail handed to James's pipeline ({@link MailetContext#sendMail(Mail)}, so they are queued,
 * retried and signed as James does for any mail), reports by HTTPS validated with the delivery's trust anchors.
 * {@link #run()} is called on the mailet's background thread, never on a delivery thread, and never throws.
 */
public final class TlsReporting implements AutoCloseable {
    /** How many UTC days a finished report is kept in the store: more than the counters keep, so a day is reported once. */
    public static final int KEPT_DAYS = DeliveryResources.KEPT_REPORT_DAYS + 7;
    private static final Logger LOGGER = LoggerFactory.getLogger("dev.jamestls.outbound.tlsrpt");

    private final SentReportStore store;
    private final ReportSending sending;

    private TlsReporting(SentReportStore store, ReportSending sending) {
        this.store = store;
        this.sending = sending;
    }

    /**
     * The reporting configured for the mailet, empty when {@code tlsReports} is false.
     *
     * @throws IllegalArgumentException naming the mailet, the parameter, the value and what was expected
     */
    public static Optional<TlsReporting> open(DeliveryConfiguration configuration, FileSystem fileSystem, DeliveryResources resources,
                                              DNSService jamesDns, MailetContext context, ProxySelector route, KeptCounters counters,
                                              Clock clock) {
        DeliveryConfiguration.Reports settings = configuration.reports();
        if (!settings.enabled()) {
            return Optional.empty();
        }
        String sender = settings.sender().orElseGet(() -> context.getPostmaster().asString());
        String submitter = sender.substring(sender.lastIndexOf('@') + 1);
        Path file = JamesParameters.resolve(fileSystem, DeliveryConfiguration.COMPONENT, DeliveryParameters.TLS_REPORT_STORE.name(),
            settings.store());
        SentReportStore store = SentReportStore.open(file);
        Reporter reporter;
        try {
            reporter = new Reporter(settings.organization().orElse(submitter), settings.contact().orElse(sender), submitter, store.node());
        } catch (IllegalArgumentException e) {
            throw ConfiguredParameters.refusal(DeliveryConfiguration.COMPONENT, DeliveryParameters.TLS_REPORT_SENDER.name(), sender,
                DeliveryParameters.ADDRESS_FORMS + " (" + e.getMessage() + ")");
        }
        Optional<SecureDns> secureDns = resources.secureDns();
        Anchored<HttpsReportPoster> posters = new Anchored<>(resources::anchors, anchors -> new HttpsReportPoster(
            HttpsStsFetcher.anchoredContext(anchors), configuration.connectTimeout(), HttpsReportPoster.DEFAULT_TOTAL_TIMEOUT, route,
            settings.privateDestinations() ? ReportDestinations.ANY : ReportDestinations.PUBLIC_ONLY));
        ReportSending sending = new ReportSending(counters.counters(), store, reporter,
            domain -> discover(domain, secureDns, jamesDns),
            (destination, report) -> destination instanceof ReportUri.Https https ? posters.get().post(https, report)
                : mail((ReportUri.Mailto) destination, report, sender, context, clock),
            ReportRetry.DEFAULT, clock, KEPT_DAYS);
        ReportStores.register(store);
        LOGGER.info("TLS reports: sent as {} (organization '{}', node {}), kept in {}", sender, reporter.organization(), store.node(),
            file);
        return Optional.of(new TlsReporting(store, sending));
    }

    public SentReportStore store() {
        return store;
    }

    /** One round of sending; a failure of any kind is logged and the next round tries again. */
    public void run() {
        try {
            sending.run();
        } catch (RuntimeException e) {
            LOGGER.warn("TLS reports: a sending round failed ({}); the next round tries again", e.toString(), e);
        }
    }

    @Override
    public void close() {
        ReportStores.withdraw(store);
        store.save();
    }

    /** RFC 8460 §3: the TXT records at {@code _smtp._tls.<domain>}. */
    private static Discovery discover(String domain, Optional<SecureDns> secureDns, DNSService jamesDns) {
        if (secureDns.isPresent()) {
            return Discovery.of(secureDns.get().txt(TlsRptRecord.LABELS, DomainName.parse(domain)));
        }
        return Discovery.of(List.copyOf(jamesDns.findTXTRecords(TlsRptRecord.LABELS + "." + domain)));
    }

    /**
     * RFC 8460 §5.3: the report mail, into James's pipeline with the sender's "TLS optional" (RFC 8689 §5). A
     * {@code rua} naming one of our own domains or our postmaster is refused: the remote domain chose it (§3), and a
     * report about a remote domain has no business in our own mailboxes (§7: no mail loop, no backscatter through us).
     */
    static ReportSending.Outcome mail(ReportUri.Mailto destination, ReportFile report, String sender, MailetContext context,
                                              Clock clock) {
        MailAddress recipient;
        try {
            recipient = new MailAddress(destination.address());
        } catch (AddressException e) {
            return ReportSending.Outcome.refused("'" + destination.address() + "' is not an address James accepts: " + e.getMessage());
        }
        if (context.isLocalServer(recipient.getDomain()) || recipient.equals(context.getPostmaster())) {
            return ReportSending.Outcome.refused("'" + destination.address() + "' is one of our own addresses, not the reported "
                + "domain's");
        }
        Mail mail = null;
        try {
            mail = MailImpl.builder().name("tlsrpt-" + UUID.randomUUID()).sender(new MailAddress(sender)).addRecipient(recipient)
                .mimeMessage(ReportMail.of(report, sender, destination.address(), clock.instant())).build();
            RequireTlsAttributes.set(mail, SenderTlsDemand.TLS_OPTIONAL);
            context.sendMail(mail);
            return ReportSending.Outcome.sent("handed to James as " + mail.getName());
        } catch (MessagingException e) {
            return ReportSending.Outcome.failed(e.toString());
        } finally {
            if (mail != null) {
                LifecycleUtil.dispose(mail);
            }
        }
    }
}
