package dev.jamestls.it.partner;

import static dev.jamestls.it.harness.PolicyXml.clientCertificate;
import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.inbound;
import static dev.jamestls.policy.Failure.PERMANENT;
import static dev.jamestls.revocation.RevocationChecking.HARD_FAIL;
import static dev.jamestls.revocation.RevocationChecking.SOFT_FAIL;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.cert.CRLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.sun.net.httpserver.HttpServer;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.LogCapture;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.OcspResponses;

/**
 * Partner certificates, revocation through a real James: partner certificates whose CRL
 * and OCSP responder are served on loopback, under hard-fail and soft-fail.
 */
class PartnerRevocationTest {
    static final TestPki PKI = new TestPki();
    static final String INBOX = "memory://var/mail/in/";
    static final HttpServer HTTP = startHttp();
    static final String BASE = "http://127.0.0.1:" + HTTP.getAddress().getPort();
    static final String UNREACHABLE = "http://127.0.0.1:" + closedPort();
    static final Map<BigInteger, OcspResponses.Status> OCSP = new ConcurrentHashMap<>();
    static final Set<BigInteger> REVOKED_BY_CRL = ConcurrentHashMap.newKeySet();

    static final IssuedCertificate CRL_GOOD = partner().crlUrl(BASE + "/issuing.crl").issue();
    static final IssuedCertificate CRL_REVOKED = partner().crlUrl(BASE + "/issuing.crl").issue();
    static final IssuedCertificate OCSP_GOOD = partner().ocspUrl(BASE + "/ocsp").issue();
    static final IssuedCertificate OCSP_REVOKED = partner().ocspUrl(BASE + "/ocsp").issue();
    static final IssuedCertificate NO_RESPONDER = partner().crlUrl(UNREACHABLE + "/issuing.crl").ocspUrl(UNREACHABLE + "/ocsp").issue();
    /** The responder answers, signed, that it does not know this certificate (RFC 6960 §2.2 "unknown"). */
    static final IssuedCertificate OCSP_UNKNOWN = partner().ocspUrl(BASE + "/ocsp").issue();

    static {
        REVOKED_BY_CRL.add(CRL_REVOKED.certificate().getSerialNumber());
        OCSP.put(OCSP_GOOD.certificate().getSerialNumber(), OcspResponses.Status.GOOD);
        OCSP.put(OCSP_REVOKED.certificate().getSerialNumber(), OcspResponses.Status.REVOKED);
    }

    static final String POLICY = PolicyXml.opportunistic()
        .connector(connector("hard-example").inbound(inbound(true).failure(PERMANENT).senderDomain("hard.example")
            .clientCertificate(clientCertificate(HARD_FAIL).name("partner.example"))))
        .connector(connector("staged-example").testing().inbound(inbound(true).failure(PERMANENT).senderDomain("staged.example")
            .clientCertificate(clientCertificate(HARD_FAIL).name("partner.example"))))
        .connector(connector("soft-example").inbound(inbound(true).failure(PERMANENT).senderDomain("soft.example")
            .clientCertificate(clientCertificate(SOFT_FAIL).name("partner.example"))))
        .xml();

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .pki(PKI)
        .listener(Listener.startTls("mx").wantingClientCertificate())
        .jamesTlsHooks()
        .confFile("tls-policy.xml", POLICY)
        .rootProcessor("<mailet match=\"All\" class=\"ToRepository\"><repositoryPath>" + INBOX + "</repositoryPath></mailet>")
        .build();

    @AfterAll
    static void stopHttp() {
        HTTP.stop(0);
    }

    @Test
    void certificateRevokedByItsCrlIsRefused() throws Exception {
        assertThat(mailFrom(CRL_REVOKED, "hard.example"))
            .startsWith("550 5.7.1 Client certificate not accepted for hard.example by connector hard-example: certificate revoked");
    }

    @Test
    void certificateNotOnTheCrlIsAccepted() throws Exception {
        assertThat(mailFrom(CRL_GOOD, "hard.example")).startsWith("250");
    }

    @Test
    void certificateRevokedByOcspIsRefused() throws Exception {
        assertThat(mailFrom(OCSP_REVOKED, "hard.example"))
            .startsWith("550 5.7.1 Client certificate not accepted for hard.example by connector hard-example: certificate revoked");
    }

    @Test
    void certificateGoodByOcspIsAccepted() throws Exception {
        assertThat(mailFrom(OCSP_GOOD, "hard.example")).startsWith("250");
    }

    static Stream<Arguments> temporaryCauses() {
        return Stream.of(
            Arguments.of("no responder answers", NO_RESPONDER, "revocation-unreachable", "certificate revocation responder unreachable"),
            Arguments.of("the responder does not know the certificate", OCSP_UNKNOWN, "revocation-unknown",
                "certificate revocation status unknown"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("temporaryCauses")
    void underHardFailEachTemporaryCauseIsATemporaryRefusalNamedAsSuch(String reason, IssuedCertificate certificate,
                                                                    String reasonKind, String description) throws Exception {
        try (LogCapture log = LogCapture.start()) {
            assertThat(mailFrom(certificate, "hard.example"))
                .startsWith("451 4.7.5 Client certificate cannot be verified now for hard.example by connector hard-example: "
                    + description + ", try again later (session ");
            assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains("rule=hard-example")
                .contains("verdict=violation reason=" + reasonKind + ": " + description + ": "));
        }
    }

    @Test
    void testingModeRecordsTheTemporaryCauseOnTheMail() throws Exception {
        long before = james.size(INBOX);
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), PKI, Optional.of(NO_RESPONDER))) {
            assertThat(client.send("billing@staged.example", "bob@james.local", "staged-unreachable")).isEqualTo(250);
        }
        StoredMail mail = StoredMail.withSubject(james.awaitMails(INBOX, (int) before + 1), "staged-unreachable");
        assertThat(mail.attribute("dev.jamestls.inbound.verdict")).contains("violation");
        assertThat(mail.attribute("dev.jamestls.inbound.reasonKind")).contains("revocation-unreachable");
        assertThat(mail.attribute("dev.jamestls.inbound.certificateCheck")).contains("unknown");
        assertThat((String) mail.attribute("dev.jamestls.inbound.reason").orElseThrow())
            .startsWith("certificate revocation responder unreachable: 'CN=partner.example': UNREACHABLE via none (");
    }

    @Test
    void unreachableRespondersUnderSoftFailAreAccepted() throws Exception {
        assertThat(mailFrom(NO_RESPONDER, "soft.example")).startsWith("250");
    }

    @Test
    void revokedCertificateIsRefusedUnderSoftFailToo() throws Exception {
        assertThat(mailFrom(OCSP_REVOKED, "soft.example")).startsWith("550 5.7.1");
    }

    private static String mailFrom(IssuedCertificate certificate, String domain) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), PKI, Optional.of(certificate))) {
            client.mailFrom("billing@" + domain);
            return client.lastReply();
        }
    }

    private static dev.jamestls.pki.CertificateAuthority.Builder partner() {
        return PKI.intermediate.leaf("CN=partner.example").dnsNames("partner.example")
            .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH);
    }

    private static HttpServer startHttp() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/issuing.crl", exchange -> {
                byte[] body;
                try {
                    Instant now = Instant.now();
                    body = PKI.intermediate.crl(List.copyOf(REVOKED_BY_CRL), now.minusSeconds(60), now.plus(Duration.ofHours(1)))
                        .getEncoded();
                } catch (CRLException e) {
                    throw new IOException(e);
                }
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.createContext("/ocsp", exchange -> {
                byte[] request = exchange.getRequestBody().readAllBytes();
                Instant now = Instant.now();
                byte[] body = OcspResponses.answer(request, PKI.intermediate.certificate(),
                    serial -> OCSP.getOrDefault(serial, OcspResponses.Status.UNKNOWN), now.minusSeconds(60), now.plus(Duration.ofHours(1)));
                exchange.getResponseHeaders().add("Content-Type", "application/ocsp-response");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
