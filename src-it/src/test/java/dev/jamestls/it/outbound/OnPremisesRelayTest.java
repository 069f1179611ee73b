package dev.jamestls.it.outbound;

import static dev.jamestls.it.harness.PolicyXml.clientCertificate;
import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.inbound;
import static dev.jamestls.it.harness.PolicyXml.outbound;
import static dev.jamestls.policy.Failure.PERMANENT;
import static dev.jamestls.policy.OutboundLevel.VERIFY;
import static dev.jamestls.revocation.RevocationChecking.OFF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.tls.PemFiles;

/**
 * The hybrid case end to end, two real James 3.8.1 in one JVM: "onprem" (our TlsRemoteDelivery, its client
 * certificate onprem.example) relays through "cloud", whose listener asks for a client certificate and whose
 * {@code onprem-example} connector grants relay to that certificate only, no SMTP AUTH.
 */
class OnPremisesRelayTest {
    static final TestPki PKI = new TestPki();
    static final String RELAYED = "memory://var/mail/relayed/";
    static final String BOUNCES = "memory://var/mail/local/";
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();

    @RegisterExtension
    static InProcessJames cloud = InProcessJames.builder()
        .pki(PKI)
        .listener(Listener.startTls("mx").wantingClientCertificate())
        .jamesTlsHooks()
        // failure="permanent": the refusal is a 5xx, so the sender learns it from a DSN at once
        // (the default, temporary, would keep the mail in onprem's queue for a retry).
        .confFile("tls-policy.xml", PolicyXml.policy()
            .connector(connector("onprem-example").inbound(inbound(true).allowRelay().failure(PERMANENT).senderDomain("onprem.example")
                .clientCertificate(clientCertificate(OFF).name("onprem.example"))))
            .xml())
        .rootProcessor("""
                  <mailet match="All" class="ToRepository"><repositoryPath>%s</repositoryPath></mailet>
            """.formatted(RELAYED))
        .build();

    static final TlsRemoteDeliveryXml DELIVERY = TlsRemoteDeliveryXml.mailet().trustAnchors("file://conf/ca.pem")
        .heloName("onprem.example").maxRetries(1).connectionTimeout(5000).timeout(10000);

    @RegisterExtension
    static InProcessJames onprem = InProcessJames.builder()
        .pki(PKI)
        .listener(Listener.plain("submission"))
        .authorizedAddresses("127.0.0.1")
        .confFile("tls-policy.xml", PolicyXml.policy()
            .connector(connector("cloud-relay").outbound(outbound(VERIFY).recipientDomain("partner.example", "*.partner.example")
                .smartHost("[james.local]")))
            .xml())
        .confFile("onprem.pem", PemFiles.certificates(PKI.onprem.presentedChain()))
        .confFile("onprem.key", PemFiles.privateKey(PKI.onprem.keyPair().getPrivate()))
        .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(ENDPOINTS))
        .rootProcessor("""
                  <!-- Our sender's own domain is not local in this test James: keep what comes back to it. -->
                  <mailet match="RecipientIs=alice@onprem.example" class="ToRepository"><repositoryPath>%s</repositoryPath></mailet>
            %s%s""".formatted(BOUNCES,
            DELIVERY.match("HostIs=partner.example").outgoingQueue("outgoing-with-certificate")
                .clientCertificate("file://conf/onprem.pem", "file://conf/onprem.key").xml(),
            DELIVERY.match("HostIs=nocert.partner.example").outgoingQueue("outgoing-without-certificate").xml()))
        .build();

    @BeforeAll
    static void routeToTheCloud() {
        onprem.dns().loopbackHost("james.local");
        ENDPOINTS.map("james.local", cloud.port("mx"));
    }

    @Test
    void theCloudRelaysForOurCertificate() throws Exception {
        send("bob@partner.example", "hybrid-relay");

        StoredMail relayed = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> find(cloud, RELAYED, "hybrid-relay"), Optional::isPresent).orElseThrow();
        assertThat(relayed.attribute("dev.jamestls.inbound.verifiedPartner")).contains("onprem-example");
        assertThat(relayed.attribute("dev.jamestls.tls.client.subject")).contains(PKI.onprem.certificate().getSubjectX500Principal().getName());
    }

    @Test
    void withoutOurCertificateTheCloudRefusesAndTheSenderIsTold() throws Exception {
        send("bob@nocert.partner.example", "hybrid-no-certificate");

        StoredMail dsn = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> dsnFor(onprem, "bob@nocert.partner.example"), Optional::isPresent).orElseThrow();
        // RFC 3207 / SPEC §3: the partner's connector requires a certificate: 530 5.7.0 at MAIL.
        assertThat(dsn.content()).contains("Status: 5.7.0").contains("530 5.7.0 Client certificate required: connector onprem-example");
        assertThat(find(cloud, RELAYED, "hybrid-no-certificate")).isEmpty();
    }

    private static Optional<StoredMail> find(InProcessJames james, String repository, String subject) throws Exception {
        List<StoredMail> mails = james.repositories().mails(repository);
        return mails.stream().filter(m -> m.content().contains("Subject: " + subject)).findFirst();
    }

    private static Optional<StoredMail> dsnFor(InProcessJames james, String recipient) throws Exception {
        return james.repositories().mails(BOUNCES).stream()
            .filter(m -> m.content().contains("Final-Recipient: rfc822; " + recipient)).findFirst();
    }

    private static void send(String recipient, String subject) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.plain(onprem.port("submission"))) {
            assertThat(client.send("alice@onprem.example", recipient, subject)).as(client.lastReply()).isEqualTo(250);
        }
    }
}
