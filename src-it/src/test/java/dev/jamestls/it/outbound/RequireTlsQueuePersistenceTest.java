package dev.jamestls.it.outbound;

import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.outbound;
import static dev.jamestls.policy.OutboundLevel.VERIFY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.outbound.DeliveryEndpoints;

/**
 * The sender's TLS demand received with the mail ({@code dev.jamestls.tlsRequired}) is a plain String
 * attribute: a mail waiting in James's persistent outgoing queue (ActiveMQ, KahaDB in the working
 * directory) still carries it after a restart, for the delivery that finally sends it.
 */
class RequireTlsQueuePersistenceTest {
    static final String QUEUE = "outgoing-requiretls";
    static final String MX = "mx.requiretls.dest.example";
    static final String ATTRIBUTE = "dev.jamestls.tlsRequired";

    static final String POLICY = PolicyXml.opportunistic()
        .connector(connector("requiretls-verify").outbound(outbound(VERIFY).recipientDomain("requiretls.example")))
        .xml();

    final LoopbackEndpoints endpoints = new LoopbackEndpoints();
    InProcessJames james;

    @BeforeEach
    void startJames(@TempDir Path workingDirectory) throws Exception {
        james = InProcessJames.builder()
            .workingDirectory(workingDirectory)
            .listener(Listener.startTls("mx"))
            .authorizedAddresses("127.0.0.1")
            .handler("<handler class=\"dev.jamestls.james.smtp.RequireTlsHook\"/>")
            .confFile("tls-policy.xml", POLICY)
            .binding(new PersistentMailQueueModule())
            .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(endpoints))
            .rootProcessor(TlsRemoteDeliveryXml.toLoopback(QUEUE).xml())
            .build();
        james.dns().loopbackHost(MX).mx("requiretls.example", MX);
        // The destination is down: nothing listens on this loopback port any more.
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            endpoints.map(MX, closed.getLocalPort());
        }
    }

    @AfterEach
    void stopJames() {
        james.stop();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void theSendersTlsDemandStaysOnAQueuedMailAcrossARestart() throws Exception {
        james.start();
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), james.pki(), Optional.empty())) {
            send(client, "<sender@james.local> REQUIRETLS", "required@requiretls.example", "");
            send(client, "<sender@james.local>", "optional@requiretls.example", "TLS-Required: No\n");
        }

        Map<String, QueuedMail> waiting = awaitBothWaitingForTheirRetry();
        assertThat(waiting.get("required@requiretls.example").attributes()).containsEntry(ATTRIBUTE, "requiretls");
        assertThat(waiting.get("optional@requiretls.example").attributes()).containsEntry(ATTRIBUTE, "tls-required-no");

        james.stop();
        james.start();

        Map<String, QueuedMail> restored = byRecipient(james.queues().browse(QUEUE));
        assertThat(restored).as("queue %s after the restart", QUEUE).hasSize(2);
        assertThat(restored.get("required@requiretls.example").name())
            .isEqualTo(waiting.get("required@requiretls.example").name());
        assertThat(restored.get("required@requiretls.example").attributes()).containsEntry(ATTRIBUTE, "requiretls");
        assertThat(restored.get("optional@requiretls.example").attributes()).containsEntry(ATTRIBUTE, "tls-required-no");
    }

    private Map<String, QueuedMail> awaitBothWaitingForTheirRetry() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
            byRecipient(james.queues().browse(QUEUE).stream()
                .filter(mail -> mail.attributes().containsKey("dev.jamestls.outbound.retries"))
                .toList()),
            mails -> mails.size() == 2);
    }

    private static Map<String, QueuedMail> byRecipient(List<QueuedMail> mails) {
        return mails.stream().collect(Collectors.toMap(mail -> String.join(",", mail.recipients()), mail -> mail));
    }

    private static void send(SmtpTestClient client, String reversePath, String recipient, String extraHeaders) throws Exception {
        assertThat(client.pipeline("MAIL FROM:" + reversePath + "\n", 1).get(0)).startsWith("250");
        assertThat(client.rcptTo(recipient)).as(client.lastReply()).isEqualTo(250);
        assertThat(client.data(extraHeaders + SmtpTestClient.message("sender@james.local", recipient, "queued for " + recipient)))
            .as(client.lastReply()).isEqualTo(250);
    }
}
