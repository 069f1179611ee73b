package dev.jamestls.it.outbound;

import static dev.jamestls.it.harness.PolicyXml.outbound;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.Type;

import dev.jamestls.it.harness.AnchorFiles;
import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.QueueProbe.QueuedMail;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.testkit.dns.LoopbackDnsServer;
import dev.jamestls.testkit.dns.SignedZones;

/**
 * DANE through a real James 3.8.1: the defaults say {@code level="dane"}, TlsRemoteDelivery asks a loopback DNS
 * server serving zones signed for the test (validated from the test root's key, never a real resolver), and each
 * destination records every byte it receives before TLS. A destination whose TLSA records match gets the mail over
 * TLS; one whose records do not match, or whose zone's signatures are broken, never sees MAIL, RCPT or DATA and
 * the mail waits in the queue with the RFC 8460 result type; an unsigned zone is delivered to as under {@code may}.
 */
class OutboundDaneTest {
    static final String QUEUE = "outgoing-dane";
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();
    static final TestPki PKI = new TestPki();
    /** The certificate of the host whose DANE-EE record matches, and of the one whose records do not. */
    static final IssuedCertificate EE = OutboundProbe.serverCertificate(PKI, "mx.ee.example").issue();
    static final IssuedCertificate TA = OutboundProbe.serverCertificate(PKI, "mx.ta.example").issue();
    static final IssuedCertificate MISMATCH = OutboundProbe.serverCertificate(PKI, "mx.mismatch.example").issue();
    static final IssuedCertificate APPENDER = OutboundProbe.serverCertificate(PKI, "mx.appended.example").issue();
    static final IssuedCertificate BOGUS = OutboundProbe.serverCertificate(PKI, "mx.bogus.example").issue();
    static final IssuedCertificate INSECURE = OutboundProbe.serverCertificate(PKI, "mx.plain.insecure").issue();
    static final IssuedCertificate ALIASED = OutboundProbe.serverCertificate(PKI, "smtp.target.example").issue();
    static final SignedZones ZONES = zones();
    static final LoopbackDnsServer DNS = dnsServer();

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .pki(PKI)
        .listener(Listener.plain("submission"))
        .authorizedAddresses("127.0.0.1")
        .confFile("tls-policy.xml", PolicyXml.policy().defaults(outbound(OutboundLevel.DANE)).xml())
        .confFile("dnssec-root.key", ZONES.trustAnchor() + "\n")
        .confFile("outbound-cas.pem", AnchorFiles.pem(List.of(PKI.root)))
        .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(ENDPOINTS))
        .rootProcessor(TlsRemoteDeliveryXml.toLoopback(QUEUE).trustAnchors("file://conf/outbound-cas.pem")
            .parameter("dnssecResolver", "127.0.0.1:" + DNS.address().getPort())
            .parameter("dnssecTrustAnchor", "file://conf/dnssec-root.key").xml())
        .build();

    static TestSmtpServer ee;
    static TestSmtpServer ta;
    static TestSmtpServer mismatch;
    static TestSmtpServer appended;
    static TestSmtpServer bogus;
    static TestSmtpServer insecure;
    static TestSmtpServer aliased;

    static SignedZones zones() {
        try {
            return SignedZones.builder()
                .signedZone("example.")
                .unsignedZone("insecure.")
                .record("ee.example. 300 IN MX 10 mx.ee.example.")
                .record("mx.ee.example. 300 IN A 127.0.0.1")
                .record("_25._tcp.mx.ee.example. 300 IN TLSA 3 1 1 " + sha256(EE.certificate().getPublicKey().getEncoded()))
                .record("ta.example. 300 IN MX 10 mx.ta.example.")
                .record("mx.ta.example. 300 IN A 127.0.0.1")
                .record("_25._tcp.mx.ta.example. 300 IN TLSA 2 0 1 " + sha256(PKI.intermediate.certificate().certificate().getEncoded()))
                .record("mismatch.example. 300 IN MX 10 mx.mismatch.example.")
                .record("mx.mismatch.example. 300 IN A 127.0.0.1")
                // The record names a key the destination does not have: someone else's certificate, or an old one.
                .record("_25._tcp.mx.mismatch.example. 300 IN TLSA 3 1 1 " + sha256(EE.certificate().getPublicKey().getEncoded()))
                // The attacker's server presents its own leaf with the certificate the record names appended.
                .record("appended.example. 300 IN MX 10 mx.appended.example.")
                .record("mx.appended.example. 300 IN A 127.0.0.1")
                .record("_25._tcp.mx.appended.example. 300 IN TLSA 3 1 1 " + sha256(EE.certificate().getPublicKey().getEncoded()))
                .record("bogus.example. 300 IN MX 10 mx.bogus.example.")
                .bogusSignature("bogus.example.", Type.MX)
                .record("mx.bogus.example. 300 IN A 127.0.0.1")
                // The MX host is a signed alias of a host whose TLSA records are at the alias target (RFC 7672 §2.2.2).
                .record("aliased.example. 300 IN MX 10 mail.aliased.example.")
                .record("mail.aliased.example. 300 IN CNAME smtp.target.example.")
                .record("smtp.target.example. 300 IN A 127.0.0.1")
                .record("_25._tcp.smtp.target.example. 300 IN TLSA 3 1 1 " + sha256(ALIASED.certificate().getPublicKey().getEncoded()))
                .record("plain.insecure. 300 IN MX 10 mx.plain.insecure.")
                .record("mx.plain.insecure. 300 IN A 127.0.0.1")
                .build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static LoopbackDnsServer dnsServer() {
        try {
            return LoopbackDnsServer.start(ZONES);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @BeforeAll
    static void startDestinations() throws Exception {
        ee = destination("mx.ee.example", EE);
        ta = TestSmtpServer.builder("mx.ta.example").chain(TA, TA.presentedChain()).start();
        ENDPOINTS.map("mx.ta.example", ta.port());
        mismatch = destination("mx.mismatch.example", MISMATCH);
        appended = TestSmtpServer.builder("mx.appended.example")
            .chain(APPENDER, List.of(APPENDER.certificate(), EE.certificate())).start();
        ENDPOINTS.map("mx.appended.example", appended.port());
        bogus = destination("mx.bogus.example", BOGUS);
        insecure = destination("mx.plain.insecure", INSECURE);
        aliased = destination("mail.aliased.example", ALIASED);
        // The unsigned zone's MX host is found the ordinary way, through James's DNS service.
        james.dns().mx("plain.insecure", "mx.plain.insecure").loopbackHost("mx.plain.insecure");
    }

    private static TestSmtpServer destination(String host, IssuedCertificate certificate) throws Exception {
        TestSmtpServer server = TestSmtpServer.builder(host).certificate(certificate).start();
        ENDPOINTS.map(host, server.port());
        return server;
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestSmtpServer server : new TestSmtpServer[] {ee, ta, mismatch, appended, bogus, insecure, aliased}) {
            if (server != null) {
                server.close();
            }
        }
        DNS.close();
    }

    @Test
    void aDaneEeRecordThatMatchesTheLeafKeyDeliversOverTls() throws Exception {
        OutboundProbe.send(james, "rcpt@ee.example", "dane-ee");

        TestSmtpServer.Received received = OutboundProbe.awaitReceivedWith(ee, "dane-ee");

        assertThat(received.overTls()).isTrue();
        assertThat(ee.clearText()).doesNotContain("MAIL FROM").doesNotContain("dane-ee");
    }

    @Test
    void anAliasedMxHostWithRecordsAtItsTargetIsSentTheTargetInSni() throws Exception {
        // RFC 7672 §8.1: the TLSA base domain, not the MX name.
        assertDeliveredOverTlsWithSni("rcpt@aliased.example", "dane-alias", aliased, "smtp.target.example");
    }

    @Test
    void aDaneTaRecordOnTheIssuingCaDeliversWhenTheChainAndTheNameHold() throws Exception {
        OutboundProbe.send(james, "rcpt@ta.example", "dane-ta");

        assertThat(OutboundProbe.awaitReceivedWith(ta, "dane-ta").overTls()).isTrue();
    }

    @Test
    void recordsThatMatchNoPresentedKeyKeepTheMailQueuedAndNothingIsSentInClearText() throws Exception {
        OutboundProbe.send(james, "rcpt@mismatch.example", "dane-mismatch");

        QueuedMail queued = OutboundProbe.awaitQueued(james, QUEUE, "rcpt@mismatch.example");

        assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured")
            .containsEntry("dev.jamestls.outbound.resultType", "tlsa-invalid")
            .containsEntry("dev.jamestls.outbound.source", "dane")
            .containsEntry("dev.jamestls.outbound.dsnStatus", "4.7.5");
        assertThat(OutboundProbe.receivedWith(mismatch, "dane-mismatch")).isEmpty();
        assertThat(mismatch.clearText()).doesNotContain("MAIL FROM").doesNotContain("RCPT TO").doesNotContain("dane-mismatch");
    }

    @Test
    void theRecordsCertificateAppendedAfterAnotherLeafIsRefused() throws Exception {
        OutboundProbe.send(james, "rcpt@appended.example", "dane-appended");

        QueuedMail queued = OutboundProbe.awaitQueued(james, QUEUE, "rcpt@appended.example");

        assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.resultType", "tlsa-invalid");
        assertThat(OutboundProbe.receivedWith(appended, "dane-appended")).isEmpty();
        assertThat(appended.clearText()).doesNotContain("MAIL FROM").doesNotContain("dane-appended");
    }

    @Test
    void aBogusMxSignatureDefersWithoutConnecting() throws Exception {
        OutboundProbe.send(james, "rcpt@bogus.example", "dane-bogus");

        QueuedMail queued = OutboundProbe.awaitQueued(james, QUEUE, "rcpt@bogus.example");

        assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.resultType", "dnssec-invalid")
            .containsEntry("dev.jamestls.outbound.source", "dane")
            .containsEntry("dev.jamestls.outbound.dsnStatus", "4.7.5");
        assertThat(bogus.clearText()).isEmpty();
    }

    @Test
    void anUnsignedZoneIsDeliveredAsUnderMay() throws Exception {
        // Without TLSA records the plan is may's: the MX name in SNI.
        assertDeliveredOverTlsWithSni("rcpt@plain.insecure", "dane-insecure", insecure, "mx.plain.insecure");
    }

    /** Sends a mail to {@code recipient} and checks {@code server} received it over TLS with {@code serverName} in SNI. */
    private static void assertDeliveredOverTlsWithSni(String recipient, String marker, TestSmtpServer server, String serverName)
            throws Exception {
        OutboundProbe.send(james, recipient, marker);

        TestSmtpServer.Received received = OutboundProbe.awaitReceivedWith(server, marker);

        assertThat(received.overTls()).isTrue();
        assertThat(received.serverName()).isEqualTo(serverName);
    }
}
