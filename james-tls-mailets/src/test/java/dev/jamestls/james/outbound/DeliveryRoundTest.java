package dev.jamestls.james.outbound;

import static dev.jamestls.james.outbound.ScriptedDelivery.observed;
import static dev.jamestls.james.outbound.ScriptedDelivery.twoMxHosts;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
