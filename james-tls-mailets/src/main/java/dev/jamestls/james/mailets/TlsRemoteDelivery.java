package dev.jamestls.james.mailets;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.james.ledger.SharedLedger;
import dev.jamestls.james.outbound.Bouncer;
import dev.jamestls.james.outbound.ClientTlsContexts;
import dev.jamestls.james.outbound.DeliveryClock;
import dev.jamestls.james.outbound.DeliveryConfiguration;
import dev.jamestls.james.outbound.DeliveryDns;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.james.outbound.DeliveryResources;
import dev.jamestls.james.outbound.DeliveryRound;
import dev.jamestls.james.outbound.PolicyFetchRoute;
import dev.jamestls.mtasts.StsPolicySource;
import dev.jamestls.james.outbound.KeptConnections;
import dev.jamestls.james.outbound.QueueConsumer;
import dev.jamestls.james.outbound.QueuedMailDelivery;
import dev.jamestls.james.outbound.SmtpAttempt;
import dev.jamestls.james.outbound.TlsReporting;
import dev.jamestls.outbound.HeloName;
import dev.jamestls.outbound.ResubscribeBackoff;
import dev.jamestls.parameters.ConfiguredParameters;
import dev.jamestls.parameters.DeliveryParameters;
import dev.jamestls.parameters.ParameterSpec;
import dev.jamestls.tlsrpt.KeptCounters;
import dev.jamestls.verify.CachingCertificateVerifier;
import dev.jamestls.verify.ChainVerifier;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Delivers remote mail under the per-destination TLS policy: a drop-in for James's
 * {@code RemoteDelivery}. Mail is split per recipient domain into James's own outgoing
 * {@link MailQueue}; each queued mail is delivered to the rule's smart hosts, else the MX hosts in
 * preference order, else the domain's address, at the rule's level (SPEC §1.3). A mandatory level never
 * sends a message byte in clear: no STARTTLS, a failed handshake or certificate means the next host, and
 * when none is left, a temporary failure: the mail waits in the queue for its retry, and gets a DSN
 * ({@code 4.7.5}) when the schedule is exhausted, at once ({@code 5.7.10}) under {@code failure="permanent"}.
 * A connection that delivered a mail and satisfied the rule is kept open for the next mail to the same
 * destination (rule + level + host + port + TLS requirement; never across rules), checked with NOOP before
 * reuse and closed with QUIT when idle; new connections resume TLS sessions of the rule's own context.
 * The queue's consumer subscribes again whenever the queue's stream fails ({@link QueueConsumer}: backoff, one
 * log line per incident, counter {@code jamestls.outbound.queue.consumersDown}); a mail taken from the queue is
 * never dropped; a DSN that cannot be sent is tried again on the retry schedule, then the mail goes to James's
 * {@code error} processor. A DSN's {@code Arrival-Date} is the mail's arrival (RFC 3464 §2.2.5).
 * Every attempt is counted for the daily TLS reports (RFC 8460) in {@code tlsReportCounters}: read at init, written
 * every minute by a background thread and at {@link #destroy()}. With {@code tlsReports} true, the same thread sends,
 * after each UTC day, the day's report of every policy domain to the destinations its {@code _smtp._tls} record lists
 * ({@link TlsReporting}; docs/outbound.md), never holding up a delivery. Every attempt is also recorded in the partner
 * ledger ({@link SharedLedger}) under the recipient domain, with the certificate the server presented.
 * The sender's own TLS demand on a mail (RFC 8689, attribute {@code dev.jamestls.tlsRequired}) applies to every round:
 * REQUIRETLS goes only to hosts whose TLS the rule or a published policy authenticates and that list REQUIRETLS after
 * STARTTLS, else it is bounced with {@code 5.7.30} (its DSN travels under REQUIRETLS); {@code TLS-Required: No}
 * lowers published policies, and a connector only when it says {@code honourTlsRequiredNo="true"}.
 *
 * <pre>{@code
 * <mailet match="All" class="dev.jamestls.james.mailets.TlsRemoteDelivery">
 *   <policyFile>file://conf/tls-policy.xml</policyFile>        <!-- default -->
 *   <trustAnchors>file://conf/outbound-cas.pem</trustAnchors>   <!-- optional, re-read when it changes; default: the JDK's -->
 *   <outgoingQueue>outgoing-tls</outgoingQueue>                 <!-- default -->
 *   <delayTime>5 minutes, 3*1 hour, 6 hours</delayTime>         <!-- default: 6 hours -->
 *   <maxRetries>5</maxRetries>                                  <!-- default -->
 *   <bounceProcessor>bounces</bounceProcessor>                  <!-- optional; default: DSN to the sender -->
 *   <heloName>mx.example.com</heloName>                         <!-- default: this host's name; an error when it has none -->
 *   <deliveryThreads>4</deliveryThreads>                        <!-- default 4 -->
 *   <connectionTimeout>60000</connectionTimeout>                <!-- ms, default -->
 *   <timeout>180000</timeout>                                   <!-- ms, read timeout, default -->
 *   <connectionPoolSize>32</connectionPoolSize>                 <!-- idle connections kept, default; 0 = no reuse -->
 *   <connectionsPerDestination>4</connectionsPerDestination>    <!-- per rule + host + port + TLS requirement, default -->
 *   <connectionIdleTimeout>30 seconds</connectionIdleTimeout>   <!-- default; unit ms when omitted -->
 *   <connectionReuseMaxMessages>0</connectionReuseMaxMessages>  <!-- mails per connection, default; 0 = no limit -->
 *   <connectionReuseMaxAge>300 seconds</connectionReuseMaxAge>  <!-- age of a connection taking a mail, default -->
 *   <clientCertificates>file://conf/client-chain.pem</clientCertificates> <!-- optional: presented when asked -->
 *   <clientPrivateKey>file://conf/client-key.pem</clientPrivateKey>       <!-- with clientCertificates -->
 *   <!-- or <clientKeystore>file://conf/client.p12</clientKeystore> <clientKeystoreType>PKCS12</clientKeystoreType>
 *        <clientSecret>...</clientSecret> -->
 *   <tlsReportCounters>file://var/jamestls/tlsrpt-counters.json</tlsReportCounters> <!-- default -->
 * </mailet>
 * }</pre>
 */
public class TlsRemoteDelivery extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger("dev.jamestls.outbound");
    /** Its init parameters, as {@code check} knows them. */
    public static final List<ParameterSpec<?>> PARAMETERS = DeliveryParameters.ALL;
    private final DNSService dns;
    private final MailQueueFactory<?> queues;
    private final FileSystem fileSystem;
    private final MetricFactory metrics;
    private final DeliveryEndpoints endpoints;
    private final PolicyFetchRoute fetchRoute;
    private final DeliveryDns deliveryDns;
    private final SharedLedger ledger;
    private final DeliveryClock time;
    private Clock clock;
    private DeliveryResources resources;
    private KeptConnections connections;
    private MailQueue queue;
    private Scheduler scheduler;
    private QueueConsumer consumer;
    private KeptCounters reportCounters;
    private ScheduledExecutorService counterSaves;
    private Optional<TlsReporting> reporting = Optional.empty();

    @Inject
    public TlsRemoteDelivery(DNSService dns, MailQueueFactory<?> queues, FileSystem fileSystem, MetricFactory metrics,
                             DeliveryEndpoints endpoints, PolicyFetchRoute fetchRoute, DeliveryDns deliveryDns, SharedLedger ledger,
                             DeliveryClock time) {
        this.dns = dns;
        this.queues = queues;
        this.fileSystem = fileSystem;
        this.metrics = metrics;
        this.endpoints = endpoints;
        this.fetchRoute = fetchRoute;
        this.deliveryDns = deliveryDns;
        this.ledger = ledger;
        this.time = time;
    }

    @Override
    public String getMailetInfo() {
        return "TlsRemoteDelivery: remote delivery under the per-destination TLS policy";
    }

    @Override
    public void init() throws MessagingException {
        DeliveryConfiguration configuration;
        String helo;
        try {
            configuration = DeliveryConfiguration.parse(ConfiguredParameters.of(DeliveryConfiguration.COMPONENT,
                getInitParameterNames(), this::getInitParameter, PARAMETERS));
            helo = heloName(configuration);
            clock = time.clock();
            resources = DeliveryResources.open(configuration, fileSystem, clock);
        } catch (IllegalArgumentException e) {
            throw new MessagingException(e.getMessage(), e);
        }
        ChainVerifier verifier = CachingCertificateVerifier.forServer(clock);
        ClientTlsContexts contexts = new ClientTlsContexts(verifier);
        SmtpAttempt.ClientSettings client = new SmtpAttempt.ClientSettings(helo, (int) configuration.connectTimeout().toMillis(),
            (int) configuration.readTimeout().toMillis());
        connections = new KeptConnections(configuration.reuse(), clock, metrics);
        queue = queues.createQueue(MailQueueName.of(configuration.queueName()));
        Optional<StsPolicySource> mtaSts;
        try {
            mtaSts = resources.mtaSts(configuration, fileSystem, fetchRoute.route(), clock);
            reportCounters = DeliveryResources.reportCounters(configuration, fileSystem, clock);
            reporting = TlsReporting.open(configuration, fileSystem, resources, dns, getMailetContext(), fetchRoute.route(),
                reportCounters, clock);
        } catch (IllegalArgumentException e) {
            resources.close();
            throw new MessagingException(e.getMessage(), e);
        }
        DeliveryRound round = new DeliveryRound(resources.policy()::current, deliveryDns, resources.secureDns(), mtaSts,
            endpoints, resources::anchors,
            resources::clientIdentity, (rule, plan, endpoint, envelope) -> SmtpAttempt.run(rule, plan, endpoint, client, verifier,
            contexts, envelope), connections.pool(), configuration.reuse().maxPerDestination(), configuration.schedule(), metrics, clock,
            Optional.of(reportCounters.counters()), Optional.of(ledger.ledger()));
        // Counting happens in memory on the delivery threads; only this thread writes the file, and sends the reports.
        counterSaves = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tls-report-counters");
            thread.setDaemon(true);
            return thread;
        });
        long interval = time.backgroundInterval().toMillis();
        counterSaves.scheduleWithFixedDelay(this::background, interval, interval, TimeUnit.MILLISECONDS);
        Bouncer bouncer = new Bouncer(getMailetContext(), queue, configuration.schedule(), configuration.bounceProcessor(), helo,
            metrics, clock);
        scheduler = Schedulers.newBoundedElastic(configuration.threads(), Integer.MAX_VALUE, "tls-remote-delivery");
        // Whatever the queue does (an error, an interruption, James closing it), the consumer subscribes again.
        consumer = new QueueConsumer(queue, new QueuedMailDelivery(queue, round, bouncer, configuration.schedule()),
            configuration.threads(), scheduler, metrics, ResubscribeBackoff.DEFAULT, Duration.ofSeconds(5));
        consumer.start();
    }

    @Override
    public void destroy() {
        if (consumer != null) {
            consumer.close();
        }
        if (scheduler != null) {
            scheduler.dispose();
        }
        if (connections != null) {
            connections.close();
        }
        if (counterSaves != null) {
            // A periodic save under way finishes first, so it cannot overwrite the last one with older counts.
            counterSaves.shutdown();
            try {
                counterSaves.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            counterSaves = null;
        }
        if (reportCounters != null) {
            // After the deliveries stopped: the last counts of this run are written.
            reportCounters.save();
            reportCounters = null;
        }
        reporting.ifPresent(TlsReporting::close);
        reporting = Optional.empty();
        if (resources != null) {
            resources.close();
            resources = null;
        }
    }

    /**
     * The background work: the counters written, then the reports of finished days sent. A scheduled task that
     * throws is never run again, so nothing may escape.
     */
    private void background() {
        try {
            reportCounters.save();
            reporting.ifPresent(TlsReporting::run);
        } catch (RuntimeException e) {
            LOGGER.warn("TLS reports: background work failed ({}); it runs again in {}", e.toString(), time.backgroundInterval(), e);
        }
    }

    /** Splits the mail per recipient domain into the outgoing queue (as RemoteDelivery does) and ends it here. */
    @Override
    public void service(Mail mail) throws MessagingException {
        Map<String, List<MailAddress>> byDomain = new LinkedHashMap<>();
        for (MailAddress recipient : mail.getRecipients()) {
            byDomain.computeIfAbsent(recipient.getDomain().asString(), ignored -> new ArrayList<>()).add(recipient);
        }
        if (byDomain.size() == 1) {
            queue.enQueue(mail);
        } else {
            for (List<MailAddress> recipients : byDomain.values()) {
                Mail split = mail.duplicate();
                try {
                    split.setRecipients(recipients);
                    queue.enQueue(split);
                } finally {
                    LifecycleUtil.dispose(split);
                }
            }
        }
        mail.setState(Mail.GHOST);
    }

    /** Configured, else this host's name; none usable is an error at init, not {@code localhost} ({@link HeloName}). */
    private String heloName(DeliveryConfiguration configuration) {
        try {
            return HeloName.choose(configuration.heloName(), () -> dns.getHostName(dns.getLocalHost()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(DeliveryConfiguration.COMPONENT + ": " + e.getMessage(), e);
        }
    }
}
