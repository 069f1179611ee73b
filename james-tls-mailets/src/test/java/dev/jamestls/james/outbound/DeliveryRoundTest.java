package dev.jamestls.james.outbound;

import static dev.jamestls.james.outbound.ScriptedDelivery.observed;
import static dev.jamestls.james.outbound.ScriptedDelivery.twoMxHosts;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.dns.DnsAnswer;
import dev.jamestls.dns.MxRecord;
import dev.jamestls.dns.SecureDns;
import dev.jamestls.mtasts.StsDiscovery;
import dev.jamestls.mtasts.StsMode;
import dev.jamestls.mtasts.StsPolicy;
import dev.jamestls.mtasts.StsPolicySource;
import dev.jamestls.outbound.PolicySource;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.file.PolicyFileParser;
import dev.jamestls.verify.TlsRptResultType;
import dev.jamestls.james.attributes.OutboundAttributes;
import dev.jamestls.outbound.AttemptObservation;
import dev.jamestls.outbound.AttemptRecord;
import dev.jamestls.outbound.AttemptVerdict;
import dev.jamestls.outbound.DeliveryDecision;
import dev.jamestls.outbound.DestinationDns;
import dev.jamestls.outbound.RetrySchedule;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.outbound.TransactionResult;
import dev.jamestls.policy.DomainName;

/** One delivery round's decisions, with a scripted transport and DNS: no James, no network, no sleeping. */
class DeliveryRoundTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T08:00:00Z"), ZoneOffset.UTC);
    private static final RetrySchedule SCHEDULE = new RetrySchedule(List.of(Duration.ofMinutes(5)), 3);

    @TempDir
    Path dir;

    /** Every call the round made to the transport: the plan it asked for. */
    private final List<TlsPlan> sent = new ArrayList<>();

    private DeliveryRound round(DeliveryRound.Resolver dns, Function<TlsPlan, AttemptObservation> peer) throws Exception {
        return ScriptedDelivery.round(ScriptedDelivery.policy(dir, CLOCK), dns, ScriptedDelivery.peer(plan -> {
            sent.add(plan);
            return peer.apply(plan);
        }), SCHEDULE, ScriptedDelivery.noMetrics(), CLOCK);
    }

    private static FakeMail mail(String recipient) throws Exception {
        return ScriptedDelivery.mail(MaybeSender.of(new MailAddress("sender@james.local")), CLOCK.instant(), recipient);
    }

    @Test
    void mandatoryLevelWithoutStartTlsTriesEveryMxNeverInClearAndRetriesLater() throws Exception {
        FakeMail mail = mail("user@partner.example");

        DeliveryRound.Outcome outcome = round(twoMxHosts(), plan -> observed(TlsStage.NOT_OFFERED, false, TransactionResult.NOT_STARTED))
            .deliver(mail);

        assertThat(sent).hasSize(2).allMatch(TlsPlan::tlsMandatory);
        assertThat(outcome.attempts()).extracting(AttemptRecord::verdict).containsOnly(AttemptVerdict.TLS_NOT_SECURED);
        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.RETRY);
        assertThat(outcome.decision().status()).isEqualTo("4.7.5");
        assertThat(outcome.decision().retryAfter()).contains(Duration.ofMinutes(5));
        assertThat(outcome.mx()).isEqualTo("mx2.partner.example");
        assertThat(OutboundAttributes.verdict(mail)).contains(AttemptVerdict.TLS_NOT_SECURED.spelling());
    }

    @Test
    void opportunisticLevelRetriesTheSameHostInClearAfterAFailedHandshake() throws Exception {
        DeliveryRound.Outcome outcome = round(twoMxHosts(), plan -> plan.startTls()
            ? observed(TlsStage.HANDSHAKE_FAILED, true, TransactionResult.NOT_STARTED)
            : observed(TlsStage.NOT_ATTEMPTED, true, TransactionResult.SENT)).deliver(mail("user@other.example"));

        assertThat(sent).extracting(TlsPlan::startTls).containsExactly(true, false);
        assertThat(outcome.attempts()).extracting(AttemptRecord::mxHost).containsOnly("mx1.other.example");
        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.DELIVERED);
    }

    @Test
    void failedMxLookupIsATemporaryFailureWithoutAnAttempt() throws Exception {
        DeliveryRound.Resolver failing = new DeliveryRound.Resolver() {
            @Override
            public List<String> mxHosts(DomainName domain) throws DestinationDns.DnsLookupException {
                throw new DestinationDns.DnsLookupException("MX lookup of " + domain.ascii() + " failed: SERVFAIL", null);
            }

            @Override
            public List<InetAddress> addresses(String host) {
                throw new AssertionError("no address is looked up without a host");
            }
        };

        DeliveryRound.Outcome outcome = round(failing, plan -> {
            throw new AssertionError("nothing is sent without a host");
        }).deliver(mail("user@partner.example"));

        assertThat(outcome.attempts()).isEmpty();
        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.RETRY);
        assertThat(outcome.mx()).isEmpty();
    }

    @Test
    void unexpectedErrorInOurCodeIsATemporaryFailureNotABounce() throws Exception {
        DeliveryRound.Outcome outcome = round(twoMxHosts(), plan -> {
            throw new IllegalStateException("bug");
        }).deliver(mail("user@partner.example"));

        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.RETRY);
        assertThat(outcome.decision().retryAfter()).contains(Duration.ofMinutes(5));
    }

    @Test
    void aBogusMxUnderDaneOnlyDefersWithoutConnectingAndRecordsWhy() throws Exception {
        SecureDns bogus = new ScriptedDelivery.NoTxtSecureDns() {
            @Override
            public DnsAnswer<MxRecord> mx(DomainName domain) {
                return DnsAnswer.bogus("RRSIG over the MX RRset has expired");
            }

            @Override
            public DnsAnswer<InetAddress> addresses(DomainName host) {
                throw new AssertionError("no host is looked up under a bogus MX RRset");
            }

            @Override
            public Optional<DomainName> secureAliasTarget(DomainName host) {
                throw new AssertionError("no host is looked up under a bogus MX RRset");
            }

            @Override
            public DnsAnswer<TlsaRecord> tlsa(DomainName host, int port) {
                throw new AssertionError("no TLSA record is looked up under a bogus MX RRset");
            }
        };
        FakeMail mail = mail("user@dane.example");

        DeliveryRound.Outcome outcome = ScriptedDelivery.round(ScriptedDelivery.policy(dir, CLOCK), twoMxHosts(), Optional.of(bogus),
            Optional.empty(), ScriptedDelivery.peer(plan -> {
                throw new AssertionError("nothing is sent when DNSSEC fails");
            }), ScriptedDelivery.noMetrics(), CLOCK).deliver(mail);

        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.RETRY);
        assertThat(outcome.decision().status()).isEqualTo("4.7.5");
        assertThat(outcome.attempts()).singleElement().satisfies(attempt -> {
            assertThat(attempt.tlsStage()).isEqualTo(TlsStage.NOT_ATTEMPTED);
            assertThat(attempt.resultType()).contains(TlsRptResultType.DNSSEC_INVALID);
            assertThat(attempt.source()).isEqualTo(PolicySource.DANE);
        });
        assertThat(mail.getAttribute(OutboundAttributes.SOURCE).map(a -> a.getValue().value().toString())).contains("dane");
    }

    @Test
    void anMtaStsPolicyInEnforceModeConnectsOnlyToItsMxHostsAtLevelVerify() throws Exception {
        StsPolicySource sts = domain -> new StsDiscovery(domain, Optional.of(new StsPolicy(StsMode.ENFORCE,
            List.of("mx2." + domain.ascii()), Duration.ofDays(1), "1", CLOCK.instant())), Optional.empty());
        Path policyFile = dir.resolve("sts-policy.xml");
        Files.writeString(policyFile, "<tlsPolicy><defaults><outbound level=\"may\" mtaSts=\"true\"/></defaults></tlsPolicy>");
        FakeMail mail = mail("user@published.example");
        List<TlsPlan> plans = new ArrayList<>();

        DeliveryRound.Outcome outcome = ScriptedDelivery.round(new PolicyFileParser(CLOCK).parse(policyFile).policyOrThrow(),
            twoMxHosts(), Optional.empty(), Optional.of(sts), ScriptedDelivery.peer(plan -> {
                plans.add(plan);
                return observed(TlsStage.ESTABLISHED, true, TransactionResult.SENT);
            }), ScriptedDelivery.noMetrics(), CLOCK).deliver(mail);

        assertThat(plans).singleElement().satisfies(plan -> {
            assertThat(plan.sniHost()).isEqualTo("mx2.published.example");
            assertThat(plan.level()).isEqualTo(OutboundLevel.VERIFY);
            assertThat(plan.tlsMandatory()).isTrue();
        });
        assertThat(outcome.attempts()).extracting(AttemptRecord::source).containsExactly(PolicySource.MTA_STS, PolicySource.MTA_STS);
        assertThat(outcome.attempts().get(0).resultType()).contains(TlsRptResultType.VALIDATION_FAILURE);
        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.DELIVERED);
        assertThat(mail.getAttribute(OutboundAttributes.RULE).map(a -> a.getValue().value().toString())).contains("mta-sts");
    }

    @Test
    void exhaustedRetriesOfAMandatoryLevelBounceWithTheTlsStatus() throws Exception {
        FakeMail mail = mail("user@partner.example");
        OutboundAttributes.setRetries(mail, SCHEDULE.maxRetries());

        DeliveryRound.Outcome outcome = round(twoMxHosts(), plan -> observed(TlsStage.NOT_OFFERED, false, TransactionResult.NOT_STARTED))
            .deliver(mail);

        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.BOUNCE);
        assertThat(outcome.decision().status()).isEqualTo("4.7.5");
        assertThat(outcome.retries()).isEqualTo(SCHEDULE.maxRetries());
    }
}
