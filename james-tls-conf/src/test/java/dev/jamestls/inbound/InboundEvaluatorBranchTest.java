package dev.jamestls.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.policy.TlsPolicy;
import dev.jamestls.policy.file.PolicyFileParser;
import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.tls.TlsChannel;
import dev.jamestls.tls.TlsFacts;
import dev.jamestls.verify.VerificationKind;

/**
 * The branches of {@link InboundEvaluator} other than the refusal replies ({@link InboundEvaluatorTest}): compliant
 * sessions, the default rule, testing mode, the check order, and which connector grants relay.
 */
class InboundEvaluatorBranchTest {
    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    static final X509Certificate CERTIFICATE = CertificateAuthority.root("CN=partner.example", NOW).certificate().certificate();
    static final List<X509Certificate> CHAIN = List.of(CERTIFICATE);
    static final String SESSION = "4f2a9c1d";

    @TempDir
    Path dir;

    /** Connectors asked about, in order. */
    final List<String> judged = new ArrayList<>();

    InboundEvaluator evaluator(VerificationKind outcome) {
        return new InboundEvaluator((connector, requirement, chain) -> {
            judged.add(connector);
            return CertificateJudge.Judgement.of(outcome, outcome.description() + " (judged for " + connector + ")");
        });
    }

    TlsPolicy policy(String body) throws Exception {
        Path file = dir.resolve("tls-policy.xml");
        Files.writeString(file, "<tlsPolicy>\n" + body + "\n</tlsPolicy>\n");
        PolicyFileParser.Result result = new PolicyFileParser(Clock.fixed(NOW, ZoneOffset.UTC)).parse(file);
        assertThat(result.errors()).isEmpty();
        return result.policy().orElseThrow();
    }

    static String partner(String mode, String inboundAttributes, String certificateNames) {
        String certificate = certificateNames.isEmpty() ? "" : "<clientCertificate>" + certificateNames + "</clientCertificate>";
        return "<connector name=\"partner\" mode=\"" + mode + "\"><inbound requireTls=\"true\"" + inboundAttributes + ">"
            + "<senderDomain>partner.example</senderDomain>" + certificate + "</inbound></connector>";
    }

    static InboundSession tls(String protocol, List<X509Certificate> chain) throws Exception {
        return new InboundSession(TlsFacts.encrypted(TlsChannel.STARTTLS, protocol, "TLS_AES_128_GCM_SHA256", CertificateFacts.ofChain(chain)),
            chain, InetAddress.getByName("192.0.2.7"), SESSION);
    }

    static InboundSession clearText() throws Exception {
        return new InboundSession(TlsFacts.CLEAR_TEXT, List.of(), InetAddress.getByName("192.0.2.7"), SESSION);
    }

    @Test
    void aTlsSessionUnderARuleWithoutCertificateRequirementCompliesAndNoCertificateIsJudged() throws Exception {
        TlsPolicy policy = policy(partner("enforce", "", ""));

        InboundVerdict verdict = evaluator(VerificationKind.NAME_MISMATCH).evaluate(policy.resolveInbound("partner.example"),
            tls("TLSv1.3", CHAIN));

        assertThat(verdict.compliant()).isTrue();
        assertThat(verdict.rejects()).isFalse();
        assertThat(verdict.verdictName()).isEqualTo(InboundVerdict.COMPLIANT);
        assertThat(verdict.certificateCheck()).isEqualTo(CertificateCheck.NOT_REQUIRED);
        assertThat(verdict.verifiedPartner()).isEmpty();
        assertThat(judged).isEmpty();
    }

    @Test
    void anAcceptedCertificateMakesTheConnectorTheVerifiedPartner() throws Exception {
        TlsPolicy policy = policy(partner("enforce", "", "<name>partner.example</name>"));

        InboundVerdict verdict = evaluator(VerificationKind.ACCEPTED).evaluate(policy.resolveInbound("partner.example"), tls("TLSv1.2", CHAIN));

        assertThat(verdict.compliant()).isTrue();
        assertThat(verdict.certificateCheck()).isEqualTo(CertificateCheck.VERIFIED);
        assertThat(verdict.verifiedPartner()).contains("partner");
        assertThat(judged).containsExactly("partner");
    }

    @Test
    void withoutRequireTlsClearTextCompliesAndTheProtocolMinimumIsTheListenersJob() throws Exception {
        TlsPolicy policy = policy("<defaults><inbound requireTls=\"false\" minimumProtocol=\"TLSv1.3\"/></defaults>");

        assertThat(evaluator(VerificationKind.ACCEPTED).evaluate(policy.resolveInbound("elsewhere.example"), clearText()).compliant()).isTrue();
        assertThat(evaluator(VerificationKind.ACCEPTED).evaluate(policy.resolveInbound("elsewhere.example"), tls("TLSv1.2", List.of()))
            .compliant()).isTrue();
    }

    @Test
    void theDefaultRuleRequiringTlsRefusesClearTextInItsOwnName() throws Exception {
        TlsPolicy policy = policy("<defaults><inbound requireTls=\"true\"/></defaults>");

        InboundVerdict verdict = evaluator(VerificationKind.ACCEPTED).evaluate(policy.resolveInbound("elsewhere.example"), clearText());

        Violation violation = verdict.violation().orElseThrow();
        assertThat(violation.kind()).isEqualTo(ViolationKind.TLS_REQUIRED);
        assertThat(violation.reply().code()).isEqualTo(451);
        assertThat(violation.reply().enhancedStatus()).isEqualTo("4.7.0");
        assertThat(violation.reply().text()).contains("(the default rule requires TLS for ");
        assertThat(verdict.rejects()).isTrue();
    }

    @Test
    void aTestingRuleRecordsTheSameViolationButDoesNotReject() throws Exception {
        TlsPolicy policy = policy(partner("testing", "", ""));

        InboundVerdict verdict = evaluator(VerificationKind.ACCEPTED).evaluate(policy.resolveInbound("partner.example"), clearText());

        assertThat(verdict.violation().orElseThrow().kind()).isEqualTo(ViolationKind.TLS_REQUIRED);
        assertThat(verdict.verdictName()).isEqualTo(InboundVerdict.VIOLATION);
        assertThat(verdict.rejects()).isFalse();
    }

    @Test
    void theFirstFailingCheckDecidesAndTheCertificateIsThenNotJudged() throws Exception {
        TlsPolicy policy = policy(partner("enforce", " minimumProtocol=\"TLSv1.3\"", "<name>partner.example</name>"));

        InboundVerdict verdict = evaluator(VerificationKind.NAME_MISMATCH).evaluate(policy.resolveInbound("partner.example"),
            tls("TLSv1.2", CHAIN));

        assertThat(verdict.violation().orElseThrow().kind()).isEqualTo(ViolationKind.PROTOCOL_TOO_OLD);
        assertThat(verdict.certificateCheck()).isEqualTo(CertificateCheck.NOT_CHECKED);
        assertThat(judged).isEmpty();
    }

    @Test
    void aReplyListsAtMostThreeOfTheRulesNamesAndCountsTheRest() throws Exception {
        String three = "<name>a.partner.example</name><name>b.partner.example</name><name>c.partner.example</name>";
        TlsPolicy threeNames = policy(partner("enforce", "", three));

        assertThat(evaluator(VerificationKind.NAME_MISMATCH).evaluate(threeNames.resolveInbound("partner.example"), tls("TLSv1.2", CHAIN))
            .violation().orElseThrow().reply().text()).contains("; expected a.partner.example, b.partner.example, c.partner.example (session");
        TlsPolicy fiveNames = policy(partner("enforce", "", three + "<name>d.partner.example</name><name>e.partner.example</name>"));
        assertThat(evaluator(VerificationKind.NAME_MISMATCH).evaluate(fiveNames.resolveInbound("partner.example"), tls("TLSv1.2", CHAIN))
            .violation().orElseThrow().reply().text())
            .contains("; expected a.partner.example, b.partner.example, c.partner.example and 2 more (session");
    }

    static final String RELAY_CONNECTORS = """
        <connector name="staged" mode="testing"><inbound requireTls="true" allowRelay="true">
          <senderDomain>staged.example</senderDomain><clientCertificate><name>onprem.example</name></clientCertificate></inbound></connector>
        <connector name="outbound-only" mode="enforce"><outbound level="encrypt"><recipientDomain>out.example</recipientDomain></outbound></connector>
        <connector name="no-relay" mode="enforce"><inbound requireTls="true">
          <senderDomain>norelay.example</senderDomain><clientCertificate><name>onprem.example</name></clientCertificate></inbound></connector>
        <connector name="other-ips" mode="enforce"><inbound requireTls="true" allowRelay="true">
          <senderDomain>ips.example</senderDomain><partnerIp>203.0.113.0/24</partnerIp>
          <clientCertificate><name>onprem.example</name></clientCertificate></inbound></connector>
        <connector name="tls13-only" mode="enforce"><inbound requireTls="true" allowRelay="true" minimumProtocol="TLSv1.3">
          <senderDomain>tls13.example</senderDomain><clientCertificate><name>onprem.example</name></clientCertificate></inbound></connector>
        <connector name="wrong-certificate" mode="enforce"><inbound requireTls="true" allowRelay="true">
          <senderDomain>wrong.example</senderDomain><clientCertificate><name>wrong.example</name></clientCertificate></inbound></connector>
        <connector name="onprem" mode="enforce"><inbound requireTls="true" allowRelay="true">
          <senderDomain>onprem.example</senderDomain><clientCertificate><name>onprem.example</name></clientCertificate></inbound></connector>
        <connector name="onprem-later" mode="enforce"><inbound requireTls="true" allowRelay="true">
          <senderDomain>later.example</senderDomain><clientCertificate><name>onprem.example</name></clientCertificate></inbound></connector>
        """;

    @Test
    void relayIsGrantedByTheFirstEnforcedRelayConnectorWhoseCertificateRequirementIsMet() throws Exception {
        TlsPolicy policy = policy(RELAY_CONNECTORS);
        InboundEvaluator evaluator = new InboundEvaluator((connector, requirement, chain) -> {
            judged.add(connector);
            return CertificateJudge.Judgement.of(connector.equals("wrong-certificate") ? VerificationKind.NAME_MISMATCH : VerificationKind.ACCEPTED,
                "judged for " + connector);
        });

        assertThat(evaluator.relayPartner(policy.connectors(), tls("TLSv1.2", CHAIN))).contains("onprem");
        // Testing mode, no inbound, no allowRelay, another IP range, a higher minimum: skipped without judging.
        assertThat(judged).containsExactly("wrong-certificate", "onprem");
    }

    @Test
    void noRelayWithoutACertificateOrOverClearText() throws Exception {
        TlsPolicy policy = policy(RELAY_CONNECTORS);
        InboundEvaluator evaluator = evaluator(VerificationKind.ACCEPTED);

        assertThat(evaluator.relayPartner(policy.connectors(), tls("TLSv1.3", List.of()))).isEmpty();
        assertThat(evaluator.relayPartner(policy.connectors(),
            new InboundSession(TlsFacts.CLEAR_TEXT, CHAIN, InetAddress.getByName("192.0.2.7"), SESSION))).isEmpty();
        assertThat(judged).isEmpty();
    }

    @Test
    void noRelayWhenNoConnectorAcceptsTheCertificate() throws Exception {
        TlsPolicy policy = policy(RELAY_CONNECTORS);

        assertThat(evaluator(VerificationKind.NOT_TRUSTED).relayPartner(policy.connectors(), tls("TLSv1.2", CHAIN))).isEmpty();
        assertThat(judged).containsExactly("wrong-certificate", "onprem", "onprem-later");
    }
}
