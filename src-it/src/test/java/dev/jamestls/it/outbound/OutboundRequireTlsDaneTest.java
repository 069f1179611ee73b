package dev.jamestls.it.outbound;

import static dev.jamestls.it.harness.PolicyXml.outbound;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
 * The sender's TLS demand (RFC 8689) on a DANE route, through a real James 3.8.1 (defaults {@code level="dane"},
 * zones signed for the test on a loopback DNS server): DANE authenticates a host for REQUIRETLS; a man in the middle
 * who strips STARTTLS on that host gets nothing and the mail waits; a host DANE does not cover (an unsigned zone,
 * {@code may}) is never connected to for REQUIRETLS; {@code TLS-Required: No} is delivered past the stripped
 * STARTTLS, since only the published policy demanded TLS there (RFC 8689 §4.2.2).
 */
class OutboundRequireTlsDaneTest {
    static final String QUEUE = "outgoing-requiretls-dane";
    static final String LOCAL = "memory://var/mail/local/";
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();
    static final TestPki PKI = new TestPki();
    static final List<String> DANE_HOSTS = List.of("capable", "stripped", "lenient");
    static final Map<String, IssuedCertificate> CERTIFICATES = certificates();
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
        .rootProcessor("""
                  <mailet match="HostIsLocal" class="ToRepository"><repositoryPath>%s</repositoryPath></mailet>
            %s%s""".formatted(LOCAL, SenderDemandFixtures.DEMAND_BY_SUBJECT, TlsRemoteDeliveryXml.toLoopback(QUEUE).trustAnchors("file://conf/outbound-cas.pem")
            .parameter("dnssecResolver", "127.0.0.1:" + DNS.address().getPort())
            .parameter("dnssecTrustAnchor", "file://conf/dnssec-root.key").xml()))
        .build();

    static final SenderDemandFixtures.Destinations SERVERS = new SenderDemandFixtures.Destinations(ENDPOINTS);

    static Map<String, IssuedCertificate> certificates() {
        Map<String, IssuedCertificate> certificates = new LinkedHashMap<>();
        for (String name : List.of("capable", "stripped", "lenient", "insecure")) {
            certificates.put(name, OutboundProbe.serverCertificate(PKI, "mx." + name + ".example").issue());
        }
        return certificates;
    }

    static SignedZones zones() {
        try {
            SignedZones.Builder zones = SignedZones.builder().signedZone("example.").unsignedZone("insecure.");
            for (String name : DANE_HOSTS) {
                zones.record(name + ".example. 300 IN MX 10 mx." + name + ".example.")
                    .record("mx." + name + ".example. 300 IN A 127.0.0.1")
                    .record("_25._tcp.mx." + name + ".example. 300 IN TLSA 3 1 1 "
                        + OutboundDaneTest.sha256(CERTIFICATES.get(name).certificate().getPublicKey().getEncoded()));
            }
            return zones.record("plain.insecure. 300 IN MX 10 mx.plain.insecure.")
                .record("mx.plain.insecure. 300 IN A 127.0.0.1").build();
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

    @BeforeAll
    static void startDestinations() throws Exception {
        SERVERS.start("capable", "mx.capable.example", CERTIFICATES.get("capable"), TestSmtpServer.Builder::requireTls);
        SERVERS.start("stripped", "mx.stripped.example", CERTIFICATES.get("stripped"), builder -> builder.requireTls().withoutStartTls());
        SERVERS.start("lenient", "mx.lenient.example", CERTIFICATES.get("lenient"), TestSmtpServer.Builder::withoutStartTls);
        SERVERS.start("insecure", "mx.plain.insecure", CERTIFICATES.get("insecure"), TestSmtpServer.Builder::requireTls);
        james.dns().mx("plain.insecure", "mx.plain.insecure").loopbackHost("mx.plain.insecure");
    }

    @AfterAll
    static void stop() throws Exception {
        SERVERS.closeAll();
        DNS.close();
    }

    @Test
    void daneAuthenticatesAHostForRequireTls() throws Exception {
        OutboundProbe.send(james, "rcpt@capable.example", "requiretls-dane");

        TestSmtpServer.Received received = OutboundProbe.awaitReceivedWith(SERVERS.get("capable"), "requiretls-dane");
        assertThat(received.overTls()).isTrue();
        assertThat(received.mailFrom()).isEqualTo("<sender@james.local> REQUIRETLS");
    }

    @Test
    void requireTlsWhoseStartTlsIsStrippedOnADaneHostWaitsAndNothingLeavesInClear() throws Exception {
        OutboundProbe.send(james, "rcpt@stripped.example", "requiretls-dane-stripped");

        QueuedMail queued = OutboundProbe.awaitQueued(james, QUEUE, "rcpt@stripped.example");
        assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured")
            .containsEntry("dev.jamestls.outbound.source", "dane").containsEntry("dev.jamestls.outbound.dsnStatus", "4.7.5");
        SERVERS.assertNothingSent("stripped", "requiretls-dane-stripped");
    }

    @Test
    void requireTlsToAHostDaneDoesNotCoverIsNeverConnected() throws Exception {
        OutboundProbe.send(james, "rcpt@plain.insecure", "requiretls-insecure");

        assertThat(OutboundProbe.awaitDsnFor(james, LOCAL, "rcpt@plain.insecure").content()).contains("Status: 5.7.30");
        assertThat(SERVERS.get("insecure").accepts()).isZero();
    }

    @Test
    void tlsRequiredNoIsDeliveredPastAStrippedStartTlsThatOnlyDaneDemanded() throws Exception {
        OutboundProbe.send(james, "rcpt@lenient.example", "tlsoptional-dane");

        TestSmtpServer.Received received = OutboundProbe.awaitReceivedWith(SERVERS.get("lenient"), "tlsoptional-dane");
        assertThat(received.overTls()).isFalse();
    }
}
