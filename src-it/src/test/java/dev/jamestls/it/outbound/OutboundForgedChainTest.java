package dev.jamestls.it.outbound;

import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.outbound;
import static dev.jamestls.policy.OutboundLevel.FINGERPRINT;
import static dev.jamestls.policy.OutboundLevel.SECURE;
import static dev.jamestls.policy.OutboundLevel.VERIFY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.it.harness.AnchorFiles;
import dev.jamestls.it.harness.ConstrainedCas;
import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.QueueProbe.QueuedMail;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.tls.CertificatePins;

/**
 * TlsRemoteDelivery against loopback destinations that present forged chains over real TLS handshakes,
 * one row per forgery: a pin that is only on a certificate the destination appended (the
 * {@code fingerprint} level counts the leaf only), a wildcard under an intermediate that excludes the
 * name the rule matched, a name outside what the configured anchor permits. Each must leave the mail
 * queued for a retry (4.7.5) with no message byte sent; the genuine destinations get their mail.
 */
class OutboundForgedChainTest {
    static final String QUEUE = "outgoing-forged";
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();
    static final TestPki PKI = new TestPki();
    /** The real destination's certificate, whose SPKI the fingerprint rule pins. */
    static final IssuedCertificate REAL = PKI.intermediate.leaf("CN=mx.real.dest.example,O=destination")
        .dnsNames("mx.real.dest.example").extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();
    static final CertificateAuthority ATTACKER_CA = CertificateAuthority.root("CN=Attacker Root,O=attacker", PKI.now);
    static final ConstrainedCas.Pair CONSTRAINED = ConstrainedCas.Pair.under(PKI);
    static final CertificateAuthority EXCLUDING = CONSTRAINED.excludingBar();
    static final CertificateAuthority PERMITTING_ROOT = CONSTRAINED.permittingPartnerOnly();

    static final String POLICY = PolicyXml.opportunistic()
        .connector(connector("fingerprint").outbound(outbound(FINGERPRINT).recipientDomain("*.fingerprint.example")
            .pin(CertificatePins.spkiSha256(REAL.certificate()))))
        .connector(connector("verify").outbound(outbound(VERIFY).recipientDomain("*.verify.example")))
        .connector(connector("secure").outbound(outbound(SECURE).recipientDomain("*.secure.example").match("bar.example.com")))
        .xml();

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .pki(PKI)
        .listener(Listener.plain("submission"))
        .authorizedAddresses("127.0.0.1")
        .confFile("tls-policy.xml", POLICY)
        .confFile("outbound-cas.pem", AnchorFiles.pem(List.of(PKI.root, PERMITTING_ROOT)))
        .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(ENDPOINTS))
        .rootProcessor(TlsRemoteDeliveryXml.toLoopback(QUEUE).trustAnchors("file://conf/outbound-cas.pem").xml())
        .build();

    static final Map<String, TestSmtpServer> SERVERS = new LinkedHashMap<>();

    @BeforeAll
    static void startDestinations() throws Exception {
        X509Certificate intermediate = PKI.intermediate.certificate().certificate();
        IssuedCertificate attacker = ATTACKER_CA.leaf("CN=mx.pinforged.dest.example,O=attacker")
            .dnsNames("mx.pinforged.dest.example").extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();
        IssuedCertificate wildcard = EXCLUDING.leaf("CN=*.example.com,O=attacker").dnsNames("*.example.com")
            .extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();
        IssuedCertificate outside = PERMITTING_ROOT.leaf("CN=mx.outside.example,O=attacker").dnsNames("mx.outside.example")
            .extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();
        IssuedCertificate genuineBar = PKI.intermediate.leaf("CN=bar.example.com,O=destination").dnsNames("bar.example.com")
            .extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();
        start("mx.pinafterleaf.dest.example", TestSmtpServer.builder("mx.pinafterleaf.dest.example")
            .chain(attacker, List.of(attacker.certificate(), REAL.certificate())));
        start("mx.pinlast.dest.example", TestSmtpServer.builder("mx.pinlast.dest.example")
            .chain(attacker, List.of(attacker.certificate(), intermediate, REAL.certificate())));
        start("mx.real.dest.example", TestSmtpServer.builder("mx.real.dest.example").certificate(REAL));
        start("bar.example.com", TestSmtpServer.builder("bar.example.com").certificate(wildcard));
        start("mx.outside.example", TestSmtpServer.builder("mx.outside.example").certificate(outside));
        start("mx.genuinebar.dest.example", TestSmtpServer.builder("bar.example.com").certificate(genuineBar));
        james.dns().mx("pinafterleaf.fingerprint.example", "mx.pinafterleaf.dest.example");
        james.dns().mx("pinlast.fingerprint.example", "mx.pinlast.dest.example");
        james.dns().mx("real.fingerprint.example", "mx.real.dest.example");
        james.dns().mx("wildcard.verify.example", "bar.example.com");
        james.dns().mx("wildcard.secure.example", "bar.example.com");
        james.dns().mx("outside.verify.example", "mx.outside.example");
        james.dns().mx("genuine.secure.example", "mx.genuinebar.dest.example");
    }

    private static void start(String host, TestSmtpServer.Builder server) throws Exception {
        TestSmtpServer started = server.start();
        SERVERS.put(host, started);
        james.dns().loopbackHost(host);
        ENDPOINTS.map(host, started.port());
    }

    @AfterAll
    static void stopDestinations() throws Exception {
        for (TestSmtpServer server : SERVERS.values()) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        fingerprint: attacker leaf, then the pinned real certificate                     | pinafterleaf.fingerprint.example | mx.pinafterleaf.dest.example | deferred
        fingerprint: attacker leaf, an intermediate, the pinned real certificate last     | pinlast.fingerprint.example      | mx.pinlast.dest.example      | deferred
        verify: *.example.com under an intermediate excluding bar.example.com, MX bar.example.com | wildcard.verify.example | bar.example.com          | deferred
        secure: *.example.com under an intermediate excluding bar.example.com, match bar.example.com | wildcard.secure.example | bar.example.com       | deferred
        verify: mx.outside.example under a configured anchor permitting only partner.example | outside.verify.example     | mx.outside.example           | deferred
        genuine fingerprint: the real destination, its own certificate                    | real.fingerprint.example         | mx.real.dest.example         | delivered
        genuine secure: bar.example.com from an unconstrained CA                          | genuine.secure.example           | mx.genuinebar.dest.example   | delivered
        """)
    void forgedChainLeavesTheMailQueuedWithNoByteSentAndGenuineChainDelivers(String forgery, String domain, String host, String expected) throws Exception {
        String recipient = "rcpt@" + domain;
        String subject = "forged-" + domain;
        TestSmtpServer server = SERVERS.get(host);
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("submission"))) {
            assertThat(client.send("sender@james.local", recipient, subject)).as(client.lastReply()).isEqualTo(250);
        }

        if (expected.equals("delivered")) {
            TestSmtpServer.Received received = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> receivedWith(server, subject), Optional::isPresent).orElseThrow();
            assertThat(received.overTls()).isTrue();
            return;
        }
        // Wait for whichever comes first, so that a forgery that was accepted fails at once and says so.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> queued(recipient).isPresent() || receivedWith(server, subject).isPresent());
        assertThat(receivedWith(server, subject)).as(forgery + ": the mail was delivered to the forged destination").isEmpty();
        QueuedMail queued = queued(recipient).orElseThrow();
        assertThat(queued.attributes()).as(forgery)
            .containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured")
            .containsEntry("dev.jamestls.outbound.dsnStatus", "4.7.5");
        assertThat(queued.nextDelivery()).isPresent();
        assertThat(receivedWith(server, subject)).as(forgery + ": delivered").isEmpty();
        assertThat(server.clearText()).doesNotContain(subject).doesNotContain(recipient);
    }

    private static Optional<QueuedMail> queued(String recipient) throws Exception {
        return OutboundProbe.queued(james, QUEUE, recipient);
    }

    private static Optional<TestSmtpServer.Received> receivedWith(TestSmtpServer server, String subject) {
        return server.received().stream().filter(r -> r.data().contains("Subject: " + subject + "\n")).findFirst();
    }
}
