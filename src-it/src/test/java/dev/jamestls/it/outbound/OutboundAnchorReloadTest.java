package dev.jamestls.it.outbound;

import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.outbound;
import static dev.jamestls.policy.OutboundLevel.VERIFY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamestls.it.harness.AnchorFiles;
import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.QueueProbe.QueuedMail;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.PolicyRegistry;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.policy.file.ReloadingPolicy;

/**
 * TlsRemoteDelivery's {@code trustAnchors} file is edited while a real James 3.8.1 runs: the first delivery
 * attempt after the reload validates with the new anchors. Removing the destination's root defers the next
 * mail (no byte sent, although a connection verified under the old anchors may still be open in the pool
 * and a TLS session of the old context could be resumed); putting it back delivers again.
 */
class OutboundAnchorReloadTest {
    static final String QUEUE = "outgoing-anchors";
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();
    static final TestPki PKI = new TestPki();
    static final CertificateAuthority OTHER = CertificateAuthority.root("CN=Some Other Root,O=elsewhere", PKI.now);

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .pki(PKI)
        .listener(Listener.plain("submission"))
        .authorizedAddresses("127.0.0.1")
        .confFile("tls-policy.xml", PolicyXml.opportunistic()
            .connector(connector("verify").outbound(outbound(VERIFY).recipientDomain("*.verify.example")))
            .xml())
        .confFile("outbound-cas.pem", AnchorFiles.pem(List.of(PKI.root)))
        .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(ENDPOINTS))
        .rootProcessor(TlsRemoteDeliveryXml.toLoopback(QUEUE).trustAnchors("file://conf/outbound-cas.pem").xml())
        .build();

    static TestSmtpServer destination;

    @BeforeAll
    static void startDestination() throws Exception {
        destination = TestSmtpServer.builder("mx.anchored.dest.example")
            .certificate(PKI.intermediate.leaf("CN=mx.anchored.dest.example,O=destination").dnsNames("mx.anchored.dest.example")
                .extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue())
            .start();
        james.dns().loopbackHost("mx.anchored.dest.example");
        ENDPOINTS.map("mx.anchored.dest.example", destination.port());
        james.dns().mx("anchored.verify.example", "mx.anchored.dest.example");
    }

    @AfterAll
    static void stopDestination() throws Exception {
        destination.close();
    }

    @Test
    void theFirstAttemptAfterAReloadValidatesWithTheNewAnchors() throws Exception {
        send("before-edit");
        awaitDelivered("before-edit");

        editAndReload(List.of(OTHER));
        send("root-removed");
        QueuedMail queued = awaitQueued("root-removed");
        assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured")
            .containsEntry("dev.jamestls.outbound.resultType", "certificate-not-trusted");
        assertThat(received("root-removed")).as("delivered after its root was removed from the anchors").isEmpty();
        assertThat(destination.clearText()).doesNotContain("root-removed");

        editAndReload(List.of(OTHER, PKI.root));
        send("root-added");
        awaitDelivered("root-added");
    }

    private static void editAndReload(List<CertificateAuthority> anchors) throws Exception {
        Path policyFile = james.confDirectory().resolve("tls-policy.xml");
        ReloadingPolicy policy = PolicyRegistry.loaded(policyFile)
            .orElseThrow(() -> new AssertionError("James has not loaded " + policyFile));
        AnchorFiles.replace(james.confDirectory().resolve("outbound-cas.pem"), AnchorFiles.pem(anchors), false);
        // The periodic watcher may be first; either way the new anchors are in force after this call.
        policy.reloadIfChanged();
    }

    private static void send(String subject) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("submission"))) {
            assertThat(client.send("sender@james.local", "rcpt-" + subject + "@anchored.verify.example", subject))
                .as(client.lastReply()).isEqualTo(250);
        }
    }

    private static void awaitDelivered(String subject) {
        TestSmtpServer.Received delivered = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> received(subject), Optional::isPresent).orElseThrow();
        assertThat(delivered.overTls()).isTrue();
    }

    private static QueuedMail awaitQueued(String subject) throws Exception {
        String recipient = "rcpt-" + subject + "@anchored.verify.example";
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
            received(subject).isPresent() || queued(recipient).isPresent());
        assertThat(received(subject)).as(subject + " was delivered").isEmpty();
        return queued(recipient).orElseThrow();
    }

    private static Optional<QueuedMail> queued(String recipient) throws Exception {
        return OutboundProbe.queued(james, QUEUE, recipient);
    }

    private static Optional<TestSmtpServer.Received> received(String subject) {
        return destination.received().stream().filter(r -> r.data().contains("Subject: " + subject + "\n")).findFirst();
    }
}
