package dev.jamestls.james.outbound;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;

import org.apache.james.core.MailAddress;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.dns.SecureDns;
import dev.jamestls.james.attributes.OutboundAttributes;
import dev.jamestls.james.attributes.RequireTlsAttributes;
import dev.jamestls.ledger.PartnerLedger;
import dev.jamestls.mtasts.StsPolicySource;
import dev.jamestls.outbound.AttemptClassification;
import dev.jamestls.outbound.AttemptClassifier;
import dev.jamestls.outbound.AttemptObservation;
import dev.jamestls.outbound.AttemptRecord;
import dev.jamestls.outbound.AttemptVerdict;
import dev.jamestls.outbound.ConnectionPool;
import dev.jamestls.outbound.ConnectionUse;
import dev.jamestls.outbound.DeliveryDecision;
import dev.jamestls.outbound.DeliveryTarget;
import dev.jamestls.outbound.DestinationDns;
import dev.jamestls.outbound.RecipientParts;
import dev.jamestls.outbound.RetrySchedule;
import dev.jamestls.outbound.SenderDemandOutcome;
import dev.jamestls.outbound.SenderDemandRules;
import dev.jamestls.outbound.TargetSelection;
import dev.jamestls.outbound.DestinationRouting;
import dev.jamestls.outbound.PolicySource;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.outbound.TransactionResult;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.policy.TlsPolicy;
import dev.jamestls.requiretls.SenderTlsDemand;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.tls.ClientIdentity;
import dev.jamestls.tlsrpt.PolicyDetails;
import dev.jamestls.tlsrpt.TlsReportCounters;
import dev.jamestls.verify.CertificateRequirement;

/**
 * One delivery round of one mail (SPEC §1.3, §2): route (the rule of the recipient domain, its smart hosts,
 * else the MX hosts in preference order, else the domain's address), attempt each address at the rule's level
 * (a mandatory level never falls back to clear text; {@code may} retries a host in clear after a failed STARTTLS
 * or handshake), and decide: delivered, retry, or bounce, per recipient when the peer answered them apart.
 * The round records its attempts and decision on the mail; acting on the decision (queue, DSN) is the caller's.
 *
 * <p>A connection that delivered a mail and satisfied the rule is kept for the next mail to the same destination
 * (rule + level + host + port + TLS requirement; never across rules), checked with NOOP before reuse.
 *
 * <p>Every attempt, and every host a published policy forbade, is counted for the daily TLS reports (RFC 8460 §4.1)
 * under the policy that decided it: in memory only, and a failure to count is logged, never a failed delivery. Every
 * attempt is recorded in the same way in the partner ledger, under the recipient domain.
 */
public final class DeliveryRound {
    private static final Logger LOGGER = LoggerFactory.getLogger("dev.jamestls.outbound");

    /** The DNS questions of a round: injected, so tests never query a resolver. */
    public interface Resolver extends DestinationDns {
        /** The addresses of a host name. */
        List<InetAddress> addresses(String host) throws UnknownHostException;
    }

    /** Opens a connection to one address and sends the mail under a plan ({@link SmtpAttempt#run} in production). */
    @FunctionalInterface
    public interface Transport {
        SmtpAttempt.Result send(String rule, TlsPlan plan, InetSocketAddress endpoint, SmtpAttempt.Envelope envelope);
    }

    /** What an open connection may be reused for: never across rules. */
    public record PoolKey(RuleKind ruleKind, String rule, TlsPlan rulePlan, InetSocketAddress endpoint) {
    }

    /**
     * What one round found and decided.
     *
     * @param attempts every attempt, in order
     * @param decision the decision for the mail as a whole
     * @param parts the recipients grouped by their own decision; more than one when the peer answered them apart
     * @param retries the retries before this round
     * @param mx the host of the last attempt, empty when nothing was attempted
     */
    public record Outcome(List<AttemptRecord> attempts, DeliveryDecision decision, List<RecipientParts.Part> parts, int retries,
                          String mx) {
        public Outcome {
            attempts = List.copyOf(attempts);
            parts = List.copyOf(parts);
        }
    }

    private final Supplier<TlsPolicy> policy;
    private final Resolver dns;
    private final DestinationRouting routing;
    private final DeliveryEndpoints endpoints;
    private final Supplier<List<X509Certificate>> anchors;
    private final Supplier<Optional<ClientIdentity>> identity;
    private final Transport transport;
    private final ConnectionPool<PoolKey, SmtpConnection> pool;
    private final int maxPerDestination;
    private final RetrySchedule schedule;
    private final MetricFactory metrics;
    private final Clock clock;
    private final Optional<TlsReportCounters> counters;
    private final Optional<PartnerLedger> ledger;

    /**
     * @param secureDns DNSSEC-validating lookups for levels {@code dane} and {@code dane-only}
     * @param sts MTA-STS discovery, used when the defaults say {@code mtaSts="true"}
     * @param counters where attempts are counted for TLS reports; empty: not counted
     * @param ledger where attempts are recorded under the recipient domain, with the server's certificate; empty: not recorded
     */
    public DeliveryRound(Supplier<TlsPolicy> policy, Resolver dns, Optional<SecureDns> secureDns, Optional<StsPolicySource> sts,
                         DeliveryEndpoints endpoints, Supplier<List<X509Certificate>> anchors,
                         Supplier<Optional<ClientIdentity>> identity, Transport transport, ConnectionPool<PoolKey, SmtpConnection> pool,
                         int maxPerDestination, RetrySchedule schedule, MetricFactory metrics, Clock clock,
                         Optional<TlsReportCounters> counters, Optional<PartnerLedger> ledger) {
        this.policy = policy;
        this.dns = dns;
        this.routing = new DestinationRouting(dns, secureDns, sts);
        this.endpoints = endpoints;
        this.anchors = anchors;
        this.identity = identity;
        this.transport = transport;
        this.pool = pool;
        this.maxPerDestination = maxPerDestination;
        this.schedule = schedule;
        this.metrics = metrics;
        this.clock = clock;
        this.counters = counters;
        this.ledger = ledger;
    }

    /**
     * Delivers {@code mail} (whose recipients share one domain) once, records the round on it and returns the decision.
     *
     * @throws Undeliverable when no round can ever deliver the mail (no recipient, a recipient that is not an Internet address)
     * @throws MessagingException when the mail cannot be read
     */
    public Outcome deliver(Mail mail) throws MessagingException {
        if (mail.getRecipients().isEmpty()) {
            throw new Undeliverable("it has no recipient");
        }
        int retries = OutboundAttributes.retries(mail);
        String domain = mail.getRecipients().iterator().next().getDomain().asString();
        List<AttemptRecord> attempts = new ArrayList<>();
        DeliveryDecision decision;
        TimeMetric timer = metrics.timer("jamestls.outbound.delivery");
        try {
            TlsPolicy current = policy.get();
            OutboundResolution rule = current.resolveOutbound(domain);
            List<X509Certificate> trusted = anchors.get();
            Optional<ClientIdentity> ours = identity.get();
            Optional<SenderTlsDemand> demand = RequireTlsAttributes.demand(mail);
            DestinationRouting.Route routed = routing.route(rule, current.defaults().mtaSts(), trusted, ours);
            // RFC 8689 §4.2.2: TLS-Required: No ignores the recipient's published policies, its MTA-STS host list too.
            DestinationRouting.Route route = demand.filter(d -> d == SenderTlsDemand.TLS_OPTIONAL).isPresent()
                ? routed.ignoringPublishedHostList() : routed;
            OutboundResolution resolution = route.resolution();
            for (String note : route.notes()) {
                LOGGER.info("outbound-tls-policy mail={} domain={} {}", mail.getName(), domain, PeerText.escape(note));
            }
            for (DestinationRouting.Skipped skipped : route.skipped()) {
                AttemptRecord record = logged(AttemptRecord.notAttempted(clock.instant(), resolution, skipped.source(), skipped.level(),
                    skipped.target(), skipped.type(), skipped.reason()));
                recordInLedger(record, Optional.empty());
                attempts.add(record);
                count(record, () -> details(route, skipped.source(), skipped.target(), Optional.empty()));
            }
            attemptAll(envelope(mail, demand), route, new SenderDemand(demand, rule, trusted, ours), attempts);
            decision = route.targets().isEmpty()
                ? DeliveryDecision.refusedByPolicy(resolution, route.source(), attempts, retries, schedule)
                : DeliveryDecision.decide(resolution, route.targets().get(0).plan(), attempts, route.stsUnavailable(), retries, schedule);
        } catch (DestinationDns.DnsLookupException e) {
            decision = DeliveryDecision.unroutable(domain, e.getMessage(), retries, schedule);
        } catch (TargetSelection.NullMxException e) {
            decision = DeliveryDecision.nullMx(e);
        } catch (RuntimeException e) {
            LOGGER.error("outbound-tls mail={} domain={} unexpected error; temporary failure (SPEC §2)", mail.getName(), domain,
                PeerText.escape(e));
            decision = DeliveryDecision.internalError(e, retries, schedule);
        } finally {
            timer.stopAndPublish();
        }
        OutboundAttributes.setRound(mail, attempts, decision);
        String mx = attempts.isEmpty() ? "" : attempts.get(attempts.size() - 1).mxHost();
        LOGGER.info("outbound-tls-delivery mail={} domain={} decision={} status={} retries={} diagnostic=\"{}\"", mail.getName(),
            domain, decision.kind(), decision.status().isEmpty() ? "-" : decision.status(), retries,
            PeerText.escape(decision.diagnostic()));
        metrics.generate("jamestls.outbound.delivery." + decision.kind().name().toLowerCase(Locale.ROOT)).increment();
        List<RecipientParts.Part> parts = RecipientParts.split(decision, attempts,
            mail.getRecipients().stream().map(MailAddress::asString).toList(), retries, schedule);
        return new Outcome(attempts, decision, parts, retries, mx);
    }

    /**
     * The sender's TLS demand on the mail (RFC 8689) and what re-planning a host under it needs: the policy file's rule
     * for the domain (not the MTA-STS policy standing in for it), the delivery's anchors and identity.
     */
    private record SenderDemand(Optional<SenderTlsDemand> demand, OutboundResolution rule, List<X509Certificate> anchors,
                                Optional<ClientIdentity> identity) {
        SenderDemandRules.Applied apply(DestinationRouting.PlannedTarget planned) {
            Optional<TlsPlan> rulePlan = demand.isEmpty() ? Optional.empty()
                : DestinationRouting.rulePlan(rule, planned.target(), anchors, identity);
            return SenderDemandRules.apply(demand, planned.plan(), planned.source(), PolicySource.of(rule.kind()), rulePlan,
                SenderDemandRules.connectorOptsIn(rule));
        }
    }

    private void attemptAll(SmtpAttempt.Envelope envelope, DestinationRouting.Route route, SenderDemand sender,
                            List<AttemptRecord> attempts) {
        OutboundResolution resolution = route.resolution();
        for (DestinationRouting.PlannedTarget planned : route.targets()) {
            DeliveryTarget target = planned.target();
            SenderDemandRules.Applied applied = sender.apply(planned);
            if (applied.outcome().isPresent()) {
                LOGGER.info("outbound-tls-sender-demand domain={} mx={} outcome={} reason=\"{}\"", resolution.recipientDomain().ascii(),
                    PeerText.escape(target.host().ascii()), applied.outcome().get(), PeerText.escape(applied.reason()));
            }
            if (!applied.attempted()) {
                // RFC 8689 §4.2.1: not connected to; not a TLS attempt, so not counted for TLS reports either.
                attempts.add(logged(AttemptRecord.withheld(clock.instant(), resolution, applied.source(), applied.plan(), target,
                    applied.reason())));
                continue;
            }
            TlsPlan plan = applied.plan();
            PolicySource source = applied.source();
            Optional<SenderDemandOutcome> outcome = applied.outcome();
            Supplier<PolicyDetails> details = () -> details(route, source, target, plan.certificate());
            List<InetAddress> addresses;
            try {
                addresses = planned.addresses().isPresent() ? planned.addresses().get() : List.copyOf(dns.addresses(target.host().ascii()));
            } catch (UnknownHostException e) {
                AttemptObservation none = new AttemptObservation(Optional.empty(), false, TlsStage.CONNECT_FAILED, Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.of("no address for " + target.host().ascii()), TransactionResult.NOT_STARTED);
                AttemptRecord record = record(resolution, source, plan, target, none, outcome);
                attempts.add(record);
                count(record, details);
                continue;
            }
            for (InetAddress address : addresses) {
                AttemptRecord record = attempt(resolution, source, plan, plan, target, address, envelope, outcome);
                attempts.add(record);
                count(record, details);
                if (record.verdict() == AttemptVerdict.TLS_NOT_SECURED && !plan.tlsMandatory() && plan.startTls()) {
                    // SPEC §1.3 may: a failed STARTTLS or handshake is retried on this host in clear text.
                    record = attempt(resolution, source, plan, plan.clearTextFallback(), target, address, envelope, outcome);
                    attempts.add(record);
                    count(record, details);
                }
                if (!record.verdict().tryNextHost()) {
                    return;
                }
            }
        }
    }

    private AttemptRecord attempt(OutboundResolution resolution, PolicySource source, TlsPlan rulePlan, TlsPlan plan,
                                  DeliveryTarget target, InetAddress address, SmtpAttempt.Envelope envelope,
                                  Optional<SenderDemandOutcome> outcome) {
        TimeMetric timer = metrics.timer("jamestls.outbound.attempt." + plan.level().spelling());
        InetSocketAddress endpoint = endpoints.endpoint(target, address);
        // Never across rules: the key names the rule, its level and TLS requirement (in the plan), host and port.
        PoolKey key = new PoolKey(resolution.kind(), resolution.rule(), rulePlan, endpoint);
        try {
            if (plan.equals(rulePlan)) {
                Optional<AttemptRecord> reused = reuse(resolution, source, key, target, envelope, outcome);
                if (reused.isPresent()) {
                    return reused.get();
                }
            }
            Instant opening = clock.instant();
            SmtpAttempt.Result result = transport.send(resolution.rule(), plan, endpoint, envelope);
            metrics.generate("jamestls.outbound.connections.opened").increment();
            if (result.observation().stage() == TlsStage.ESTABLISHED) {
                metrics.generate(result.resumed() ? "jamestls.outbound.tls.resumed" : "jamestls.outbound.tls.fullHandshake").increment();
            }
            AttemptRecord record = record(resolution, source, plan, target, result.observation(), outcome);
            result.connection().ifPresent(connection -> keepOrClose(key, connection, ConnectionUse.first(opening), record));
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
    private Optional<AttemptRecord> reuse(OutboundResolution resolution, PolicySource source, PoolKey key, DeliveryTarget target,
                                          SmtpAttempt.Envelope envelope, Optional<SenderDemandOutcome> outcome) {
        for (int tries = 0; tries < maxPerDestination; tries++) {
            Optional<ConnectionPool.Kept<SmtpConnection>> idle = pool.borrow(key);
            if (idle.isEmpty()) {
                return Optional.empty();
            }
            SmtpConnection connection = idle.get().connection();
            if (!connection.stillOpen()) {
                discard(key, connection, "NOOP failed");
                continue;
            }
            if (envelope.requireTls() && !connection.meetsRequireTls()) {
                // RFC 8689 §4.2.1: a REQUIRETLS mail rides only a connection whose peer listed REQUIRETLS after STARTTLS;
                // this one stays for other mail, and a new connection asks the peer.
                pool.release(key, connection, idle.get().use());
                return Optional.empty();
            }
            AttemptObservation seen = connection.send(envelope);
            if (seen.transaction().kind() == TransactionResult.Kind.BROKEN) {
                discard(key, connection, seen.transaction().detail());
                continue;
            }
            metrics.generate("jamestls.outbound.connections.reused").increment();
            AttemptRecord record = record(resolution, source, connection.plan(), target, seen, outcome);
            keepOrClose(key, connection, idle.get().use().nextMail(), record);
            return Optional.of(record);
        }
        return Optional.empty();
    }

    /**
     * Keeps a connection for the next mail only when this mail went through and the connection's TLS
     * satisfied the rule: delivered over TLS, or in clear under a rule that allows clear text (a
     * {@code may} fallback), which by the key is kept for that same rule only. The pool closes it instead
     * when {@code use} reached the mail count or age limit.
     */
    private void keepOrClose(PoolKey key, SmtpConnection connection, ConnectionUse use, AttemptRecord record) {
        boolean satisfied = record.verdict() == AttemptVerdict.DELIVERED
            || record.verdict() == AttemptVerdict.DELIVERED_IN_CLEAR && !key.rulePlan().tlsMandatory();
        if (satisfied) {
            pool.release(key, connection, use);
        } else {
            connection.close();
        }
    }

    private void discard(PoolKey key, SmtpConnection connection, String why) {
        metrics.generate("jamestls.outbound.connections.stale").increment();
        LOGGER.debug("outbound-tls idle connection to {} discarded: {}", key.endpoint(), why);
        connection.close();
    }

    private AttemptRecord record(OutboundResolution resolution, PolicySource source, TlsPlan plan, DeliveryTarget target,
                                 AttemptObservation seen, Optional<SenderDemandOutcome> outcome) {
        AttemptClassification classification = AttemptClassifier.classify(plan, seen);
        AttemptRecord record = AttemptRecord.of(clock.instant(), resolution, source, plan, target, seen, classification);
        record = logged(outcome.map(record::withSenderDemand).orElse(record));
        recordInLedger(record, seen.certificate().flatMap(verified -> verified.leaf()));
        return record;
    }

    /** Records an attempt in the partner ledger; like counting, recording never fails a delivery. */
    private void recordInLedger(AttemptRecord record, Optional<CertificateFacts> serverCertificate) {
        if (ledger.isEmpty()) {
            return;
        }
        try {
            ledger.get().outbound(record, serverCertificate);
        } catch (RuntimeException e) {
            LOGGER.warn("outbound-tls domain={} mx={} not recorded in the TLS ledger", record.domain(),
                PeerText.escape(record.mxHost()), PeerText.escape(e));
        }
    }

    /**
     * What a TLS report says of the policy that decided a host (RFC 8460 §4.4): its TLSA records (DANE; none when the
     * lookup failed or only unusable ones were published), the route's MTA-STS policy, or no policy.
     */
    private static PolicyDetails details(DestinationRouting.Route route, PolicySource source, DeliveryTarget target,
                                         Optional<CertificateRequirement> certificate) {
        return switch (source) {
            case DANE -> PolicyDetails.tlsa(target.host().ascii(), target.port(),
                certificate.map(CertificateRequirement::tlsa).orElse(List.of()));
            case MTA_STS -> route.stsPolicy().map(PolicyDetails::sts).orElseGet(PolicyDetails::none);
            case CONNECTOR, DEFAULT -> PolicyDetails.none();
        };
    }

    /** Counts an attempt for the TLS reports; counting never fails a delivery (RFC 8460 reports are best effort). */
    private void count(AttemptRecord record, Supplier<PolicyDetails> details) {
        if (counters.isEmpty()) {
            return;
        }
        try {
            counters.get().record(record, details.get());
        } catch (RuntimeException e) {
            LOGGER.warn("outbound-tls domain={} mx={} not counted for TLS reports", record.domain(),
                PeerText.escape(record.mxHost()), PeerText.escape(e));
        }
    }

    private AttemptRecord logged(AttemptRecord record) {
        // The line quotes the server's replies and certificate, and DNS names: peer text.
        LOGGER.info("{}", PeerText.escape(record.logLine()));
        metrics.generate("jamestls.outbound.attempts." + record.level().spelling() + "." + record.verdict().spelling()).increment();
        record.resultType().ifPresent(type ->
            metrics.generate("jamestls.outbound.resultType." + record.level().spelling() + "." + type.spelling()).increment());
        return record;
    }

    private static SmtpAttempt.Envelope envelope(Mail mail, Optional<SenderTlsDemand> demand) throws MessagingException {
        List<Address> recipients = new ArrayList<>();
        for (MailAddress recipient : mail.getRecipients()) {
            try {
                recipients.add(new InternetAddress(recipient.asString()));
            } catch (AddressException e) {
                throw new Undeliverable("recipient " + recipient.asString() + " is not an Internet address");
            }
        }
        String reversePath = mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("");
        return new SmtpAttempt.Envelope(reversePath, recipients.toArray(Address[]::new), mail.getMessage(),
            demand.filter(d -> d == SenderTlsDemand.REQUIRETLS).isPresent());
    }

    /** A mail no delivery round can ever deliver: retrying it would only send it round the queue for ever. */
    public static final class Undeliverable extends MessagingException {
        private static final long serialVersionUID = 1L;

        Undeliverable(String reason) {
            super("undeliverable: " + reason);
        }
    }
}
