package dev.jamestls.it.outbound;

import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.outbound;
import static dev.jamestls.policy.OutboundLevel.MAY;
import static dev.jamestls.policy.OutboundLevel.SECURE;
import static dev.jamestls.policy.OutboundLevel.VERIFY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static dev.jamestls.it.outbound.OutboundProbe.awaitDsnFor;
import static dev.jamestls.it.outbound.OutboundProbe.awaitQueued;
import static dev.jamestls.it.outbound.OutboundProbe.awaitReceivedWith;
import static dev.jamestls.it.outbound.OutboundProbe.receivedWith;
import static dev.jamestls.it.outbound.OutboundProbe.send;
import static dev.jamestls.it.outbound.OutboundProbe.serverCertificate;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.LogCapture;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.QueueProbe.QueuedMail;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.outbound.DeliveryEndpoints;

/**
 * What a receiving postmaster checks about our deliveries, against a real James 3.8.1 and real loopback
 * destinations: the names checked on a smart-host route, RFC 7505 null MX, QUIT after a missing STARTTLS,
 * and a peer that speaks only TLS 1.1 (a separate JVM).
 */
class OutboundDestinationDetailsTest {
    static final String QUEUE = "outgoing-tls";
    static final String LOCAL = "memory://var/mail/local/";
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();

    static final String POLICY = PolicyXml.opportunistic()
        .connector(connector("relay-verify").outbound(outbound(VERIFY).recipientDomain("relayed.example")
            .smartHost("[relay.dest.example]")))
        .connector(connector("relay-named-for-recipient").outbound(outbound(VERIFY).recipientDomain("recipientnamed.example")
            .smartHost("[recipientnamed-relay.dest.example]")))
        .connector(connector("relay-secure-nexthop").outbound(outbound(SECURE).recipientDomain("securerelayed.example").match("nexthop")
            .smartHost("[relay.dest.example]")))
        .connector(connector("mandatory").outbound(outbound(VERIFY).recipientDomain("*.verify.example")))
        .connector(connector("opportunistic").outbound(outbound(MAY).recipientDomain("*.may.example")))
        .xml();

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .listener(Listener.plain("submission"))
        .authorizedAddresses("127.0.0.1")
        .confFile("tls-policy.xml", POLICY)
        .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(ENDPOINTS))
        .rootProcessor("""
                  <mailet match="HostIsLocal" class="ToRepository"><repositoryPath>%s</repositoryPath></mailet>
            %s""".formatted(LOCAL, TlsRemoteDeliveryXml.toLoopback(QUEUE).xml()))
        .build();

    static final Map<String, TestSmtpServer> SERVERS = new LinkedHashMap<>();
    static final String FORGED = "12:00:00.000 INFO  dev.jamestls - FORGED delivered";
    static LegacyTlsDestination legacy;

    @BeforeAll
    static void startDestinations() throws Exception {
        TestPki pki = james.pki();
        // The relay's certificate names the relay; the second relay's names the recipient domain instead.
        destination("relay.dest.example", TestSmtpServer.builder("relay.dest.example")
            .certificate(serverCertificate(pki, "relay.dest.example").issue()));
        destination("recipientnamed-relay.dest.example", TestSmtpServer.builder("recipientnamed-relay.dest.example")
            .certificate(serverCertificate(pki, "recipientnamed.example").issue()));
        destination("mx.nostarttls.dest.example", TestSmtpServer.builder("mx.nostarttls.dest.example")
            .certificate(serverCertificate(pki, "mx.nostarttls.dest.example").issue()).withoutStartTls());
        destination("mx.refused.dest.example", TestSmtpServer.builder("mx.refused.dest.example")
            .certificate(serverCertificate(pki, "mx.refused.dest.example").issue()).refusingStartTls());
        // Where an implicit-MX fallback for a null-MX domain would connect: it must never see a connection.
        destination("nullmx.example", TestSmtpServer.builder("nullmx.example")
            .certificate(serverCertificate(pki, "nullmx.example").issue()));
        james.dns().mx("nullmx.example", ".");
        destination("mx.partial.dest.example", TestSmtpServer.builder("mx.partial.dest.example")
            .certificate(serverCertificate(pki, "mx.partial.dest.example").issue())
            .rcptReply("refused@partial.verify.example", "550 5.1.1 <refused@partial.verify.example>: no such user")
            .rcptReply("later@partial.verify.example", "450 4.2.1 mailbox busy, try later")
            .rcptReply("refused2@partial.verify.example", "550 5.1.1 <refused2@partial.verify.example>: no such user")
            .rcptReply("later2@partial.verify.example", "452 4.2.2 mailbox full")
            // A hostile peer's reply text: a line separator (U+2028), NEL (U+0085) and an escape sequence, each
            // followed by what would read as a line of our own log if written raw.
            .rcptReply("forger@partial.verify.example", "550 5.1.1 no such user\u2028" + FORGED + "\u0085" + FORGED + "\u001b[2K"));
        james.dns().mx("partial.verify.example", "mx.partial.dest.example");
        james.dns().mx("nostarttls.verify.example", "mx.nostarttls.dest.example");
        james.dns().mx("refused.verify.example", "mx.refused.dest.example");

        legacy = LegacyTlsDestination.start(Files.createTempDirectory("legacy-destination"), "mx.legacy.dest.example", "TLSv1.1", "TLSv1");
        james.dns().loopbackHost("mx.legacy.dest.example");
        ENDPOINTS.map("mx.legacy.dest.example", legacy.port());
        james.dns().mx("legacy.verify.example", "mx.legacy.dest.example");
        james.dns().mx("legacy.may.example", "mx.legacy.dest.example");
    }

    @AfterAll
    static void stopDestinations() throws Exception {
        for (TestSmtpServer server : SERVERS.values()) {
            server.close();
        }
        if (legacy != null) {
            legacy.close();
        }
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', value = {
        // recipient domain | relay | outcome | reason
        "relayed.example | relay.dest.example | delivered | verify without match checks the smart host's name, which the relay's certificate carries",
        "securerelayed.example | relay.dest.example | delivered | secure match nexthop is the smart host's name on a smart-host route",
        "recipientnamed.example | recipientnamed-relay.dest.example | certificate-host-mismatch | a relay certificate naming the recipient domain but not the relay is refused",
    })
    void aSmartHostRouteChecksTheSmartHostsName(String domain, String relay, String outcome, String reason) throws Exception {
        String recipient = "rcpt@" + domain;
        String subject = "smart-" + domain;
        send(james, recipient, subject);

        if (outcome.equals("delivered")) {
            TestSmtpServer.Received received = awaitReceivedWith(SERVERS.get(relay), subject);
            assertThat(received.overTls()).as(reason).isTrue();
            assertThat(received.rcptTo()).containsExactly("<" + recipient + ">");
        } else {
            QueuedMail queued = awaitQueued(james, QUEUE, recipient);
            assertThat(queued.attributes()).as(reason).containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured")
                .containsEntry("dev.jamestls.outbound.resultType", outcome)
                .containsEntry("dev.jamestls.outbound.mx", relay);
            assertThat(queued.attributes().get("dev.jamestls.outbound.diagnostic")).as(reason).contains("names [" + relay + "]");
            assertThat(receivedWith(SERVERS.get(relay), subject)).isEmpty();
        }
    }

    @Test
    void aNullMxDomainIsBouncedWith5110WithoutAnyConnection() throws Exception {
        send(james, "rcpt@nullmx.example", "null-mx");

        StoredMail dsn = awaitDsnFor(james, LOCAL, "rcpt@nullmx.example");
        assertThat(dsn.content()).contains("Status: 5.1.10")
            .contains("Action: failed")
            .contains("nullmx.example publishes a null MX (RFC 7505): it accepts no mail")
            .doesNotContain("Remote-MTA:");
        assertThat(SERVERS.get("nullmx.example").accepts()).as("no connection to the domain's own address").isZero();
        assertThat(james.queues().browse(QUEUE)).noneMatch(m -> m.recipients().contains("rcpt@nullmx.example"));
    }

    @Test
    void acceptedRecipientsGetTheMailRefusedOnesADsnAndDeferredOnesARetry() throws Exception {
        TestSmtpServer server = SERVERS.get("mx.partial.dest.example");
        sendTo("per-recipient", "ok@partial.verify.example", "refused@partial.verify.example", "later@partial.verify.example");

        TestSmtpServer.Received received = awaitReceivedWith(server, "per-recipient");
        assertThat(received.rcptTo()).containsExactly("<ok@partial.verify.example>");
        assertThat(received.overTls()).isTrue();
        StoredMail dsn = awaitDsnFor(james, LOCAL, "refused@partial.verify.example");
        assertThat(dsn.content()).contains("Status: 5.1.1")
            .contains("550 5.1.1 <refused@partial.verify.example>: no such user")
            .doesNotContain("Final-Recipient: rfc822; ok@partial.verify.example")
            .doesNotContain("Final-Recipient: rfc822; later@partial.verify.example");
        QueuedMail deferred = awaitQueued(james, QUEUE, "later@partial.verify.example");
        assertThat(deferred.recipients()).containsExactly("later@partial.verify.example");
        assertThat(deferred.attributes()).containsEntry("dev.jamestls.outbound.dsnStatus", "4.2.1")
            .containsEntry("dev.jamestls.outbound.verdict", "rejected-temporarily")
            .containsEntry("dev.jamestls.outbound.retries", "1");
        assertThat(deferred.nextDelivery()).isPresent();
        assertThat(server.received()).filteredOn(r -> r.data().contains("Subject: per-recipient\n")).hasSize(1);
    }

    /** Attack: the refusing peer writes a log line of its own into its reply; it must reach our log escaped. */
    @Test
    void aPeersReplyTextReachesTheLogEscaped() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            sendTo("forged-log", "ok@partial.verify.example", "forger@partial.verify.example");

            awaitDsnFor(james, LOCAL, "forger@partial.verify.example");
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(log.lines()).anyMatch(line -> line.contains("forger@partial.verify.example") && line.contains("5.1.1")));
            assertThat(log.lines()).noneMatch(line -> line.startsWith(FORGED) || line.contains("\u2028") || line.contains("\u0085")
                || line.contains("\u001b"));
        }
    }

    @Test
    void whenNoRecipientIsAcceptedTheRefusedAreBouncedAndTheDeferredRetried() throws Exception {
        TestSmtpServer server = SERVERS.get("mx.partial.dest.example");
        sendTo("none-accepted", "refused2@partial.verify.example", "later2@partial.verify.example");

        StoredMail dsn = awaitDsnFor(james, LOCAL, "refused2@partial.verify.example");
        assertThat(dsn.content()).contains("Status: 5.1.1").doesNotContain("Final-Recipient: rfc822; later2@partial.verify.example");
        QueuedMail deferred = awaitQueued(james, QUEUE, "later2@partial.verify.example");
        assertThat(deferred.recipients()).containsExactly("later2@partial.verify.example");
        assertThat(deferred.attributes()).containsEntry("dev.jamestls.outbound.dsnStatus", "4.2.2");
        assertThat(receivedWith(server, "none-accepted")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "nostarttls, starttls-not-supported",
        "refused, starttls-not-supported",
    })
    void aDestinationWithoutStartTlsUnderAMandatoryLevelGetsQuitAndNoTransaction(String destination, String resultType)
        throws Exception {
        TestSmtpServer server = SERVERS.get("mx." + destination + ".dest.example");
        String recipient = "rcpt@" + destination + ".verify.example";
        int quitsBefore = server.quits();
        send(james, recipient, "quit-" + destination);

        QueuedMail queued = awaitQueued(james, QUEUE, recipient);
        assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.resultType", resultType);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
            .untilAsserted(() -> assertThat(server.quits()).as("QUIT after EHLO").isGreaterThan(quitsBefore));
        // SPEC §2: no transaction command and no message byte in clear text.
        assertThat(server.clearText()).doesNotContain("MAIL FROM").doesNotContain("RCPT TO").doesNotContain("DATA")
            .doesNotContain("quit-" + destination);
    }

    @Test
    void aTls11OnlyPeerIsRefusedAsProtocolVersionUnderAMandatoryLevel() throws Exception {
        send(james, "rcpt@legacy.verify.example", "legacy-verify");

        QueuedMail queued = awaitQueued(james, QUEUE, "rcpt@legacy.verify.example");
        assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured")
            .containsEntry("dev.jamestls.outbound.resultType", "validation-failure")
            .containsEntry("dev.jamestls.outbound.dsnStatus", "4.7.5");
        assertThat(queued.attributes().get("dev.jamestls.outbound.attempts")).contains("tls=protocol-version")
            .contains("verdict=tls-not-secured");
        assertThat(queued.attributes().get("dev.jamestls.outbound.diagnostic"))
            .contains("protocol version: the peer sent alert protocol_version; we offer TLSv1.2/TLSv1.3 only (RFC 8996)");
        assertThat(legacy.received()).noneMatch(line -> line.contains("legacy-verify"));
        assertThat(legacy.clearText()).doesNotContain("legacy.verify.example");
    }

    @Test
    void aTls11OnlyPeerGetsTheMailInClearTextOnlyWhereTheRuleAllowsIt() throws Exception {
        send(james, "rcpt@legacy.may.example", "legacy-may");

        String received = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> legacy.received().stream().filter(line -> line.contains("Subject: legacy-may")).findFirst(),
                Optional::isPresent).orElseThrow();
        assertThat(received).startsWith("RECEIVED tls=false rcpt=[<rcpt@legacy.may.example>]");
    }

    private static void destination(String host, TestSmtpServer.Builder builder) throws Exception {
        TestSmtpServer server = builder.start();
        SERVERS.put(host, server);
        james.dns().loopbackHost(host);
        ENDPOINTS.map(host, server.port());
    }

    private static void sendTo(String subject, String... recipients) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("submission"))) {
            assertThat(client.mailFrom("sender@james.local")).as(client.lastReply()).isEqualTo(250);
            for (String recipient : recipients) {
                assertThat(client.rcptTo(recipient)).as(client.lastReply()).isEqualTo(250);
            }
            assertThat(client.data(SmtpTestClient.message("sender@james.local", recipients[0], subject))).as(client.lastReply())
                .isEqualTo(250);
        }
    }
}
