package dev.jamestls.james.outbound;

import static dev.jamestls.james.outbound.ScriptedDelivery.observed;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.dns.DnsAnswer;
import dev.jamestls.dns.MxRecord;
import dev.jamestls.dns.SecureDns;
import dev.jamestls.james.attributes.OutboundAttributes;
import dev.jamestls.james.attributes.RequireTlsAttributes;
import dev.jamestls.outbound.AttemptObservation;
import dev.jamestls.outbound.AttemptRecord;
import dev.jamestls.outbound.AttemptVerdict;
import dev.jamestls.outbound.DeliveryDecision;
import dev.jamestls.outbound.PolicySource;
import dev.jamestls.outbound.SenderDemandOutcome;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.outbound.TransactionResult;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.file.PolicyFileParser;
import dev.jamestls.requiretls.SenderTlsDemand;
import dev.jamestls.verify.TlsRptResultType;

/**
 * What the sender's TLS demand (RFC 8689) makes of a delivery round when the path allows it: REQUIRETLS goes to an
 * authenticated host that lists it after STARTTLS, and bounces with 5.7.30 when none does; {@code TLS-Required: No} is
 * delivered past a published policy's TLS failure, and past a connector's only when it opts in. Every attempt records
 * what the demand did.
 */
class SenderDemandRoundTest {
    @TempDir
    Path dir;

    /** Each connection: its plan, and whether the mail asked the peer for REQUIRETLS. */
    private final List<TlsPlan> plans = new ArrayList<>();
    private final List<Boolean> requireTls = new ArrayList<>();

    private DeliveryRound.Outcome deliver(String recipient, Optional<SenderTlsDemand> demand,
                                          BiFunction<TlsPlan, SmtpAttempt.Envelope, AttemptObservation> peer) throws Exception {
        return deliver(RequireTlsAttackTest.POLICY, recipient, demand, 0, peer);
    }

    /** @param retries the rounds already retried */
    private DeliveryRound.Outcome deliver(String policy, String recipient, Optional<SenderTlsDemand> demand, int retries,
                                          BiFunction<TlsPlan, SmtpAttempt.Envelope, AttemptObservation> peer) throws Exception {
        DeliveryRound round = ScriptedDelivery.round(dir, policy, Optional.of(RequireTlsAttackTest.STS),
            (rule, plan, endpoint, envelope) -> {
                plans.add(plan);
                requireTls.add(envelope.requireTls());
                return new SmtpAttempt.Result(peer.apply(plan, envelope), Optional.empty(), false);
            });
        FakeMail mail = ScriptedDelivery.mail(MaybeSender.of(new MailAddress("sender@james.local")), ScriptedDelivery.ARRIVAL,
            recipient);
        demand.ifPresent(d -> RequireTlsAttributes.set(mail, d));
        OutboundAttributes.setRetries(mail, retries);
        return round.deliver(mail);
    }

    private static AttemptObservation withheld() {
        return observed(TlsStage.ESTABLISHED, true, TransactionResult.withheld("the EHLO reply after STARTTLS does not list REQUIRETLS"));
    }

    @Test
    void requireTlsGoesToAnAuthenticatedHostAndAsksItForRequireTls() throws Exception {
        DeliveryRound.Outcome outcome = deliver("user@verify.example", Optional.of(SenderTlsDemand.REQUIRETLS),
            (plan, envelope) -> observed(TlsStage.ESTABLISHED, true, TransactionResult.SENT));

        assertThat(requireTls).containsExactly(true);
        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.DELIVERED);
        assertThat(outcome.attempts()).singleElement().satisfies(attempt -> {
            assertThat(attempt.senderDemand()).contains(SenderDemandOutcome.REQUIRETLS_AUTHENTICATED);
            assertThat(attempt.logLine()).contains("senderDemand=requiretls-authenticated");
        });
    }

    @Test
    void requireTlsThatNoHostListsAfterStartTlsBouncesAtOnceWith5730() throws Exception {
        DeliveryRound.Outcome outcome = deliver("user@verify.example", Optional.of(SenderTlsDemand.REQUIRETLS),
            (plan, envelope) -> withheld());

        assertThat(plans).as("every MX host is asked (RFC 8689 §4.2.1)").hasSize(2);
        assertThat(outcome.attempts()).extracting(AttemptRecord::verdict).containsOnly(AttemptVerdict.REQUIRETLS_NOT_MET);
        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.BOUNCE);
        assertThat(outcome.decision().status()).isEqualTo("5.7.30");
    }

    @Test
    void requireTlsWithAHostWhoseTlsFailedIsRetriedNotBounced() throws Exception {
        DeliveryRound.Outcome outcome = deliver("user@verify.example", Optional.of(SenderTlsDemand.REQUIRETLS),
            (plan, envelope) -> plan.sniHost().startsWith("mx1.") ? withheld()
                : observed(TlsStage.HANDSHAKE_FAILED, true, TransactionResult.NOT_STARTED));

        assertThat(outcome.attempts()).extracting(AttemptRecord::verdict)
            .containsExactly(AttemptVerdict.REQUIRETLS_NOT_MET, AttemptVerdict.TLS_NOT_SECURED);
        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.RETRY);
        assertThat(outcome.decision().status()).isEqualTo("4.7.5");
    }

    @Test
    void requireTlsWhileThePolicyCannotBeFetchedIsRetriedThenBouncedWith475WhenTheScheduleIsSpent() throws Exception {
        DeliveryRound.Outcome first = deliver(RequireTlsAttackTest.POLICY, "user@unfetched.example",
            Optional.of(SenderTlsDemand.REQUIRETLS), 0, (plan, envelope) -> observed(TlsStage.ESTABLISHED, true, TransactionResult.SENT));
        DeliveryRound.Outcome last = deliver(RequireTlsAttackTest.POLICY, "user@unfetched.example",
            Optional.of(SenderTlsDemand.REQUIRETLS), ScriptedDelivery.SCHEDULE.maxRetries(),
            (plan, envelope) -> observed(TlsStage.ESTABLISHED, true, TransactionResult.SENT));

        assertThat(plans).as("no host is connected to before its TLS is authenticated (RFC 8689 §4.2.1)").isEmpty();
        assertThat(first.attempts()).extracting(AttemptRecord::senderDemand)
            .containsOnly(Optional.of(SenderDemandOutcome.REQUIRETLS_UNAUTHENTICATED));
        assertThat(first.decision().kind()).isEqualTo(DeliveryDecision.Kind.RETRY);
        assertThat(first.decision().status()).isEqualTo("4.7.5");
        assertThat(last.decision().kind()).isEqualTo(DeliveryDecision.Kind.BOUNCE);
        assertThat(last.decision().status()).as("the status of the failure, not 5.7.30").isEqualTo("4.7.5");
    }

    @Test
    void requireTlsKeeps5730WhenEveryAuthenticatedHostAnswersWithoutItThoughThePolicyCannotBeFetched() throws Exception {
        String verifyDefaults = RequireTlsAttackTest.POLICY.replace("<outbound level=\"may\" mtaSts=\"true\"/>",
            "<outbound level=\"verify\" mtaSts=\"true\"/>");
        DeliveryRound.Outcome outcome = deliver(verifyDefaults, "user@unfetched.example", Optional.of(SenderTlsDemand.REQUIRETLS), 0,
            (plan, envelope) -> withheld());

        assertThat(plans).as("the defaults authenticate both hosts; both are asked").hasSize(2);
        assertThat(outcome.attempts()).extracting(AttemptRecord::senderDemand)
            .containsOnly(Optional.of(SenderDemandOutcome.REQUIRETLS_AUTHENTICATED));
        assertThat(outcome.decision().kind()).as("a fetched policy would not change their software").isEqualTo(DeliveryDecision.Kind.BOUNCE);
        assertThat(outcome.decision().status()).isEqualTo("5.7.30");
    }

    @Test
    void requireTlsWithAHostWhoseDnssecLookupFailedIsRetriedNotBounced() throws Exception {
        Path file = dir.resolve("dane-policy.xml");
        Files.writeString(file, "<tlsPolicy><defaults><outbound level=\"dane\"/></defaults></tlsPolicy>");
        SecureDns mx1TlsaFails = new ScriptedDelivery.NoTxtSecureDns() {
            @Override
            public DnsAnswer<MxRecord> mx(DomainName domain) {
                return DnsAnswer.secure(List.of(new MxRecord(10, "mx1." + domain.ascii()), new MxRecord(20, "mx2." + domain.ascii())),
                    Duration.ofHours(1));
            }

            @Override
            public DnsAnswer<InetAddress> addresses(DomainName host) {
                return DnsAnswer.secure(List.of(InetAddress.getLoopbackAddress()), Duration.ofHours(1));
            }

            @Override
            public Optional<DomainName> secureAliasTarget(DomainName host) {
                return Optional.empty();
            }

            @Override
            public DnsAnswer<TlsaRecord> tlsa(DomainName host, int port) {
                return host.ascii().startsWith("mx1.") ? DnsAnswer.failed("SERVFAIL") : DnsAnswer.secure(List.of(), Duration.ofHours(1));
            }
        };
        DeliveryRound round = ScriptedDelivery.round(new PolicyFileParser(ScriptedDelivery.CLOCK).parse(file).policyOrThrow(),
            ScriptedDelivery.twoMxHosts(), Optional.of(mx1TlsaFails), Optional.empty(), (rule, plan, endpoint, envelope) -> {
                plans.add(plan);
                return new SmtpAttempt.Result(observed(TlsStage.ESTABLISHED, true, TransactionResult.SENT), Optional.empty(), false);
            }, ScriptedDelivery.noMetrics(), ScriptedDelivery.CLOCK);
        FakeMail mail = ScriptedDelivery.mail(MaybeSender.of(new MailAddress("sender@james.local")), ScriptedDelivery.ARRIVAL,
            "user@signed.example");
        RequireTlsAttributes.set(mail, SenderTlsDemand.REQUIRETLS);

        DeliveryRound.Outcome outcome = round.deliver(mail);

        assertThat(plans).as("mx2 has no TLSA records: nothing authenticates it").isEmpty();
        assertThat(outcome.attempts()).extracting(attempt -> attempt.resultType().map(TlsRptResultType::spelling).orElse("-"))
            .containsExactly("dnssec-invalid", "-");
        assertThat(outcome.decision().kind()).as("a later lookup may bring mx1's TLSA records").isEqualTo(DeliveryDecision.Kind.RETRY);
        assertThat(outcome.decision().status()).isEqualTo("4.7.5");
    }

    @Test
    void tlsRequiredNoAlsoTriesTheMxHostAnMtaStsEnforcePolicyLeavesOut() throws Exception {
        DeliveryRound.Outcome outcome = deliver("user@narrow.example", Optional.of(SenderTlsDemand.TLS_OPTIONAL),
            (plan, envelope) -> plan.sniHost().startsWith("mx1.") ? observed(TlsStage.CONNECT_FAILED, false, TransactionResult.NOT_STARTED)
                : observed(TlsStage.ESTABLISHED, true, TransactionResult.SENT));

        assertThat(plans).extracting(TlsPlan::sniHost).containsExactly("mx1.narrow.example", "mx2.narrow.example");
        assertThat(plans.get(1).tlsMandatory()).as("the defaults' own plan: may").isFalse();
        assertThat(plans.get(1).startTls()).as("STARTTLS still tried first (RFC 8689 §4.2.2)").isTrue();
        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.DELIVERED);
        assertThat(outcome.attempts()).extracting(AttemptRecord::mxHost).containsExactly("mx1.narrow.example", "mx2.narrow.example");
        assertThat(outcome.attempts()).extracting(AttemptRecord::senderDemand)
            .containsOnly(Optional.of(SenderDemandOutcome.TLS_REQUIRED_NO_POLICY_IGNORED));
        assertThat(outcome.attempts().get(1).verdict()).isEqualTo(AttemptVerdict.DELIVERED);
        assertThat(outcome.attempts().get(1).source()).isEqualTo(PolicySource.DEFAULT);
    }

    @Test
    void withoutTlsRequiredNoTheMxHostTheEnforcePolicyLeavesOutIsNeverTried() throws Exception {
        DeliveryRound.Outcome outcome = deliver("user@narrow.example", Optional.empty(),
            (plan, envelope) -> plan.sniHost().startsWith("mx1.") ? observed(TlsStage.CONNECT_FAILED, false, TransactionResult.NOT_STARTED)
                : observed(TlsStage.ESTABLISHED, true, TransactionResult.SENT));

        assertThat(plans).extracting(TlsPlan::sniHost).containsExactly("mx1.narrow.example");
        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.RETRY);
        assertThat(outcome.attempts()).filteredOn(attempt -> attempt.mxHost().equals("mx2.narrow.example")).singleElement()
            .satisfies(attempt -> {
                assertThat(attempt.tlsStage()).isEqualTo(TlsStage.NOT_ATTEMPTED);
                assertThat(attempt.resultType()).contains(TlsRptResultType.VALIDATION_FAILURE);
                assertThat(attempt.source()).isEqualTo(PolicySource.MTA_STS);
            });
    }

    @Test
    void requireTlsNeverTriesTheMxHostTheEnforcePolicyLeavesOut() throws Exception {
        DeliveryRound.Outcome outcome = deliver("user@narrow.example", Optional.of(SenderTlsDemand.REQUIRETLS),
            (plan, envelope) -> plan.sniHost().startsWith("mx1.") ? observed(TlsStage.CONNECT_FAILED, false, TransactionResult.NOT_STARTED)
                : observed(TlsStage.ESTABLISHED, true, TransactionResult.SENT));

        assertThat(plans).extracting(TlsPlan::sniHost).containsExactly("mx1.narrow.example");
        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.RETRY);
        assertThat(outcome.decision().status()).isEqualTo("4.7.5");
    }

    @Test
    void tlsRequiredNoIsDeliveredPastAPublishedPolicysTlsFailureTryingTlsFirst() throws Exception {
        DeliveryRound.Outcome outcome = deliver("user@sts.example", Optional.of(SenderTlsDemand.TLS_OPTIONAL),
            (plan, envelope) -> plan.startTls() ? observed(TlsStage.HANDSHAKE_FAILED, true, TransactionResult.NOT_STARTED)
                : observed(TlsStage.NOT_ATTEMPTED, true, TransactionResult.SENT));

        assertThat(plans).extracting(TlsPlan::startTls).containsExactly(true, false);
        assertThat(requireTls).containsOnly(false);
        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.DELIVERED);
        assertThat(outcome.attempts()).extracting(AttemptRecord::senderDemand)
            .containsOnly(Optional.of(SenderDemandOutcome.TLS_REQUIRED_NO_POLICY_IGNORED));
        assertThat(outcome.attempts()).extracting(AttemptRecord::source).containsOnly(PolicySource.DEFAULT);
        assertThat(outcome.attempts().get(1).verdict()).isEqualTo(AttemptVerdict.DELIVERED_IN_CLEAR);
    }

    @Test
    void tlsRequiredNoLowersAConnectorThatOptsInToItsLevelRecordedNotEnforced() throws Exception {
        DeliveryRound.Outcome outcome = deliver("user@lenient.example", Optional.of(SenderTlsDemand.TLS_OPTIONAL),
            (plan, envelope) -> plan.startTls() ? observed(TlsStage.REFUSED, true, TransactionResult.NOT_STARTED)
                : observed(TlsStage.NOT_ATTEMPTED, true, TransactionResult.SENT));

        assertThat(plans.get(0).mode()).isEqualTo(Mode.TESTING);
        assertThat(plans.get(0).tlsMandatory()).isFalse();
        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.DELIVERED);
        assertThat(outcome.attempts()).extracting(AttemptRecord::senderDemand)
            .containsOnly(Optional.of(SenderDemandOutcome.TLS_REQUIRED_NO_CONNECTOR_OPTED_IN));
    }

    @Test
    void withoutTlsRequiredNoTheOptedInConnectorIsEnforced() throws Exception {
        DeliveryRound.Outcome outcome = deliver("user@lenient.example", Optional.empty(),
            (plan, envelope) -> observed(TlsStage.REFUSED, true, TransactionResult.NOT_STARTED));

        assertThat(plans).allMatch(TlsPlan::tlsMandatory);
        assertThat(outcome.decision().kind()).isEqualTo(DeliveryDecision.Kind.RETRY);
        assertThat(outcome.attempts()).extracting(AttemptRecord::senderDemand).containsOnly(Optional.empty());
    }
}
