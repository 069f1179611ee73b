package dev.jamestls.james.outbound;

import static dev.jamestls.james.outbound.ScriptedDelivery.observed;
import static dev.jamestls.james.outbound.ScriptedDelivery.twoMxHosts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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
import dev.jamestls.outbound.DeliveryDecision;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.outbound.TransactionResult;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.TlsPolicy;
import dev.jamestls.policy.file.PolicyFileParser;
import dev.jamestls.tlsrpt.FailureDetail;
import dev.jamestls.tlsrpt.PolicyDetails;
import dev.jamestls.tlsrpt.PolicyReport;
import dev.jamestls.tlsrpt.PolicyType;
import dev.jamestls.tlsrpt.Summary;
import dev.jamestls.tlsrpt.TlsReportCounters;
import dev.jamestls.verify.TlsRptResultType;

/** Every attempt of a round is counted for the TLS reports (RFC 8460) under the policy that decided it. */
class DeliveryRoundCountingTest {
    private static final LocalDate TODAY = LocalDate.ofInstant(ScriptedDelivery.CLOCK.instant(), ZoneOffset.UTC);
    private static final TlsaRecord DANE_EE = new TlsaRecord(TlsaRecord.DANE_EE, TlsaRecord.SELECTOR_SPKI, TlsaRecord.MATCH_SHA256,
        filled(32, (byte) 0x5a));

    @TempDir
    Path dir;

    private final TlsReportCounters counters = new TlsReportCounters();

    private DeliveryDecision.Kind deliver(TlsPolicy policy, Optional<SecureDns> secureDns, Optional<StsPolicySource> sts,
                                          TlsStage peerStage, String recipient) throws Exception {
        FakeMail mail = ScriptedDelivery.mail(MaybeSender.of(new MailAddress("sender@james.local")),
            ScriptedDelivery.CLOCK.instant(), recipient);
        return ScriptedDelivery.round(policy, twoMxHosts(), secureDns, sts,
            ScriptedDelivery.peer(plan -> observed(peerStage, true,
                peerStage == TlsStage.ESTABLISHED ? TransactionResult.SENT : TransactionResult.NOT_STARTED)), ScriptedDelivery.noMetrics(),
            ScriptedDelivery.CLOCK, Optional.of(counters)).deliver(mail).decision().kind();
    }

    private PolicyReport onlyPolicyOf(String domain) {
        List<PolicyReport> policies = counters.reportFor(domain, TODAY, "james.local", "mailto:tlsrpt@james.local", "r1")
            .orElseThrow().policies();
        assertThat(policies).hasSize(1);
        return policies.get(0);
    }

    @Test
    void anAttemptDeliveredUnderDaneCountsAsATlsaSuccessWithTheHostsRecords() throws Exception {
        DeliveryDecision.Kind kind = deliver(ScriptedDelivery.policy(dir, ScriptedDelivery.CLOCK), Optional.of(signedZone()),
            Optional.empty(), TlsStage.ESTABLISHED, "user@dane.example");

        assertThat(kind).isEqualTo(DeliveryDecision.Kind.DELIVERED);
        PolicyReport counted = onlyPolicyOf("dane.example");
        assertThat(counted.policy().type()).isEqualTo(PolicyType.TLSA);
        assertThat(counted.policy().strings()).containsExactly("_25._tcp.mx1.dane.example. IN TLSA " + DANE_EE);
        assertThat(counted.policy().mxHosts()).containsExactly("mx1.dane.example");
        assertThat(counted.summary()).isEqualTo(new Summary(1, 0));
        assertThat(counted.failureDetails()).isEmpty();
    }

    @Test
    void anMtaStsEnforceFailureCountsAsAnStsFailureWithItsResultType() throws Exception {
        StsPolicy policy = new StsPolicy(StsMode.ENFORCE, List.of("mx2.published.example"), Duration.ofDays(1), "20261203",
            ScriptedDelivery.CLOCK.instant());
        StsPolicySource sts = domain -> new StsDiscovery(domain, Optional.of(policy), Optional.empty());

        DeliveryDecision.Kind kind = deliver(mtaStsDefaults(), Optional.empty(), Optional.of(sts), TlsStage.NOT_OFFERED,
            "user@published.example");

        assertThat(kind).isEqualTo(DeliveryDecision.Kind.RETRY);
        PolicyReport counted = onlyPolicyOf("published.example");
        assertThat(counted.policy().type()).isEqualTo(PolicyType.STS);
        assertThat(counted.policy().strings()).isEqualTo(PolicyDetails.sts(policy).strings())
            .contains("mode: enforce", "mx: mx2.published.example");
        // mx1 does not match the policy (never connected to); mx2 did not offer STARTTLS.
        assertThat(counted.summary()).isEqualTo(new Summary(0, 2));
        assertThat(counted.failureDetails()).extracting(FailureDetail::resultType, FailureDetail::receivingMxHostname)
            .containsExactlyInAnyOrder(
                tuple(TlsRptResultType.VALIDATION_FAILURE.spelling(), Optional.of("mx1.published.example")),
                tuple(TlsRptResultType.STARTTLS_NOT_SUPPORTED.spelling(),
                    Optional.of("mx2.published.example")));
    }

    @Test
    void aDeliveryUnderTheDefaultsCountsWithoutAPolicy() throws Exception {
        DeliveryDecision.Kind kind = deliver(ScriptedDelivery.policy(dir, ScriptedDelivery.CLOCK), Optional.empty(), Optional.empty(),
            TlsStage.ESTABLISHED, "user@other.example");

        assertThat(kind).isEqualTo(DeliveryDecision.Kind.DELIVERED);
        PolicyReport counted = onlyPolicyOf("other.example");
        assertThat(counted.policy().type()).isEqualTo(PolicyType.NO_POLICY_FOUND);
        assertThat(counted.policy().strings()).isEmpty();
        assertThat(counted.summary()).isEqualTo(new Summary(1, 0));
    }

    private TlsPolicy mtaStsDefaults() throws Exception {
        Path file = dir.resolve("sts-policy.xml");
        Files.writeString(file, "<tlsPolicy><defaults><outbound level=\"may\" mtaSts=\"true\"/></defaults></tlsPolicy>");
        return new PolicyFileParser(ScriptedDelivery.CLOCK).parse(file).policyOrThrow();
    }

    /** A signed zone: one MX host, {@code mx1.} the domain, on 127.0.0.1 with one DANE-EE record. */
    private static SecureDns signedZone() {
        return new ScriptedDelivery.NoTxtSecureDns() {
            @Override
            public DnsAnswer<MxRecord> mx(DomainName domain) {
                return DnsAnswer.secure(List.of(new MxRecord(10, "mx1." + domain.ascii())), Duration.ofHours(1));
            }

            @Override
            public DnsAnswer<InetAddress> addresses(DomainName host) {
                try {
                    return DnsAnswer.secure(List.of(InetAddress.getByAddress(host.ascii(), new byte[] {127, 0, 0, 1})),
                        Duration.ofHours(1));
                } catch (java.net.UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public Optional<DomainName> secureAliasTarget(DomainName host) {
                return Optional.empty();
            }

            @Override
            public DnsAnswer<TlsaRecord> tlsa(DomainName host, int port) {
                return DnsAnswer.secure(List.of(DANE_EE), Duration.ofHours(1));
            }
        };
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
