package dev.jamestls.it.outbound;

import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.outbound;
import static dev.jamestls.policy.OutboundLevel.VERIFY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.pki.ExtendedKeyUsage;

/**
 * Connection reuse against a real James 3.8.1: TlsRemoteDelivery keeps verified connections open for
 * the next mail to the same destination (never across rules), checks them before reuse, closes them when
 * idle, retires them after a number of mails, and resumes TLS sessions when it opens a new connection. Each case has its own loopback server, so
 * its TCP accept and handshake counts are its own.
 */
class OutboundConnectionReuseTest {
    static final String LOCAL = "memory://var/mail/local/";
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();
    static final List<String> DESTINATIONS = List.of("bulk", "shared", "dropping", "idle", "resume", "limited");

    static final String POLICY = PolicyXml.opportunistic()
        .connector(connector("bulk-verify").outbound(outbound(VERIFY).recipientDomain("bulk.example")))
        .connector(connector("rule-a").outbound(outbound(VERIFY).recipientDomain("a.shared.example")))
        .connector(connector("rule-b").outbound(outbound(VERIFY).recipientDomain("b.shared.example")))
        .connector(connector("dropping-verify").outbound(outbound(VERIFY).recipientDomain("dropping.example")))
        .connector(connector("idle-verify").outbound(outbound(VERIFY).recipientDomain("idle.example")))
        .connector(connector("resume-verify").outbound(outbound(VERIFY).recipientDomain("resume.example")))
        .connector(connector("limited-verify").outbound(outbound(VERIFY).recipientDomain("limited.example")))
        .xml();

    static final TlsRemoteDeliveryXml MAILET = TlsRemoteDeliveryXml.toLoopback("outgoing-reuse").maxRetries(1);

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .listener(Listener.plain("submission"))
        .authorizedAddresses("127.0.0.1")
        .confFile("tls-policy.xml", POLICY)
        .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(ENDPOINTS))
        .rootProcessor("""
                  <mailet match="HostIsLocal" class="ToRepository"><repositoryPath>%s</repositoryPath></mailet>
                  <mailet match="HostIs=idle.example" class="ToProcessor"><processor>short-idle</processor></mailet>
                  <mailet match="HostIs=resume.example" class="ToProcessor"><processor>no-pool</processor></mailet>
                  <mailet match="HostIs=limited.example" class="ToProcessor"><processor>mail-limit</processor></mailet>
            %s""".formatted(LOCAL, MAILET.xml()))
        .extraProcessors(MAILET.outgoingQueue("outgoing-short-idle").connectionIdleTimeout("1 second").inProcessor("short-idle")
            + MAILET.outgoingQueue("outgoing-no-pool").connectionPoolSize(0).inProcessor("no-pool")
            + MAILET.outgoingQueue("outgoing-mail-limit").connectionReuseMaxMessages(2).inProcessor("mail-limit"))
        .build();

    static final java.util.Map<String, TestSmtpServer> SERVERS = new java.util.LinkedHashMap<>();

    @BeforeAll
    static void startDestinations() throws Exception {
        TestPki pki = james.pki();
        for (String name : DESTINATIONS) {
            String host = "mx." + name + ".dest.example";
            TestSmtpServer server = TestSmtpServer.builder(host).certificate(pki.intermediate.leaf("CN=" + host + ",O=destination")
                .dnsNames(host).extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue()).start();
            SERVERS.put(name, server);
            james.dns().loopbackHost(host);
            ENDPOINTS.map(host, server.port());
        }
        james.dns().mx("bulk.example", "mx.bulk.dest.example");
        james.dns().mx("a.shared.example", "mx.shared.dest.example");
        james.dns().mx("b.shared.example", "mx.shared.dest.example");
        james.dns().mx("dropping.example", "mx.dropping.dest.example");
        james.dns().mx("idle.example", "mx.idle.dest.example");
        james.dns().mx("resume.example", "mx.resume.dest.example");
        james.dns().mx("limited.example", "mx.limited.dest.example");
    }

    @AfterAll
    static void stopDestinations() throws Exception {
        for (TestSmtpServer server : SERVERS.values()) {
            server.close();
        }
    }

    @Test
    void fiftyMailsToOneDestinationReuseAHandfulOfConnections() throws Exception {
        TestSmtpServer server = SERVERS.get("bulk");
        long reusedBefore = james.metric("jamestls.outbound.connections.reused");

        for (int i = 0; i < 50; i++) {
            send("rcpt" + i + "@bulk.example", "bulk-" + i);
        }

        awaitReceived(server, 50);
        assertThat(server.received()).allMatch(TestSmtpServer.Received::overTls);
        assertThat(server.received()).extracting(r -> r.rcptTo().get(0)).doesNotHaveDuplicates().hasSize(50);
        // 4 delivery threads: at most 4 connections at once, each kept for the next mail.
        assertThat(server.accepts()).isBetween(1, 8);
        assertThat(server.fullHandshakes()).isLessThanOrEqualTo(server.accepts());
        assertThat(james.metric("jamestls.outbound.connections.reused") - reusedBefore).isGreaterThanOrEqualTo(50 - 8);
    }

    @Test
    void connectionsAreNeverSharedBetweenRulesOnTheSameHostAndPort() throws Exception {
        TestSmtpServer server = SERVERS.get("shared");

        for (int i = 0; i < 5; i++) {
            send("rcpt@a.shared.example", "shared-a-" + i);
            awaitReceived(server, 2 * i + 1);
            send("rcpt@b.shared.example", "shared-b-" + i);
            awaitReceived(server, 2 * i + 2);
        }

        // One connection per rule, each reused for that rule's four later mails.
        assertThat(server.accepts()).isEqualTo(2);
        assertThat(server.openConnections()).isEqualTo(2);
        assertThat(server.received()).extracting(r -> r.rcptTo().get(0)).containsExactly(
            "<rcpt@a.shared.example>", "<rcpt@b.shared.example>", "<rcpt@a.shared.example>", "<rcpt@b.shared.example>",
            "<rcpt@a.shared.example>", "<rcpt@b.shared.example>", "<rcpt@a.shared.example>", "<rcpt@b.shared.example>",
            "<rcpt@a.shared.example>", "<rcpt@b.shared.example>");
    }

    @Test
    void pooledConnectionClosedByTheServerIsReplacedWithoutLosingMail() throws Exception {
        TestSmtpServer server = SERVERS.get("dropping");
        long staleBefore = james.metric("jamestls.outbound.connections.stale");
        send("rcpt@dropping.example", "dropping-1");
        awaitReceived(server, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 1);

        server.dropConnections();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
        send("rcpt@dropping.example", "dropping-2");

        awaitReceived(server, 2);
        assertThat(server.received()).extracting(r -> r.data().contains("Subject: dropping-2\n")).containsExactly(false, true);
        assertThat(server.accepts()).isEqualTo(2);
        assertThat(james.metric("jamestls.outbound.connections.stale") - staleBefore).isEqualTo(1);
        assertThat(james.queues().browse("outgoing-reuse")).isEmpty();
    }

    @Test
    void idleTimeoutClosesPooledConnectionsWithQuit() throws Exception {
        TestSmtpServer server = SERVERS.get("idle");
        send("rcpt@idle.example", "idle-1");
        awaitReceived(server, 1);
        assertThat(server.openConnections()).as("kept open after the delivery").isEqualTo(1);
        assertThat(server.quits()).isZero();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> server.openConnections() == 0);

        assertThat(server.quits()).isEqualTo(1);
        assertThat(server.accepts()).isEqualTo(1);
    }

    @Test
    void connectionThatCarriedTheMailLimitIsClosedWithQuitAndANewOneTakesTheNextMail() throws Exception {
        TestSmtpServer server = SERVERS.get("limited");

        sendOneAfterAnother(server, "limited", 5);

        // connectionReuseMaxMessages=2: mails 1+2, 3+4 and 5 each on their own connection; the first two closed with
        // QUIT after their second mail, the third kept for a next mail.
        assertThat(server.accepts()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.quits() == 2);
        assertThat(server.openConnections()).isEqualTo(1);
        assertThat(server.received()).allMatch(TestSmtpServer.Received::overTls);
        assertThat(server.received()).extracting(r -> r.data().contains("Subject: limited-5\n")).containsExactly(
            false, false, false, false, true);
        assertThat(james.queues().browse("outgoing-mail-limit")).isEmpty();
    }

    @Test
    void newConnectionsToTheSameHostResumeTheTlsSession() throws Exception {
        TestSmtpServer server = SERVERS.get("resume");
        long resumedBefore = james.metric("jamestls.outbound.tls.resumed");

        sendOneAfterAnother(server, "resume", 3);

        // Without a pool every mail has its own connection; only the first one sends the certificate.
        assertThat(server.accepts()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.quits() == 3);
        assertThat(server.fullHandshakes()).isEqualTo(1);
        assertThat(server.received()).allMatch(TestSmtpServer.Received::overTls);
        assertThat(james.metric("jamestls.outbound.tls.resumed") - resumedBefore).isEqualTo(2);
    }

    /** {@code count} mails to rcpt@{@code name}.example, subjects {@code name-1}..., each sent once the previous one arrived. */
    private static void sendOneAfterAnother(TestSmtpServer server, String name, int count) throws Exception {
        for (int i = 1; i <= count; i++) {
            send("rcpt@" + name + ".example", name + "-" + i);
            awaitReceived(server, i);
        }
    }

    private static void awaitReceived(TestSmtpServer server, int count) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> server.received().size() >= count);
    }

    private static void send(String recipient, String subject) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("submission"))) {
            assertThat(client.send("sender@james.local", recipient, subject)).as(client.lastReply()).isEqualTo(250);
        }
    }
}
