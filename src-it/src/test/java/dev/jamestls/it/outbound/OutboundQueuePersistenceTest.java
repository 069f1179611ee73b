package dev.jamestls.it.outbound;

import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.outbound;
import static dev.jamestls.policy.OutboundLevel.VERIFY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PersistentMailQueueModule;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.QueueProbe.QueuedMail;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.pki.ExtendedKeyUsage;

/**
 * While a mail waits for its retry it is in James's own outgoing mail queue, not in
 * TlsRemoteDelivery's memory, so a James with a persistent queue (here James's ActiveMQ queue, KahaDB
 * in the working directory) still has it after a restart, and the James started next delivers it.
 */
class OutboundQueuePersistenceTest {
    static final String QUEUE = "outgoing-tls";
    static final String MX = "mx.persist.dest.example";
    static final String RECIPIENT = "rcpt@persist.example";
    static final String SUBJECT = "survives-restart";
    /** Long enough for a James restart to fit before the retry is due, short enough for the suite. */
    static final Duration RETRY_DELAY = Duration.ofSeconds(15);

    static final String POLICY = PolicyXml.opportunistic()
        .connector(connector("persist-verify").outbound(outbound(VERIFY).recipientDomain("persist.example")))
        .xml();

    final LoopbackEndpoints endpoints = new LoopbackEndpoints();
    final TestPki pki = new TestPki();
    TestSmtpServer expired;
    TestSmtpServer valid;
    InProcessJames james;

    @BeforeEach
    void startDestinations(@TempDir Path workingDirectory) throws Exception {
        expired = TestSmtpServer.builder(MX).certificate(serverCertificate(pki)
            .validity(pki.now.minus(Duration.ofDays(30)), pki.now.minus(Duration.ofDays(1))).issue()).start();
        valid = TestSmtpServer.builder(MX).certificate(serverCertificate(pki).issue()).start();
        james = InProcessJames.builder()
            .pki(pki)
            .workingDirectory(workingDirectory)
            .listener(Listener.plain("submission"))
            .authorizedAddresses("127.0.0.1")
            .confFile("tls-policy.xml", POLICY)
            .binding(new PersistentMailQueueModule())
            .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(endpoints))
            .rootProcessor(TlsRemoteDeliveryXml.toLoopback(QUEUE).delayTime(RETRY_DELAY.toSeconds() + " seconds").xml())
            .build();
        james.dns().loopbackHost(MX).mx("persist.example", MX);
    }

    @AfterEach
    void stopEverything() throws Exception {
        james.stop();
        expired.close();
        valid.close();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void mailWaitingForItsRetryIsInJamesPersistentQueueAndIsDeliveredByTheNextJames() throws Exception {
        endpoints.map(MX, expired.port());
        james.start();
        send(RECIPIENT, SUBJECT);

        QueuedMail waiting = awaitQueued();
        assertThat(waiting.attributes()).containsEntry("dev.jamestls.outbound.retries", "1")
            .containsEntry("dev.jamestls.outbound.rule", "persist-verify")
            .containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured")
            .containsEntry("dev.jamestls.outbound.resultType", "certificate-expired");
        assertThat(expired.accepts()).isEqualTo(1);
        Path kahaDb = james.confDirectory().resolveSibling("var/store/activemq/brokers/KahaDB");
        assertThat(kahaDb).isDirectory();
        try (var files = Files.list(kahaDb)) {
            assertThat(files.map(file -> file.getFileName().toString())).contains("db.data");
        }

        james.stop();
        james.start();

        // A new James (new injector, new mailet, nothing kept in memory) finds the mail in the queue.
        List<QueuedMail> afterRestart = james.queues().browse(QUEUE);
        assertThat(afterRestart).as("queue %s after the restart", QUEUE).hasSize(1);
        QueuedMail restored = afterRestart.get(0);
        assertThat(restored.name()).isEqualTo(waiting.name());
        assertThat(restored.recipients()).containsExactly(RECIPIENT);
        assertThat(restored.attributes()).containsEntry("dev.jamestls.outbound.retries", "1")
            .containsEntry("dev.jamestls.outbound.resultType", "certificate-expired");
        assertThat(restored.nextDelivery()).isEqualTo(waiting.nextDelivery());
        assertThat(expired.accepts()).as("no retry before its delay").isEqualTo(1);

        // The destination is repaired; the retry, due at the time the first James set, delivers.
        endpoints.map(MX, valid.port());
        TestSmtpServer.Received received = await().atMost(RETRY_DELAY.plusSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(this::receivedBySubject, Optional::isPresent).orElseThrow();
        Instant deliveredAt = Instant.now();
        assertThat(received.overTls()).isTrue();
        assertThat(received.rcptTo()).containsExactly("<" + RECIPIENT + ">");
        waiting.nextDelivery().map(ZonedDateTime::toInstant)
            .ifPresent(due -> assertThat(deliveredAt).isAfterOrEqualTo(due));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
            .until(() -> james.queues().browse(QUEUE).isEmpty());
        assertThat(valid.received()).hasSize(1);
        assertThat(expired.accepts()).isEqualTo(1);
    }

    private QueuedMail awaitQueued() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
            james.queues().browse(QUEUE).stream()
                .filter(mail -> mail.recipients().contains(RECIPIENT))
                .filter(mail -> mail.attributes().containsKey("dev.jamestls.outbound.retries"))
                .findFirst(),
            Optional::isPresent).orElseThrow();
    }

    private Optional<TestSmtpServer.Received> receivedBySubject() {
        return valid.received().stream().filter(r -> r.data().contains("Subject: " + SUBJECT + "\n")).findFirst();
    }

    private void send(String recipient, String subject) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("submission"))) {
            assertThat(client.send("sender@james.local", recipient, subject)).as(client.lastReply()).isEqualTo(250);
        }
    }

    private dev.jamestls.pki.CertificateAuthority.Builder serverCertificate(TestPki testPki) {
        return testPki.intermediate.leaf("CN=" + MX + ",O=destination").dnsNames(MX)
            .extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH);
    }
}
