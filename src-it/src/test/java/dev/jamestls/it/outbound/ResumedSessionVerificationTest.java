package dev.jamestls.it.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import javax.mail.Address;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.james.outbound.ClientTlsContexts;
import dev.jamestls.james.outbound.SmtpAttempt;
import dev.jamestls.outbound.AttemptClassifier;
import dev.jamestls.outbound.AttemptVerdict;
import dev.jamestls.outbound.DeliveryTarget;
import dev.jamestls.outbound.TargetSource;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.outbound.TransactionResult;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.policy.CipherPolicy;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.revocation.JdkHttpFetcher;
import dev.jamestls.revocation.RevocationCache;
import dev.jamestls.revocation.RevocationChecker;
import dev.jamestls.revocation.RevocationSettings;
import dev.jamestls.testkit.MovableClock;
import dev.jamestls.tls.TlsProtocol;
import dev.jamestls.verify.CertificateVerifier;
import dev.jamestls.verify.TlsRptResultType;

/**
 * TLS session resumption in the outbound client (no James needed): a resumed handshake skips the trust
 * manager, so the attempt verifies the resumed session's chain again; a session that no longer satisfies
 * an enforced requirement is refused before MAIL and dropped from the cache; sessions never cross rules.
 */
class ResumedSessionVerificationTest {
    static final String HOST = "mx.resumed.dest.example";
    final TestPki pki = new TestPki();
    final MovableClock clock = new MovableClock(pki.now);
    final CertificateVerifier verifier = new CertificateVerifier(clock,
        new RevocationChecker(JdkHttpFetcher.DEFAULT, RevocationCache.defaults(), RevocationSettings.DEFAULT),
        RevocationSettings.DEFAULT);
    final ClientTlsContexts contexts = new ClientTlsContexts(verifier);
    final SmtpAttempt.ClientSettings client = new SmtpAttempt.ClientSettings("james.local", 5000, 10000);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void resumedSessionWhoseCertificateExpiredSinceIsRefusedBeforeMailAndForgotten(String protocol) throws Exception {
        try (TestSmtpServer server = server(protocol)) {
            TlsPlan plan = verifyPlan();
            SmtpAttempt.Result first = SmtpAttempt.run("rule-a", plan, endpoint(server), client, verifier, contexts, envelope("first"));
            first.connection().orElseThrow().close();
            assertThat(first.resumed()).isFalse();
            assertThat(first.observation().transaction()).isEqualTo(TransactionResult.SENT);
            assertThat(first.observation().protocol()).contains(protocol);

            clock.moveTo(pki.now.plus(Duration.ofDays(20)));
            SmtpAttempt.Result second = SmtpAttempt.run("rule-a", plan, endpoint(server), client, verifier, contexts, envelope("second"));

            assertThat(second.resumed()).isTrue();
            assertThat(second.connection()).isEmpty();
            assertThat(second.observation().stage()).isEqualTo(TlsStage.HANDSHAKE_FAILED);
            assertThat(second.observation().transaction()).isEqualTo(TransactionResult.NOT_STARTED);
            var classified = AttemptClassifier.classify(plan, second.observation());
            assertThat(classified.verdict()).isEqualTo(AttemptVerdict.TLS_NOT_SECURED);
            assertThat(classified.resultType()).contains(TlsRptResultType.CERTIFICATE_EXPIRED);
            assertThat(server.received()).hasSize(1);

            clock.moveTo(pki.now);
            SmtpAttempt.Result third = SmtpAttempt.run("rule-a", plan, endpoint(server), client, verifier, contexts, envelope("third"));
            third.connection().orElseThrow().close();

            assertThat(third.resumed()).as("the refused session was invalidated: full handshake").isFalse();
            assertThat(server.fullHandshakes()).isEqualTo(2);
            assertThat(server.received()).hasSize(2);
        }
    }

    @Test
    void resumedSessionIsVerifiedAgainAndDelivers() throws Exception {
        try (TestSmtpServer server = server("TLSv1.3")) {
            TlsPlan plan = verifyPlan();
            SmtpAttempt.run("rule-a", plan, endpoint(server), client, verifier, contexts, envelope("first")).connection()
                .orElseThrow().close();

            SmtpAttempt.Result second = SmtpAttempt.run("rule-a", plan, endpoint(server), client, verifier, contexts, envelope("second"));
            second.connection().orElseThrow().close();

            assertThat(second.resumed()).isTrue();
            assertThat(second.observation().certificate()).hasValueSatisfying(outcome -> assertThat(outcome.accepted()).isTrue());
            assertThat(second.observation().certificate().get().presented()).isNotEmpty();
            assertThat(server.fullHandshakes()).isEqualTo(1);
            assertThat(server.received()).hasSize(2);
        }
    }

    @Test
    void sessionsAreNotResumedUnderAnotherRule() throws Exception {
        try (TestSmtpServer server = server("TLSv1.3")) {
            TlsPlan plan = verifyPlan();
            SmtpAttempt.run("rule-a", plan, endpoint(server), client, verifier, contexts, envelope("a")).connection()
                .orElseThrow().close();

            SmtpAttempt.Result other = SmtpAttempt.run("rule-b", plan, endpoint(server), client, verifier, contexts, envelope("b"));
            other.connection().orElseThrow().close();

            assertThat(other.resumed()).isFalse();
            assertThat(server.fullHandshakes()).isEqualTo(2);
        }
    }

    private TestSmtpServer server(String protocol) throws Exception {
        return TestSmtpServer.builder(HOST).certificate(pki.intermediate.leaf("CN=" + HOST).dnsNames(HOST)
                .extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH)
                .validity(pki.now.minus(Duration.ofDays(1)), pki.now.plus(Duration.ofDays(10))).issue())
            .protocols(protocol).start();
    }

    private TlsPlan verifyPlan() {
        OutboundRequirement verify = new OutboundRequirement(OutboundLevel.VERIFY, List.of(), List.of(), TlsProtocol.TLS_1_2,
            CipherPolicy.DEFAULT, List.of(), Failure.TEMPORARY);
        return TlsPlan.forTarget(verify, Mode.ENFORCE, DomainName.parse("resumed.example"),
            new DeliveryTarget(DomainName.parse(HOST), 25, TargetSource.MX, 0), List.of(pki.root.certificate().certificate()));
    }

    private static InetSocketAddress endpoint(TestSmtpServer server) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
    }

    private static SmtpAttempt.Envelope envelope(String subject) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom("sender@james.local");
        message.setSubject(subject);
        message.setText("body of " + subject);
        message.saveChanges();
        return new SmtpAttempt.Envelope("sender@james.local", new Address[] {new InternetAddress("rcpt@resumed.example")}, message);
    }
}
