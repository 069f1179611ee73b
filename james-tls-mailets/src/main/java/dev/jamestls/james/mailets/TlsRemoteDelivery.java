package dev.jamestls.james.mailets;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.inject.Inject;
import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;

import org.apache.james.core.MailAddress;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.james.MailetParameters;
import dev.jamestls.james.PolicyRegistry;
import dev.jamestls.james.attributes.OutboundAttributes;
import dev.jamestls.james.outbound.ClientTlsContexts;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.james.outbound.DeliveryStatusNotification;
import dev.jamestls.james.outbound.QueueConsumer;
import dev.jamestls.james.outbound.SmtpAttempt;
import dev.jamestls.james.outbound.SmtpConnection;
import dev.jamestls.outbound.AttemptClassification;
import dev.jamestls.outbound.AttemptClassifier;
import dev.jamestls.outbound.AttemptObservation;
import dev.jamestls.outbound.AttemptRecord;
import dev.jamestls.outbound.AttemptVerdict;
import dev.jamestls.outbound.ConnectionPool;
import dev.jamestls.outbound.ConnectionReuse;
import dev.jamestls.outbound.DeliveryDecision;
import dev.jamestls.outbound.DeliveryTarget;
import dev.jamestls.outbound.DestinationDns;
import dev.jamestls.outbound.HeloName;
import dev.jamestls.outbound.RecipientParts;
import dev.jamestls.outbound.ReloadingClientIdentity;
import dev.jamestls.outbound.ResubscribeBackoff;
import dev.jamestls.outbound.RetrySchedule;
import dev.jamestls.outbound.TargetSelection;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.outbound.TransactionResult;
import dev.jamestls.policy.TrustAnchorFile;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.policy.file.ReloadingPolicy;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.tls.ClientIdentity;
import dev.jamestls.verify.CachingCertificateVerifier;
import dev.jamestls.verify.JdkTrustAnchors;
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
 *   <clientCertificates>file://conf/client-chain.pem</clientCertificates> <!-- optional: presented when asked -->
 *   <clientPrivateKey>file://conf/client-key.pem</clientPrivateKey>       <!-- with clientCertificates -->
 *   <!-- or <clientKeystore>file://conf/client.p12</clientKeystore> <clientKeystoreType>PKCS12</clientKeystoreType>
 *        <clientSecret>...</clientSecret> -->
 * </mailet>
 * }</pre>
 */
public class TlsRemoteDelivery extends GenericMailet {
    public static final String DEFAULT_QUEUE = "outgoing-tls";
    private static final Logger LOGGER = LoggerFactory.getLogger("dev.jamestls.outbound");
    private static final Set<String> PARAMETERS = Set.of("policyFile", "trustAnchors", "outgoingQueue", "delayTime",
        "maxRetries", "bounceProcessor", "heloName", "deliveryThreads", "connectionTimeout", "timeout", "connectionPoolSize",
        "connectionsPerDestination", "connectionIdleTimeout",
        "clientCertificates", "clientPrivateKey", "clientKeystore", "clientKeystoreType", "clientSecret");
    /** How often the default client identity's files are compared with what was loaded (content digest). */
    static final Duration IDENTITY_CHECK_INTERVAL = Duration.ofSeconds(5);

    private final DNSService dns;
    private final MailQueueFactory<?> queues;
    private final FileSystem fileSystem;
    private final MetricFactory metrics;
    private final DeliveryEndpoints endpoints;
    private Settings settings;
    private ClientTlsContexts contexts;
    private ConnectionPool<PoolKey, SmtpConnection> pool;
    private ScheduledExecutorService sweeper;
    private Path policyFile;
    private MailQueue queue;
    private Scheduler scheduler;
    private QueueConsumer consumer;
    private Optional<ReloadingClientIdentity> clientIdentity = Optional.empty();

    private record Settings(ReloadingPolicy policy, Supplier<List<X509Certificate>> anchors, ChainVerifier verifier,
                            RetrySchedule schedule, Optional<String> bounceProcessor, SmtpAttempt.ClientSettings client,
                            int threads, String queueName, ConnectionReuse reuse) {
    }

    /** What an open connection may be reused for: never across rules. */
    private record PoolKey(RuleKind ruleKind, String rule, TlsPlan rulePlan, InetSocketAddress endpoint) {
    }

    @Inject
    public TlsRemoteDelivery(DNSService dns, MailQueueFactory<?> queues, FileSystem fileSystem, MetricFactory metrics,
                             DeliveryEndpoints endpoints) {
        this.dns = dns;
        this.queues = queues;
        this.fileSystem = fileSystem;
        this.metrics = metrics;
        this.endpoints = endpoints;
    }

    @Override
    public String getMailetInfo() {
        return "TlsRemoteDelivery: remote delivery under the per-destination TLS policy";
    }

    @Override
    public void init() throws MessagingException {
        MailetParameters parameters = MailetParameters.of("mailet TlsRemoteDelivery",
            MailetParameters.names(getInitParameterNames()), this::getInitParameter, PARAMETERS);
        Path policyFile = file(parameters, "policyFile", parameters.string("policyFile").orElse("file://conf/tls-policy.xml"));
        Optional<Path> anchorFile = parameters.string("trustAnchors").isPresent()
            ? Optional.of(file(parameters, "trustAnchors", parameters.string("trustAnchors").get()))
            : Optional.empty();
        int maxRetries = parameters.parsed("maxRetries", TlsRemoteDelivery::nonNegative, () -> 5);
        RetrySchedule schedule = parameters.parsed("delayTime", value -> RetrySchedule.parse(value, maxRetries),
            () -> RetrySchedule.parse("6 hours", maxRetries));
        int threads = parameters.parsed("deliveryThreads", TlsRemoteDelivery::positive, () -> 4);
        int connectTimeout = parameters.parsed("connectionTimeout", TlsRemoteDelivery::positive, () -> 60_000);
        int readTimeout = parameters.parsed("timeout", TlsRemoteDelivery::positive, () -> 180_000);
        int poolSize = parameters.parsed("connectionPoolSize", TlsRemoteDelivery::nonNegative, () -> ConnectionReuse.DEFAULT.maxTotal());
        int perDestination = parameters.parsed("connectionsPerDestination", TlsRemoteDelivery::positive,
            () -> ConnectionReuse.DEFAULT.maxPerDestination());
        Duration idleTimeout = parameters.parsed("connectionIdleTimeout", ConnectionReuse::parseDuration,
            () -> ConnectionReuse.DEFAULT.idleTimeout());
        ConnectionReuse reuse = new ConnectionReuse(poolSize, perDestination, idleTimeout);
        String helo = heloName(parameters);
        String queueName = parameters.string("outgoingQueue").filter(v -> !v.isEmpty()).orElse(DEFAULT_QUEUE);
        ReloadingPolicy policy;
        try {
            policy = PolicyRegistry.policy(policyFile);
            this.policyFile = policyFile;
        } catch (IllegalArgumentException e) {
            throw new MessagingException("mailet TlsRemoteDelivery: " + e.getMessage(), e);
        }
        Supplier<List<X509Certificate>> anchors;
        try {
            anchors = anchorFile.isPresent() ? anchors(parameters, policy, anchorFile.get()) : jdkAnchors();
        } catch (MessagingException | RuntimeException e) {
            PolicyRegistry.release(policyFile);
            this.policyFile = null;
            throw e;
        }
        Clock clock = Clock.systemUTC();
        ChainVerifier verifier = CachingCertificateVerifier.forServer(clock);
        settings = new Settings(policy, anchors, verifier, schedule,
            parameters.string("bounceProcessor").filter(v -> !v.isEmpty()), new SmtpAttempt.ClientSettings(helo,
            connectTimeout, readTimeout), threads, queueName, reuse);
        clientIdentity = clientIdentity(parameters, clock);
        contexts = new ClientTlsContexts(verifier);
        pool = new ConnectionPool<>(reuse, clock, SmtpConnection::close);
        if (reuse.enabled()) {
            sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "tls-remote-delivery-idle-sweeper");
                thread.setDaemon(true);
                return thread;
            });
            long period = Math.max(50, Math.min(reuse.idleTimeout().toMillis() / 4, 5_000));
            sweeper.scheduleWithFixedDelay(this::closeIdleConnections, period, period, TimeUnit.MILLISECONDS);
        }
        queue = queues.createQueue(MailQueueName.of(queueName));
        scheduler = Schedulers.newBoundedElastic(threads, Integer.MAX_VALUE, "tls-remote-delivery");
        // Whatever the queue does (an error, an interruption, James closing it), the consumer subscribes again.
        consumer = new QueueConsumer(queue, this::deliver, threads, scheduler, metrics, ResubscribeBackoff.DEFAULT,
            Duration.ofSeconds(5));
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
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        if (pool != null) {
            pool.close();
        }
        if (policyFile != null) {
            // The registry counts users: the file watcher stops with the last one.
            PolicyRegistry.release(policyFile);
            policyFile = null;
        }
    }

    private void closeIdleConnections() {
        try {
            int closed = pool.closeIdle();
            if (closed > 0) {
                metrics.generate("jamestls.outbound.connections.idleClosed").add(closed);
            }
        } catch (RuntimeException e) {
            LOGGER.warn("outbound-tls idle connection sweep failed", e);
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

    /**
     * One mail taken from the queue is always given back or handed on, never dropped: delivered, put back
     * for its retry, bounced, or (on any failure here) put back after the schedule's first delay; when even
     * the queue refuses it, it goes to James's {@code error} processor.
     */
    private void deliver(MailQueue.MailQueueItem item) {
        Mail mail = item.getMail();
        try {
            if (OutboundAttributes.bounceFailures(mail) > 0) {
                retryBounce(mail);
            } else {
                deliverRound(mail);
            }
            complete(item, mail);
        } catch (Exception e) {
            // SPEC §2: never lose mail; it waits in the queue (not redelivered at once: a failure that repeats
            // would otherwise spin).
            LOGGER.error("outbound-tls mail={} could not be processed; left to the queue for a retry", mail.getName(), e);
            returnForRetry(item, mail, settings.schedule().delays().get(0));
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    private void complete(MailQueue.MailQueueItem item, Mail mail) {
        boolean interrupted = Thread.interrupted();
        try {
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (MailQueue.MailQueueException e) {
            // The mail is already back in the queue (retry) or handed on; a queue that cannot acknowledge it
            // may hand it out again (a duplicate, never a loss).
            LOGGER.warn("outbound-tls mail={} processed, but the queue could not record it", mail.getName(), e);
        } finally {
            restore(interrupted);
        }
    }

    private void returnForRetry(MailQueue.MailQueueItem item, Mail mail, Duration delay) {
        // An interrupted thread (a queue or pool closing under us) must still put the mail back.
        boolean interrupted = Thread.interrupted();
        try {
            if (requeue(mail, delay)) {
                complete(item, mail);
            } else if (!retryByQueue(item, mail)) {
                keepInErrorProcessor(mail, "the outgoing queue " + settings.queueName() + " refused it back");
            }
        } catch (MessagingException e) {
            // Nothing took it: the item stays unacknowledged, which a persistent queue hands out again after a restart.
            LOGGER.error("outbound-tls mail={} could not be handed to the error processor either; left unacknowledged in the "
                + "queue", mail.getName(), e);
        } finally {
            restore(interrupted);
        }
    }

    private boolean requeue(Mail mail, Duration delay) {
        try {
            queue.enQueue(mail, delay);
            return true;
        } catch (MailQueue.MailQueueException | RuntimeException e) {
            LOGGER.error("outbound-tls mail={} could not be queued again with a delay; asking the queue for a retry", mail.getName(), e);
            return false;
        }
    }

    private boolean retryByQueue(MailQueue.MailQueueItem item, Mail mail) {
        try {
            item.done(MailQueue.MailQueueItem.CompletionStatus.RETRY);
            return true;
        } catch (MailQueue.MailQueueException | RuntimeException e) {
            LOGGER.error("outbound-tls mail={} could not be returned to the queue; it goes to the error processor", mail.getName(), e);
            return false;
        }
    }

    /** Hands the mail to James's {@code error} processor (kept there for the postmaster), or throws. */
    private void keepInErrorProcessor(Mail mail, String why) throws MessagingException {
        mail.setAttribute(new Attribute(OutboundAttributes.JAMES_DELIVERY_ERROR, AttributeValue.of(why)));
        try {
            getMailetContext().sendMail(mail, Mail.ERROR);
        } catch (RuntimeException e) {
            throw new MessagingException("the error processor refused mail " + mail.getName() + ": " + e, e);
        }
        metrics.generate("jamestls.outbound.keptInErrorProcessor").increment();
    }

    private static void restore(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliverRound(Mail mail) throws MessagingException {
        int retries = OutboundAttributes.retries(mail);
        String domain = mail.getRecipients().iterator().next().getDomain().asString();
        List<AttemptRecord> attempts = new ArrayList<>();
        DeliveryDecision decision;
        TimeMetric timer = metrics.timer("jamestls.outbound.delivery");
        try {
            OutboundResolution resolution = settings.policy().current().resolveOutbound(domain);
            List<DeliveryTarget> targets = TargetSelection.select(resolution, this::mxHosts);
            TlsPlan first = plan(resolution, targets.get(0));
            attemptAll(mail, resolution, targets, attempts);
            decision = DeliveryDecision.decide(resolution, first, attempts, retries, settings.schedule());
        } catch (DestinationDns.DnsLookupException e) {
            decision = DeliveryDecision.unroutable(domain, e.getMessage(), retries, settings.schedule());
        } catch (TargetSelection.NullMxException e) {
            decision = DeliveryDecision.nullMx(e);
        } catch (RuntimeException e) {
            LOGGER.error("outbound-tls mail={} domain={} unexpected error; temporary failure (SPEC §2)", mail.getName(), domain,
                PeerText.escape(e));
            decision = DeliveryDecision.internalError(e, retries, settings.schedule());
        } finally {
            timer.stopAndPublish();
        }
        OutboundAttributes.setRound(mail, attempts, decision);
        String mx = attempts.isEmpty() ? "" : attempts.get(attempts.size() - 1).mxHost();
        LOGGER.info("outbound-tls-delivery mail={} domain={} decision={} status={} retries={} diagnostic=\"{}\"", mail.getName(),
            domain, decision.kind(), decision.status().isEmpty() ? "-" : decision.status(), retries,
            PeerText.escape(decision.diagnostic()));
        metrics.generate("jamestls.outbound.delivery." + decision.kind().name().toLowerCase(java.util.Locale.ROOT)).increment();
        List<RecipientParts.Part> parts = RecipientParts.split(decision, attempts,
            mail.getRecipients().stream().map(MailAddress::asString).toList(), retries, settings.schedule());
        if (parts.size() > 1) {
            deliverParts(mail, attempts, parts, retries, mx);
            return;
        }
        switch (decision.kind()) {
            case DELIVERED -> { }
            case RETRY -> {
                OutboundAttributes.setRetries(mail, retries + 1);
                queue.enQueue(mail, decision.retryAfter().orElseThrow());
            }
            case BOUNCE -> bounceOrRetryLater(mail, decision, mx);
        }
    }

    /** A mail whose DSN could not be sent earlier: only the DSN is tried again, the mail is not delivered again. */
    private void retryBounce(Mail mail) throws MessagingException {
        Optional<DeliveryDecision> decision = OutboundAttributes.pendingBounce(mail);
        if (decision.isEmpty()) {
            throw new MessagingException("mail " + mail.getName() + " waits for its DSN but carries no DSN status and diagnostic");
        }
        bounceOrRetryLater(mail, decision.get(), OutboundAttributes.mx(mail).orElse(""));
    }

    /**
     * Sends the DSN; when that fails, the DSN is tried again after the retry schedule's delays, up to its
     * {@code maxRetries}; after that the mail is kept in James's {@code error} processor, never dropped.
     */
    private void bounceOrRetryLater(Mail mail, DeliveryDecision decision, String mx) throws MessagingException {
        try {
            bounce(mail, decision, mx);
            return;
        } catch (MessagingException | RuntimeException e) {
            int failures = OutboundAttributes.bounceFailures(mail) + 1;
            OutboundAttributes.setBounceFailures(mail, failures);
            metrics.generate("jamestls.outbound.bounce.failed").increment();
            Optional<Duration> delay = settings.schedule().delayBeforeRetry(failures);
            if (delay.isPresent()) {
                LOGGER.error("outbound-tls mail={} DSN ({}) could not be sent (failure {}); next try in {}", mail.getName(),
                    decision.status(), failures, delay.get(), e);
                queue.enQueue(mail, delay.get());
            } else {
                LOGGER.error("outbound-tls mail={} DSN ({}) could not be sent after {} tries (maxRetries {}); the mail goes to "
                    + "the error processor", mail.getName(), decision.status(), failures, settings.schedule().maxRetries(), e);
                keepInErrorProcessor(mail, "DSN " + decision.status() + " could not be sent: " + decision.diagnostic());
            }
        }
    }

    /**
     * Per-recipient results (RFC 5321 §3.3): the peer accepted some recipients and refused others. Each part
     * that is not delivered goes on as its own copy of the mail: a DSN for the permanently refused, the queue
     * with the retry delay for the temporarily refused.
     */
    private void deliverParts(Mail mail, List<AttemptRecord> attempts, List<RecipientParts.Part> parts, int retries, String mx)
        throws MessagingException {
        for (RecipientParts.Part part : parts) {
            DeliveryDecision decision = part.decision();
            LOGGER.info("outbound-tls-delivery mail={} recipients={} decision={} status={} diagnostic=\"{}\"", mail.getName(),
                part.recipients(), decision.kind(), decision.status().isEmpty() ? "-" : decision.status(), decision.diagnostic());
            if (decision.kind() == DeliveryDecision.Kind.DELIVERED) {
                continue;
            }
            Mail copy = mail.duplicate();
            try {
                copy.setRecipients(mail.getRecipients().stream().filter(r -> part.recipients().contains(r.asString())).toList());
                OutboundAttributes.setRound(copy, attempts, decision);
                // The attempt delivered the others; for these recipients it was a refusal of the status's class.
                AttemptVerdict refusal = decision.status().startsWith("5") ? AttemptVerdict.REJECTED_PERMANENTLY
                    : AttemptVerdict.REJECTED_TEMPORARILY;
                copy.setAttribute(new Attribute(OutboundAttributes.VERDICT, AttributeValue.of(refusal.spelling())));
                if (decision.kind() == DeliveryDecision.Kind.RETRY) {
                    OutboundAttributes.setRetries(copy, retries + 1);
                    queue.enQueue(copy, decision.retryAfter().orElseThrow());
                } else {
                    bounceOrWait(copy, decision, mx, retries);
                }
            } finally {
                LifecycleUtil.dispose(copy);
            }
        }
    }

    /**
     * Bounces some recipients of a mail the others already received. When the bounce fails, these recipients wait in
     * the queue for the schedule's longest delay (SPEC §2: never lost); throwing would make the queue retry the
     * whole mail and send it again to those who have it.
     */
    private void bounceOrWait(Mail copy, DeliveryDecision decision, String mx, int retries) throws MessagingException {
        try {
            bounce(copy, decision, mx);
        } catch (MessagingException | RuntimeException e) {
            List<Duration> delays = settings.schedule().delays();
            Duration wait = delays.get(delays.size() - 1);
            LOGGER.error("outbound-tls mail={} recipients={} could not be bounced; they wait {} in the queue", copy.getName(),
                copy.getRecipients(), wait, e);
            OutboundAttributes.setRetries(copy, retries + 1);
            queue.enQueue(copy, wait);
        }
    }

    private void attemptAll(Mail mail, OutboundResolution resolution, List<DeliveryTarget> targets, List<AttemptRecord> attempts)
        throws MessagingException {
        SmtpAttempt.Envelope envelope = envelope(mail);
        for (DeliveryTarget target : targets) {
            TlsPlan plan = plan(resolution, target);
            List<InetAddress> addresses;
            try {
                addresses = List.copyOf(dns.getAllByName(target.host().ascii()));
            } catch (UnknownHostException e) {
                AttemptObservation none = new AttemptObservation(Optional.empty(), false, TlsStage.CONNECT_FAILED, Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.of("no address for " + target.host().ascii()), TransactionResult.NOT_STARTED);
                attempts.add(record(resolution, plan, target, none));
                continue;
            }
            for (InetAddress address : addresses) {
                AttemptRecord record = attempt(resolution, plan, plan, target, address, envelope);
                attempts.add(record);
                if (record.verdict() == AttemptVerdict.TLS_NOT_SECURED && !plan.tlsMandatory() && plan.startTls()) {
                    // SPEC §1.3 may: a failed STARTTLS or handshake is retried on this host in clear text.
                    record = attempt(resolution, plan, plan.clearTextFallback(), target, address, envelope);
                    attempts.add(record);
                }
                if (!record.verdict().tryNextHost()) {
                    return;
                }
            }
        }
    }

    private AttemptRecord attempt(OutboundResolution resolution, TlsPlan rulePlan, TlsPlan plan, DeliveryTarget target,
                                  InetAddress address, SmtpAttempt.Envelope envelope) {
        TimeMetric timer = metrics.timer("jamestls.outbound.attempt." + plan.level().configName());
        InetSocketAddress endpoint = endpoints.endpoint(target, address);
        // Never across rules: the key names the rule, its level and TLS requirement (in the plan), host and port.
        PoolKey key = new PoolKey(resolution.kind(), resolution.rule(), rulePlan, endpoint);
        try {
            if (plan.equals(rulePlan)) {
                Optional<AttemptRecord> reused = reuse(resolution, key, target, envelope);
                if (reused.isPresent()) {
                    return reused.get();
                }
            }
            SmtpAttempt.Result result = SmtpAttempt.run(resolution.rule(), plan, endpoint, settings.client(),
                settings.verifier(), contexts, envelope);
            metrics.generate("jamestls.outbound.connections.opened").increment();
            if (result.observation().stage() == TlsStage.ESTABLISHED) {
                metrics.generate(result.resumed() ? "jamestls.outbound.tls.resumed" : "jamestls.outbound.tls.fullHandshake").increment();
            }
            AttemptRecord record = record(resolution, plan, target, result.observation());
            result.connection().ifPresent(connection -> keepOrClose(key, connection, record));
            return record;
        } finally {
            timer.stopAndPublish();
        }
    }

    /**
     * The next mail over an idle connection of this destination: checked with NOOP first; a connection
     * that does not answer, or breaks during the transaction, is closed and the next one (or a new
     * connection) takes the mail. Bounded by the per-destination limit.
     */
    private Optional<AttemptRecord> reuse(OutboundResolution resolution, PoolKey key, DeliveryTarget target,
                                          SmtpAttempt.Envelope envelope) {
        for (int tries = 0; tries < settings.reuse().maxPerDestination(); tries++) {
            Optional<SmtpConnection> idle = pool.borrow(key);
            if (idle.isEmpty()) {
                return Optional.empty();
            }
            SmtpConnection connection = idle.get();
            if (!connection.stillOpen()) {
                discard(key, connection, "NOOP failed");
                continue;
            }
            AttemptObservation seen = connection.send(envelope);
            if (seen.transaction().kind() == TransactionResult.Kind.BROKEN) {
                discard(key, connection, seen.transaction().detail());
                continue;
            }
            metrics.generate("jamestls.outbound.connections.reused").increment();
            AttemptRecord record = record(resolution, connection.plan(), target, seen);
            keepOrClose(key, connection, record);
            return Optional.of(record);
        }
        return Optional.empty();
    }

    /**
     * Keeps a connection for the next mail only when this mail went through and the connection's TLS
     * satisfied the rule: delivered over TLS, or in clear under a rule that allows clear text (a
     * {@code may} fallback), which by the key is kept for that same rule only.
     */
    private void keepOrClose(PoolKey key, SmtpConnection connection, AttemptRecord record) {
        boolean satisfied = record.verdict() == AttemptVerdict.DELIVERED
            || record.verdict() == AttemptVerdict.DELIVERED_IN_CLEAR && !key.rulePlan().tlsMandatory();
        if (satisfied) {
            pool.release(key, connection);
        } else {
            connection.close();
        }
    }

    private void discard(PoolKey key, SmtpConnection connection, String why) {
        metrics.generate("jamestls.outbound.connections.stale").increment();
        LOGGER.debug("outbound-tls idle connection to {} discarded: {}", key.endpoint(), why);
        connection.close();
    }

    private AttemptRecord record(OutboundResolution resolution, TlsPlan plan, DeliveryTarget target, AttemptObservation seen) {
        AttemptClassification classification = AttemptClassifier.classify(plan, seen);
        AttemptRecord record = AttemptRecord.of(java.time.Instant.now(), resolution, plan, target, seen, classification);
        // The line quotes the server's replies and certificate: peer text.
        LOGGER.info("{}", PeerText.escape(record.logLine()));
        metrics.generate("jamestls.outbound.attempts." + record.level().configName() + "." + record.verdict().spelling()).increment();
        record.resultType().ifPresent(type ->
            metrics.generate("jamestls.outbound.resultType." + record.level().configName() + "." + type.spelling()).increment());
        return record;
    }

    private TlsPlan plan(OutboundResolution resolution, DeliveryTarget target) {
        return TlsPlan.forTarget(resolution.requirement(), resolution.mode(), target.nexthop(resolution.recipientDomain()), target,
            settings.anchors().get(), clientIdentity.map(ReloadingClientIdentity::current));
    }

    private List<String> mxHosts(DomainName domain) throws DestinationDns.DnsLookupException {
        try {
            return List.copyOf(dns.findMXRecords(domain.ascii()));
        } catch (TemporaryResolutionException e) {
            throw new DestinationDns.DnsLookupException("MX lookup of " + domain.ascii() + " failed: " + e.getMessage(), e);
        }
    }

    private static SmtpAttempt.Envelope envelope(Mail mail) throws MessagingException {
        List<Address> recipients = new ArrayList<>();
        for (MailAddress recipient : mail.getRecipients()) {
            try {
                recipients.add(new InternetAddress(recipient.asString()));
            } catch (AddressException e) {
                throw new MessagingException("recipient " + recipient.asString() + " is not an Internet address", e);
            }
        }
        String reversePath = mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("");
        return new SmtpAttempt.Envelope(reversePath, recipients.toArray(Address[]::new), mail.getMessage());
    }

    private void bounce(Mail mail, DeliveryDecision decision, String remoteMta) throws MessagingException {
        if (settings.bounceProcessor().isPresent()) {
            mail.setAttribute(new Attribute(OutboundAttributes.JAMES_DELIVERY_ERROR, AttributeValue.of(decision.diagnostic())));
            getMailetContext().sendMail(mail, settings.bounceProcessor().get());
            return;
        }
        if (mail.getMaybeSender().isNullSender()) {
            // RFC 5321 §6.1: no notification about a notification.
            LOGGER.warn("outbound-tls mail={} with the null sender failed ({} {}); no DSN is sent for a DSN", mail.getName(),
                decision.status(), decision.diagnostic());
            return;
        }
        Collection<MailAddress> recipients = mail.getRecipients();
        MailAddress sender = mail.getMaybeSender().get();
        getMailetContext().sendMail(MailAddress.nullSender(), List.of(sender), DeliveryStatusNotification.build(
            settings.client().heloName(), getMailetContext().getPostmaster().asString(), sender.asString(),
            recipients.stream().map(MailAddress::asString).toList(), remoteMta, arrival(mail), decision, mail.getMessage()));
    }

    /**
     * When the mail arrived here (RFC 3464 §2.2.5): James sets a mail's last-updated time when it receives it,
     * and neither its queues nor this mailet change it afterwards.
     */
    private static ZonedDateTime arrival(Mail mail) {
        Date lastUpdated = mail.getLastUpdated();
        return lastUpdated == null ? ZonedDateTime.now() : ZonedDateTime.ofInstant(lastUpdated.toInstant(), java.time.ZoneId.systemDefault());
    }

    /** Configured, else this host's name; none usable is an error at init, not {@code localhost} ({@link HeloName}). */
    private String heloName(MailetParameters parameters) throws MessagingException {
        try {
            return HeloName.choose(parameters.string("heloName"), () -> dns.getHostName(dns.getLocalHost()));
        } catch (IllegalArgumentException e) {
            throw new MessagingException("mailet TlsRemoteDelivery: " + e.getMessage(), e);
        }
    }

    private Path file(MailetParameters parameters, String name, String location) throws MessagingException {
        try {
            return fileSystem.getFile(location).toPath();
        } catch (FileNotFoundException e) {
            throw parameters.invalid(name, location, "an existing file (" + e.getMessage() + ")");
        }
    }

    /** The anchor file, watched by the policy's checks: its current content at every delivery attempt. */
    private static Supplier<List<X509Certificate>> anchors(MailetParameters parameters, ReloadingPolicy policy, Path file)
        throws MessagingException {
        try {
            Supplier<TrustAnchorFile> anchors = policy.watchAnchors(file);
            return () -> anchors.get().certificates();
        } catch (IllegalArgumentException e) {
            throw parameters.invalid("trustAnchors", file.toString(), "a PEM file with at least one certificate");
        } catch (IOException e) {
            throw parameters.invalid("trustAnchors", file.toString(), "a readable PEM file of certificates (" + e.getMessage() + ")");
        }
    }

    /** The JDK's anchors as the JVM has them when the mailet starts. */
    private static Supplier<List<X509Certificate>> jdkAnchors() {
        List<X509Certificate> anchors = JdkTrustAnchors.certificates();
        return () -> anchors;
    }

    /**
     * The default client identity (Postfix {@code smtp_tls_chain_files}): PEM chain + key, or a key store;
     * read again when the files' content changes. Findings that make partners refuse it are logged, not fatal:
     * destinations that ask for no certificate still get mail.
     */
    private Optional<ReloadingClientIdentity> clientIdentity(MailetParameters parameters, Clock clock) throws MessagingException {
        Optional<String> certificates = parameters.string("clientCertificates").filter(v -> !v.isEmpty());
        Optional<String> key = parameters.string("clientPrivateKey").filter(v -> !v.isEmpty());
        Optional<String> keystore = parameters.string("clientKeystore").filter(v -> !v.isEmpty());
        String pemForm = "clientCertificates with clientPrivateKey (PEM), or clientKeystore with clientSecret";
        if (keystore.isPresent() && (certificates.isPresent() || key.isPresent())) {
            throw parameters.invalid("clientKeystore", keystore.get(), "either " + pemForm + ", not both");
        }
        if (keystore.isEmpty() && parameters.string("clientKeystoreType").or(() -> parameters.string("clientSecret")).isPresent()) {
            throw parameters.invalid("clientKeystoreType", parameters.string("clientKeystoreType").orElse(""),
                "clientKeystoreType and clientSecret only with clientKeystore");
        }
        if (certificates.isPresent() != key.isPresent()) {
            String missing = certificates.isPresent() ? "clientPrivateKey" : "clientCertificates";
            throw parameters.invalid(missing, "", "both " + pemForm);
        }
        ReloadingClientIdentity reloading;
        try {
            if (keystore.isPresent()) {
                Path store = file(parameters, "clientKeystore", keystore.get());
                String type = parameters.string("clientKeystoreType").orElse("PKCS12");
                char[] secret = parameters.string("clientSecret").orElse("").toCharArray();
                reloading = new ReloadingClientIdentity(List.of(store),
                    () -> ClientIdentity.fromKeyStore(store, type, secret, Optional.empty()), clock, IDENTITY_CHECK_INTERVAL);
            } else if (certificates.isPresent()) {
                Path chain = file(parameters, "clientCertificates", certificates.get());
                Path keyFile = file(parameters, "clientPrivateKey", key.get());
                reloading = new ReloadingClientIdentity(List.of(keyFile, chain), () -> ClientIdentity.fromPem(keyFile, chain), clock,
                    IDENTITY_CHECK_INTERVAL);
            } else {
                return Optional.empty();
            }
        } catch (IllegalArgumentException e) {
            String name = keystore.isPresent() ? "clientKeystore" : "clientCertificates";
            throw parameters.invalid(name, keystore.or(() -> certificates).orElseThrow(), "a client identity that loads (" + e.getMessage() + ")");
        }
        ClientIdentity identity = reloading.current();
        LOGGER.info("outbound-tls client identity: {}", identity.describe());
        identity.findings(clock.instant()).forEach(finding -> LOGGER.warn("outbound-tls client identity: {}: {}",
            finding.kind().spelling(), finding.message()));
        return Optional.of(reloading);
    }

    private static int nonNegative(String value) {
        int parsed = integer(value);
        if (parsed < 0) {
            throw new IllegalArgumentException("must be 0 or more");
        }
        return parsed;
    }

    private static int positive(String value) {
        int parsed = integer(value);
        if (parsed < 1) {
            throw new IllegalArgumentException("must be 1 or more");
        }
        return parsed;
    }

    private static int integer(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }
}
