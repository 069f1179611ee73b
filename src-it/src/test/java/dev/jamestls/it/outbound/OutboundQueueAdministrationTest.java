package dev.jamestls.it.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PersistentMailQueueModule;
import dev.jamestls.it.harness.QueueProbe.QueuedMail;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.TestPolicies;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.it.harness.WebAdminQueues;
import dev.jamestls.james.outbound.DeliveryEndpoints;

/**
 * An administrator looks at and manages the outgoing queue through James 3.8.1's WebAdmin while one
 * mail is being delivered to a slow destination and another waits for its retry: list the queues,
 * browse the queue's mails, count them, delete (another recipient's mail), flush. Then the destination
 * takes the waiting mail again, the queue is flushed once more, and a new mail is sent. Each row runs the
 * same scenario against a real James with WebAdmin, with our {@code TlsRemoteDelivery} or James's own
 * {@code RemoteDelivery} (the control), over James's memory queue (the sandbox's) or its persistent
 * ActiveMQ queue, and states what happens to each of the three mails.
 *
 * <p>On the memory queue, browsing ({@code GET /mailQueues/{name}/mails}) closes the queue once more than
 * it opened it (James 3.8.1 {@code MailQueueRoutes.listMails}: a try-with-resources and a finally each call
 * {@code close()}); the memory queue's reference count reaches zero, and {@code MemoryCacheableMailQueue.close()}
 * disposes the queue's dequeue scheduler (its blocked {@code take()} is interrupted) and clears its waiting
 * mails. That part is James's: the waiting mail is gone for both mailets, and no consumer can dequeue from that
 * queue object again until James restarts. ActiveMQ's {@code close()} does nothing, so there every mail arrives.
 */
class OutboundQueueAdministrationTest {
    static final String OURS = "outgoing-tls";
    static final String STOCK = "outgoing";
    static final String MX = "mx.slow.dest.example";
    static final Duration SLOW = Duration.ofSeconds(6);
    static final Duration ARRIVAL = Duration.ofSeconds(20);

    final LoopbackEndpoints endpoints = new LoopbackEndpoints();
    TestSmtpServer destination;
    InProcessJames james;

    @AfterEach
    void stopEverything() throws Exception {
        if (james != null) {
            james.stop();
        }
        if (destination != null) {
            destination.close();
        }
    }

    @ParameterizedTest(name = "{0} queue, {1}: in flight {2}, waiting {3}, later {4}, consumers down {5}")
    @CsvSource(delimiter = '|', textBlock = """
        # queue  | mailet | in-flight mail | waiting mail | later mail | consumers down | why
        memory   | ours   | delivered      | lost         | stuck      | 1              | James clears the waiting mail and disposes the queue's scheduler; our consumer completes the mail it holds, reports itself down and keeps trying
        memory   | stock  | delivered      | lost         | stuck      | -              | control: the same loss; James's RemoteDelivery stops for good
        activemq | ours   | delivered      | delivered    | delivered  | 0              | ActiveMQ's close() is a no-op: nothing is lost
        activemq | stock  | delivered      | delivered    | delivered  | -              | control
        """)
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void administratorUsesWebAdminDuringDeliveryAndWhileAMailWaits(String queueKind, String mailet, String inFlight,
                                                                     String waiting, String later, String consumersDown,
                                                                     String why, @TempDir Path workingDirectory) throws Exception {
        destination = TestSmtpServer.builder(MX).withoutStartTls().dataDelay(SLOW).deferring("waiting.example").start();
        boolean ours = mailet.equals("ours");
        String queue = ours ? OURS : STOCK;
        InProcessJames.Builder builder = InProcessJames.builder()
            .workingDirectory(workingDirectory)
            .webAdmin()
            .listener(Listener.plain("submission"))
            .authorizedAddresses("127.0.0.1")
            .confFile("tls-policy.xml", TestPolicies.OUTBOUND_MAY)
            .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(endpoints))
            .rootProcessor(ours ? TlsRemoteDeliveryXml.mailet().outgoingQueue(OURS).delayTime("1 hour").maxRetries(3)
                .heloName("james.local").connectionTimeout(5000).timeout(20000).connectionPoolSize(0).xml() : """
                      <mailet match="All" class="RemoteDelivery">
                        <outgoingQueue>%s</outgoingQueue>
                        <delayTime>1 hour</delayTime>
                        <maxRetries>3</maxRetries>
                        <gateway>127.0.0.1</gateway>
                        <gatewayPort>%d</gatewayPort>
                        <startTLS>false</startTLS>
                        <heloName>james.local</heloName>
                        <connectiontimeout>5000</connectiontimeout>
                        <timeout>20000</timeout>
                      </mailet>
                """.formatted(STOCK, destination.port()));
        if (queueKind.equals("activemq")) {
            builder.binding(new PersistentMailQueueModule());
        }
        james = builder.build();
        james.dns().loopbackHost(MX).mx("slow.example", MX).mx("waiting.example", MX);
        endpoints.map(MX, destination.port());
        james.start();
        WebAdminQueues webAdmin = new WebAdminQueues(james.webAdminPort());

        // A mail waits for its retry in an hour (the destination answered 451 to its recipient).
        send("rcpt@waiting.example", "waiting-mail");
        await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(100)).until(() -> waitsForRetry(queue, "rcpt@waiting.example"));

        // Another mail is being delivered (the destination takes its time to accept it).
        send("rcpt@slow.example", "in-flight-mail");
        await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(20)).until(() -> destination.messagesInProgress() > 0);

        // The administrator, during that delivery: list, browse, count, delete another recipient's mail, flush.
        assertThat(webAdmin.list()).extracting(node -> node.asText()).contains(queue);
        webAdmin.browse(queue);
        webAdmin.count(queue);
        assertThat(webAdmin.deleteByRecipient(queue, "nobody@elsewhere.example")).isZero();
        webAdmin.flush(queue);
        assertThat(destination.messagesInProgress()).as("all of it during the in-flight delivery").isPositive();

        String inFlightOutcome = arrives("in-flight-mail") ? "delivered" : "lost";
        // The destination takes the waiting mail now; the administrator flushes the queue again.
        destination.stopDeferring();
        webAdmin.flush(queue);
        String waitingOutcome = arrives("waiting-mail") ? "delivered" : "lost";
        send("rcpt@slow.example", "later-mail");
        String laterOutcome = arrives("later-mail") ? "delivered" : "stuck";

        assertThat(List.of(inFlightOutcome, waitingOutcome, laterOutcome)).as("in flight, waiting, later")
            .containsExactly(inFlight, waiting, later);
        assertThat(destination.received()).as("each delivered mail arrives once")
            .extracting(received -> subject(received.data())).doesNotHaveDuplicates();
        if (ours) {
            assertThat(james.metric("jamestls.outbound.queue.consumersDown")).isEqualTo(Long.parseLong(consumersDown));
        }
        if (laterOutcome.equals("stuck")) {
            assertThat(james.queues().browse(queue)).extracting(QueuedMail::recipients)
                .as("the later mail is still in the queue, undelivered").contains(List.of("rcpt@slow.example"));
        }
    }

    private boolean waitsForRetry(String queue, String recipient) throws Exception {
        ZonedDateTime later = ZonedDateTime.now().plusMinutes(10);
        return james.queues().browse(queue).stream()
            .filter(mail -> mail.recipients().contains(recipient))
            .anyMatch(mail -> mail.nextDelivery().map(due -> due.isAfter(later)).orElse(false));
    }

    private boolean arrives(String subject) {
        BooleanSupplier arrived = () -> destination.received().stream().anyMatch(r -> subject(r.data()).equals(subject));
        try {
            await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(100)).until(arrived::getAsBoolean);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private static String subject(String data) {
        return data.lines().filter(line -> line.startsWith("Subject: ")).map(line -> line.substring("Subject: ".length()))
            .findFirst().orElse("");
    }

    private void send(String recipient, String subject) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("submission"))) {
            assertThat(client.send("sender@james.local", recipient, subject)).as(client.lastReply()).isEqualTo(250);
        }
    }

}
