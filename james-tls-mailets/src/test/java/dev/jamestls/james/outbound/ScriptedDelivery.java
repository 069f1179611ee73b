package dev.jamestls.james.outbound;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.base.test.FakeMail;

import dev.jamestls.outbound.AttemptObservation;
import dev.jamestls.dns.DnsAnswer;
import dev.jamestls.dns.SecureDns;
import dev.jamestls.mtasts.StsPolicySource;
import dev.jamestls.outbound.ConnectionPool;
import dev.jamestls.outbound.ConnectionReuse;
import dev.jamestls.outbound.RetrySchedule;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.outbound.TransactionResult;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.TlsPolicy;
import dev.jamestls.policy.file.PolicyFileParser;
import dev.jamestls.tlsrpt.TlsReportCounters;
import dev.jamestls.verify.JdkTrustAnchors;

/**
 * A real {@link DeliveryRound} over scripted peers: a policy file written to a temporary folder, DNS that answers
 * from a table, a transport that answers each plan with an observation. No network, no James.
 */
final class ScriptedDelivery {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T08:00:00Z"), ZoneOffset.UTC);
    /** Retry 1 after 5 minutes, retries 2 and 3 after an hour; then the schedule is exhausted. */
    static final RetrySchedule SCHEDULE = new RetrySchedule(List.of(Duration.ofMinutes(5), Duration.ofHours(1)), 3);
    static final String REPORTING_MTA = "mx.james.local";
    static final String BOUNCES = "bounces";
    static final Instant ARRIVAL = Instant.parse("2026-12-02T22:15:00Z");

    /**
     * {@code partner.example} requires TLS ({@code encrypt}, a temporary failure), {@code strict.example} too but
     * bounces at once ({@code failure="permanent"}), {@code dane.example} needs DANE ({@code dane-only}), every other
     * domain is {@code may}.
     */
    static final String POLICY = """
        <tlsPolicy>
          <defaults><outbound level="may"/></defaults>
          <connector name="partner-example" mode="enforce">
            <outbound level="encrypt"><recipientDomain>partner.example</recipientDomain></outbound>
          </connector>
          <connector name="dane-example" mode="enforce">
            <outbound level="dane-only"><recipientDomain>dane.example</recipientDomain></outbound>
          </connector>
          <connector name="strict-example" mode="enforce">
            <outbound level="encrypt" failure="permanent"><recipientDomain>strict.example</recipientDomain></outbound>
          </connector>
        </tlsPolicy>
        """;

    private ScriptedDelivery() {
    }

    static TlsPolicy policy(Path dir, Clock clock) throws Exception {
        Path file = dir.resolve("tls-policy.xml");
        Files.writeString(file, POLICY);
        return new PolicyFileParser(clock).parse(file).policyOrThrow();
    }

    /**
     * A round under the policy file {@code policyXml} (written into {@code dir}) that asks {@code sts} for MTA-STS, over
     * {@code transport}, without pooling; every MX domain has the hosts of {@link #twoMxHosts()}.
     */
    static DeliveryRound round(Path dir, String policyXml, Optional<StsPolicySource> sts, DeliveryRound.Transport transport)
        throws Exception {
        Path file = dir.resolve("tls-policy.xml");
        Files.writeString(file, policyXml);
        return round(new PolicyFileParser(CLOCK).parse(file).policyOrThrow(), twoMxHosts(), Optional.empty(), sts, transport,
            noMetrics(), CLOCK);
    }

    /** A round over {@code transport}, without pooling (every attempt opens a connection). */
    static DeliveryRound round(TlsPolicy policy, DeliveryRound.Resolver dns, DeliveryRound.Transport transport,
                               RetrySchedule schedule, MetricFactory metrics, Clock clock) {
        return round(policy, dns, Optional.empty(), Optional.empty(), transport, schedule, metrics, clock, Optional.empty());
    }

    /** A round over {@code transport} that also asks {@code secureDns} (DANE) and {@code sts} (MTA-STS), without pooling. */
    static DeliveryRound round(TlsPolicy policy, DeliveryRound.Resolver dns, Optional<SecureDns> secureDns,
                               Optional<StsPolicySource> sts, DeliveryRound.Transport transport, MetricFactory metrics, Clock clock) {
        return round(policy, dns, secureDns, sts, transport, SCHEDULE, metrics, clock, Optional.empty());
    }

    /** As above, counting every attempt in {@code counters} for TLS reports. */
    static DeliveryRound round(TlsPolicy policy, DeliveryRound.Resolver dns, Optional<SecureDns> secureDns,
                               Optional<StsPolicySource> sts, DeliveryRound.Transport transport, MetricFactory metrics, Clock clock,
                               Optional<TlsReportCounters> counters) {
        return round(policy, dns, secureDns, sts, transport, SCHEDULE, metrics, clock, counters);
    }

    private static DeliveryRound round(TlsPolicy policy, DeliveryRound.Resolver dns, Optional<SecureDns> secureDns,
                                       Optional<StsPolicySource> sts, DeliveryRound.Transport transport, RetrySchedule schedule,
                                       MetricFactory metrics, Clock clock, Optional<TlsReportCounters> counters) {
        return new DeliveryRound(() -> policy, dns, secureDns, sts, new DeliveryEndpoints(), JdkTrustAnchors::certificates,
            Optional::empty, transport, new ConnectionPool<>(new ConnectionReuse(0, 1, Duration.ofSeconds(1)), clock, connection -> { }),
            1, schedule, metrics, clock, counters, Optional.empty());
    }

    /** A transport whose peer answers every plan with {@code peer}'s observation and keeps no connection open. */
    static DeliveryRound.Transport peer(Function<TlsPlan, AttemptObservation> peer) {
        return (rule, plan, endpoint, envelope) -> new SmtpAttempt.Result(peer.apply(plan), Optional.empty(), false);
    }

    /** Every domain has two MX hosts, {@code mx1.} and {@code mx2.} the domain, both on 127.0.0.1. */
    static DeliveryRound.Resolver twoMxHosts() {
        return new DeliveryRound.Resolver() {
            @Override
            public List<String> mxHosts(DomainName domain) {
                return List.of("mx1." + domain.ascii(), "mx2." + domain.ascii());
            }

            @Override
            public List<InetAddress> addresses(String host) throws UnknownHostException {
                return List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
            }
        };
    }

    /** A mail of {@code sender} to {@code recipients}, received here at {@code arrival}. */
    static FakeMail mail(MaybeSender sender, Instant arrival, String... recipients) throws Exception {
        List<MailAddress> addresses = new ArrayList<>();
        for (String recipient : recipients) {
            addresses.add(new MailAddress(recipient));
        }
        return FakeMail.builder().name("m1").sender(sender).recipients(addresses).lastUpdated(Date.from(arrival))
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("quarterly report").setText("body")).build();
    }

    static AttemptObservation observed(TlsStage stage, boolean startTlsOffered, TransactionResult transaction) {
        return new AttemptObservation(Optional.of("127.0.0.1"), startTlsOffered, stage, Optional.empty(), Optional.empty(),
            Optional.empty(), stage == TlsStage.ESTABLISHED || stage == TlsStage.NOT_ATTEMPTED ? Optional.empty()
            : Optional.of(stage.toString()), transaction);
    }

    /** Validated DNS of a scripted zone where no TXT record is ever asked for (no MTA-STS, no TLS-RPT discovery). */
    abstract static class NoTxtSecureDns implements SecureDns {
        @Override
        public DnsAnswer<String> txt(String underscoredLabels, DomainName domain) {
            throw new AssertionError("no TXT record is looked up at " + underscoredLabels);
        }

        @Override
        public DnsAnswer<String> txt(DomainName name) {
            throw new AssertionError("no TXT record is looked up");
        }
    }

    /** Counters and timers that count nothing. */
    static MetricFactory noMetrics() {
        return (MetricFactory) noOp(MetricFactory.class);
    }

    private static Object noOp(Class<?> type) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
            method.getReturnType().isInterface() ? noOp(method.getReturnType()) : null);
    }
}
