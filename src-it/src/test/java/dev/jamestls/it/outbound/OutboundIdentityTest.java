package dev.jamestls.it.outbound;

import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.outbound;
import static dev.jamestls.policy.OutboundLevel.SECURE;
import static dev.jamestls.policy.OutboundLevel.VERIFY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.policy.file.ReloadingPolicy;
import dev.jamestls.tls.PemFiles;

/**
 * Per-rule trust anchors and our client identity, against a real James 3.8.1 delivering to loopback
 * destinations: a destination whose CA is only in a rule's own anchor file (connector {@code <trustAnchors>},
 * table {@code tafile=}), and destinations that demand a client certificate (TLS 1.3 and TLS 1.2).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutboundIdentityTest {
    static final String QUEUE = "outgoing-tls-identity";
    static final String NO_IDENTITY_QUEUE = "outgoing-tls-no-identity";
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();
    static final TestPki PKI = new TestPki();
    /** The partner's private CA: trusted only by the rules that name private-ca.pem. */
    static final CertificateAuthority PRIVATE_CA = CertificateAuthority.root("CN=Partner Private CA,O=partner", PKI.now);
    /** Our identity: issued by the test CA the client-certificate destinations trust. */
    static final IssuedCertificate OURS = PKI.onprem;
    /** Another identity, from a CA the destinations do not trust. */
    static final IssuedCertificate OTHER = PKI.partnerFromOtherCa;

    static final String POLICY = PolicyXml.policy()
        .connector(connector("private-verify").outbound(outbound(VERIFY).recipientDomain("verify.private.example")
            .trustAnchors("private-ca.pem")))
        .connector(connector("private-secure").outbound(outbound(SECURE).recipientDomain("secure.private.example").match(".dest.example")
            .trustAnchors("private-ca.pem")))
        .connector(connector("public-verify").outbound(outbound(VERIFY).recipientDomain("public.example")))
        .connector(connector("ccert-ours").outbound(outbound(VERIFY).recipientDomain("*.ours.ccert.example")))
        .connector(connector("ccert-other").outbound(outbound(VERIFY).recipientDomain("*.other.ccert.example")
            .clientIdentity("other-client.key", "other-client.pem")))
        .connector(connector("ccert-none").outbound(outbound(VERIFY).recipientDomain("*.none.ccert.example")))
        .domainTable("private-table")
        .xml();

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .pki(PKI)
        .listener(Listener.plain("submission"))
        .authorizedAddresses("127.0.0.1")
        .confFile("tls-policy.xml", POLICY)
        .confFile("private-ca.pem", PemFiles.certificates(List.of(PRIVATE_CA.certificate().certificate())))
        .confFile("private-table", "# the partner's private CA for the table's domains\n.table.example verify tafile=private-ca.pem\n")
        .confFile("our-client.pem", PemFiles.certificates(OURS.presentedChain()))
        .confFile("our-client.key", PemFiles.privateKey(OURS.keyPair().getPrivate()))
        .confFile("other-client.pem", PemFiles.certificates(OTHER.presentedChain()))
        .confFile("other-client.key", PemFiles.privateKey(OTHER.keyPair().getPrivate()))
        .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(ENDPOINTS))
        .rootProcessor("""
                  <mailet match="HostIsLocal" class="ToRepository"><repositoryPath>memory://var/mail/local/</repositoryPath></mailet>
                  <mailet match="HostIs=tls13.none.ccert.example, tls12.none.ccert.example" class="ToProcessor">
                    <processor>no-identity</processor>
                  </mailet>
            %s""".formatted(TlsRemoteDeliveryXml.toLoopback(QUEUE)
            .clientCertificate("file://conf/our-client.pem", "file://conf/our-client.key").xml()))
        .extraProcessors(TlsRemoteDeliveryXml.toLoopback(NO_IDENTITY_QUEUE).inProcessor("no-identity"))
        .build();

    static final Map<String, TestSmtpServer> SERVERS = new LinkedHashMap<>();

    @BeforeAll
    static void startDestinations() throws Exception {
        SERVERS.put("private", TestSmtpServer.builder("mx.private.dest.example")
            .certificate(PRIVATE_CA.leaf("CN=mx.private.dest.example,O=partner").dnsNames("mx.private.dest.example")
                .extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue()).start());
        List<X509Certificate> ourCa = List.of(PKI.root.certificate().certificate());
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            String host = "mx.ccert" + protocol.substring(4).replace(".", "") + ".dest.example";
            SERVERS.put(host, TestSmtpServer.builder(host)
                .certificate(PKI.intermediate.leaf("CN=" + host).dnsNames(host).extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue())
                .protocols(protocol).requireClientCertificate(ourCa).start());
        }
        for (Map.Entry<String, TestSmtpServer> server : SERVERS.entrySet()) {
            String host = server.getKey().startsWith("mx.") ? server.getKey() : "mx." + server.getKey() + ".dest.example";
            james.dns().loopbackHost(host);
            ENDPOINTS.map(host, server.getValue().port());
        }
        for (String domain : List.of("verify.private.example", "secure.private.example", "public.example", "x.table.example")) {
            james.dns().mx(domain, "mx.private.dest.example");
        }
        for (String who : List.of("ours", "other", "none")) {
            james.dns().mx("tls13." + who + ".ccert.example", "mx.ccert13.dest.example");
            james.dns().mx("tls12." + who + ".ccert.example", "mx.ccert12.dest.example");
        }
    }

    @AfterAll
    static void stopDestinations() throws Exception {
        for (TestSmtpServer server : SERVERS.values()) {
            server.close();
        }
    }

    @Order(1)
    @ParameterizedTest(name = "{0}: {1} ({2})")
    @CsvSource(delimiter = '|', value = {
        "verify.private.example | tls | connector verify with its own anchor file: the private CA validates",
        "secure.private.example | tls | connector secure with its own anchor file",
        "x.table.example        | tls | table entry with tafile=private-ca.pem",
        "public.example         | deferred certificate-not-trusted | a rule without the anchor file never borrows it, nor the pooled connection to the same host",
    })
    void aRuleOwnAnchorsValidateItsDestinationOnly(String domain, String expected, String reason) throws Exception {
        String recipient = "rcpt@" + domain;
        String subject = "anchors-" + domain;
        send(recipient, subject);

        if (expected.startsWith("deferred ")) {
            QueuedMail queued = awaitQueued(QUEUE, recipient);
            assertThat(queued.attributes()).as(reason).containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured")
                .containsEntry("dev.jamestls.outbound.resultType", expected.substring("deferred ".length()))
                .containsEntry("dev.jamestls.outbound.dsnStatus", "4.7.5");
            assertThat(receivedWith(SERVERS.get("private"), subject)).as(reason).isEmpty();
        } else {
            TestSmtpServer.Received received = awaitReceived(SERVERS.get("private"), subject);
            assertThat(received.overTls()).as(reason).isTrue();
        }
    }

    @Order(2)
    @Test
    void removingTheCaFromTheRuleFileDefersTheNextMailEvenOverAPooledConnection() throws Exception {
        send("rcpt@verify.private.example", "before-removal");
        awaitReceived(SERVERS.get("private"), "before-removal");
        int accepts = SERVERS.get("private").accepts();

        // The policy reload is asked directly so the test does not wait for the watcher.
        Path anchors = james.confDirectory().resolve("private-ca.pem");
        String unrelated = PemFiles.certificates(List.of(PKI.otherRoot.certificate().certificate()));
        Files.writeString(anchors, unrelated);
        Path policyFile = james.confDirectory().resolve("tls-policy.xml");
        ReloadingPolicy policy = PolicyRegistry.policy(policyFile);
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                policy.reloadIfChanged();
                return policy.current().resolveOutbound("verify.private.example").requirement().trustAnchors().orElseThrow()
                    .certificates().equals(List.of(PKI.otherRoot.certificate().certificate()));
            });
        } finally {
            PolicyRegistry.release(policyFile);
        }

        send("rcpt@verify.private.example", "after-removal");

        QueuedMail queued = awaitQueued(QUEUE, "rcpt@verify.private.example");
        assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured")
            .containsEntry("dev.jamestls.outbound.resultType", "certificate-not-trusted");
        assertThat(receivedWith(SERVERS.get("private"), "after-removal")).isEmpty();
        assertThat(SERVERS.get("private").accepts()).as("a new connection, not the pooled one").isGreaterThan(accepts);
    }

    @Order(3)
    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "tls13 | ours  | delivered                   | our certificate chains to the CA the destination trusts",
        "tls12 | ours  | delivered                   | the same over TLS 1.2",
        "tls13 | other | client-certificate-required | a certificate from a CA the destination does not trust (alert certificate_required)",
        "tls12 | other | client-certificate-required | the same over TLS 1.2 (alert handshake_failure)",
        "tls13 | none  | client-certificate-required | no identity configured (alert certificate_required after our Finished)",
        "tls12 | none  | client-certificate-required | no identity configured (alert handshake_failure)",
    })
    void aDestinationThatDemandsAClientCertificate(String protocol, String who, String expected, String reason) throws Exception {
        String domain = protocol + "." + who + ".ccert.example";
        String recipient = "rcpt@" + domain;
        String subject = "ccert-" + domain;
        TestSmtpServer server = SERVERS.get("mx.ccert" + protocol.substring(3) + ".dest.example");
        send(recipient, subject);

        if (expected.equals("delivered")) {
            TestSmtpServer.Received received = awaitReceived(server, subject);
            assertThat(received.overTls()).as(reason).isTrue();
            assertThat(received.protocol()).isEqualTo(protocol.equals("tls13") ? "TLSv1.3" : "TLSv1.2");
            assertThat(received.clientSubject()).as(reason).isEqualTo(OURS.certificate().getSubjectX500Principal().getName());
        } else {
            QueuedMail queued = awaitQueued(who.equals("none") ? NO_IDENTITY_QUEUE : QUEUE, recipient);
            assertThat(queued.attributes()).as(reason).containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured")
                .containsEntry("dev.jamestls.outbound.resultType", "validation-failure")
                .containsEntry("dev.jamestls.outbound.dsnStatus", "4.7.5");
            assertThat(queued.attributes().get("dev.jamestls.outbound.attempts")).as(reason)
                .contains("tls=client-certificate-required")
                .contains(who.equals("none") ? "we presented none: no client identity is configured"
                    : "we presented other-client.pem + other-client.key: subject '" + OTHER.certificate().getSubjectX500Principal().getName());
            assertThat(receivedWith(server, subject)).isEmpty();
            assertThat(server.clearText()).doesNotContain(subject).doesNotContain("RCPT TO:<" + recipient);
        }
    }

    private static QueuedMail awaitQueued(String queue, String recipient) {
        return OutboundProbe.awaitQueued(james, queue, recipient);
    }

    private static TestSmtpServer.Received awaitReceived(TestSmtpServer server, String subject) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> receivedWith(server, subject), Optional::isPresent).orElseThrow();
    }

    private static Optional<TestSmtpServer.Received> receivedWith(TestSmtpServer server, String subject) {
        return server.received().stream().filter(r -> r.data().contains("Subject: " + subject + "\n")).findFirst();
    }

    private static void send(String recipient, String subject) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("submission"))) {
            assertThat(client.send("sender@james.local", recipient, subject)).as(client.lastReply()).isEqualTo(250);
        }
    }
}
