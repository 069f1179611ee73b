package dev.jamestls.verify;

import static dev.jamestls.verify.Pki.ISSUING;
import static dev.jamestls.verify.Pki.NOW;
import static dev.jamestls.verify.Pki.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.OcspResponses;
import dev.jamestls.revocation.CertificateRevocation;
import dev.jamestls.revocation.HttpFetcher;
import dev.jamestls.revocation.JdkHttpFetcher;
import dev.jamestls.revocation.RevocationCache;
import dev.jamestls.revocation.RevocationChecker;
import dev.jamestls.revocation.RevocationChecking;
import dev.jamestls.revocation.RevocationSettings;
import dev.jamestls.revocation.RevocationStatus;
import dev.jamestls.testkit.MovableClock;

/** Revocation through real HTTP on loopback: a CRL distribution point and an OCSP responder. */
class RevocationVerificationTest {
    private final MovableClock clock = new MovableClock(NOW);
    private final Map<String, Supplier<byte[]>> routes = new ConcurrentHashMap<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private HttpServer server;
    private String base;
    private final RevocationCache cache = RevocationCache.defaults();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            fetches.incrementAndGet();
            Supplier<byte[]> route = routes.get(exchange.getRequestURI().getPath());
            byte[] request = exchange.getRequestBody().readAllBytes();
            byte[] body = route == null ? null : exchange.getRequestURI().getPath().startsWith("/ocsp")
                ? ocspAnswer(exchange.getRequestURI().getPath(), request) : route.get();
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private final Map<String, OcspResponses.Status> ocspStatus = new ConcurrentHashMap<>();
    private IssuedCertificate ocspSigner = ISSUING.certificate();

    private byte[] ocspAnswer(String path, byte[] request) {
        if (path.equals("/ocsp-garbage")) {
            return "<html>not OCSP</html>".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        return OcspResponses.answer(request, ocspSigner, serial -> ocspStatus.getOrDefault(serial.toString(16),
            OcspResponses.Status.UNKNOWN), clock.instant().minusSeconds(60), clock.instant().plus(Duration.ofHours(1)));
    }

    private CertificateVerifier verifier(HttpFetcher fetcher) {
        return new CertificateVerifier(clock, new RevocationChecker(fetcher, cache, RevocationSettings.DEFAULT),
            RevocationSettings.DEFAULT);
    }

    private CertificateVerifier verifier() {
        return verifier(new JdkHttpFetcher(Duration.ofSeconds(2), Duration.ofSeconds(2), 1 << 20));
    }

    private static CertificateRequirement rule(RevocationChecking mode) {
        return CertificateRequirement.client(List.of(ROOT.certificate().certificate())).withNames("partner.example")
            .withRevocation(mode);
    }

    private IssuedCertificate leafWithCrl(String path) {
        return ISSUING.leaf("CN=partner.example").dnsNames("partner.example")
            .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).crlUrl(base + path).issue();
    }

    private IssuedCertificate leafWithOcsp(String path) {
        return ISSUING.leaf("CN=partner.example").dnsNames("partner.example").ocspUrl(base + path).issue();
    }

    private void serveCrl(String path, IssuedCertificate... revoked) {
        routes.put(path, () -> {
            var serials = java.util.Arrays.stream(revoked).map(c -> c.certificate().getSerialNumber()).toList();
            try {
                return ISSUING.crl(serials, clock.instant().minusSeconds(60), clock.instant().plus(Duration.ofHours(1)))
                    .getEncoded();
            } catch (java.security.cert.CRLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void rejectsACertificateRevokedByTheCrlOfItsDistributionPoint() {
        IssuedCertificate leaf = leafWithCrl("/issuing.crl");
        serveCrl("/issuing.crl", leaf);

        VerificationOutcome outcome = verifier().verify(leaf.presentedChain(), rule(RevocationChecking.HARD_FAIL));

        assertThat(outcome.kind()).isEqualTo(VerificationKind.REVOKED);
        assertThat(outcome.temporary()).isFalse();
        assertThat(outcome.reason()).startsWith("'CN=partner.example': REVOKED via CRL (Certificate has been revoked, "
            + "reason: KEY_COMPROMISE");
    }

    @Test
    void acceptsACertificateNotListedAndCachesTheCrlUntilNextUpdate() {
        IssuedCertificate leaf = leafWithCrl("/issuing.crl");
        serveCrl("/issuing.crl");
        CertificateVerifier verifier = verifier();

        VerificationOutcome first = verifier.verify(leaf.presentedChain(), rule(RevocationChecking.HARD_FAIL));
        VerificationOutcome second = verifier.verify(leaf.presentedChain(), rule(RevocationChecking.HARD_FAIL));
        int fetchedBeforeNextUpdate = fetches.get();
        clock.advance(Duration.ofHours(2));
        VerificationOutcome afterNextUpdate = verifier.verify(leaf.presentedChain(), rule(RevocationChecking.HARD_FAIL));

        assertThat(first.kind()).isEqualTo(VerificationKind.ACCEPTED);
        assertThat(first.revocation().certificates()).extracting(CertificateRevocation::status)
            .containsExactly(RevocationStatus.GOOD, RevocationStatus.NOT_CHECKABLE);
        assertThat(first.revocation().certificates().get(0).source()).isEqualTo("CRL " + base + "/issuing.crl");
        assertThat(first.validUntil()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(second.kind()).isEqualTo(VerificationKind.ACCEPTED);
        assertThat(fetchedBeforeNextUpdate).isEqualTo(1);
        assertThat(afterNextUpdate.kind()).isEqualTo(VerificationKind.ACCEPTED);
        assertThat(fetches).hasValue(2);
    }

    @Test
    void rejectsACertificateRevokedByOcspAndAcceptsAGoodOne() {
        IssuedCertificate revoked = leafWithOcsp("/ocsp");
        IssuedCertificate good = leafWithOcsp("/ocsp");
        routes.put("/ocsp", () -> new byte[0]);
        ocspStatus.put(revoked.certificate().getSerialNumber().toString(16), OcspResponses.Status.REVOKED);
        ocspStatus.put(good.certificate().getSerialNumber().toString(16), OcspResponses.Status.GOOD);

        VerificationOutcome revokedOutcome = verifier().verify(revoked.presentedChain(), rule(RevocationChecking.HARD_FAIL));
        VerificationOutcome goodOutcome = verifier().verify(good.presentedChain(), rule(RevocationChecking.HARD_FAIL));

        assertThat(revokedOutcome.kind()).isEqualTo(VerificationKind.REVOKED);
        assertThat(revokedOutcome.reason()).isEqualTo("'CN=partner.example': REVOKED via OCSP " + base
            + "/ocsp (revoked at 2026-06-01T10:59:00Z, reason 1)");
        assertThat(goodOutcome.kind()).isEqualTo(VerificationKind.ACCEPTED);
        assertThat(goodOutcome.revocation().certificates().get(0).describe()).isEqualTo("'CN=partner.example': GOOD via OCSP "
            + base + "/ocsp (good at 2026-06-01T11:59:00Z)");
    }

    @Test
    void acceptsAnOcspAnswerSignedByADelegatedResponder() {
        ocspSigner = ISSUING.leaf("CN=Partner OCSP Responder").extendedKeyUsages(ExtendedKeyUsage.OCSP_SIGNING).issue();
        IssuedCertificate good = leafWithOcsp("/ocsp");
        routes.put("/ocsp", () -> new byte[0]);
        ocspStatus.put(good.certificate().getSerialNumber().toString(16), OcspResponses.Status.GOOD);

        assertThat(verifier().verify(good.presentedChain(), rule(RevocationChecking.HARD_FAIL)).kind())
            .isEqualTo(VerificationKind.ACCEPTED);
    }

    @Test
    void rejectsAnOcspAnswerSignedByAResponderWithoutOcspSigning() {
        ocspSigner = ISSUING.leaf("CN=Not A Responder").extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();
        IssuedCertificate good = leafWithOcsp("/ocsp");
        routes.put("/ocsp", () -> new byte[0]);
        ocspStatus.put(good.certificate().getSerialNumber().toString(16), OcspResponses.Status.GOOD);

        VerificationOutcome outcome = verifier().verify(good.presentedChain(), rule(RevocationChecking.HARD_FAIL));

        assertThat(outcome.kind()).isEqualTo(VerificationKind.REVOCATION_UNKNOWN);
        assertThat(outcome.reason()).isEqualTo("'CN=partner.example': UNKNOWN via none (OCSP " + base + "/ocsp: delegated "
            + "responder 'CN=Not A Responder' lacks extended key usage id-kp-OCSPSigning (RFC 6960 §4.2.2.2))");
    }

    @Test
    void unreachableCrlIsAcceptedAndRecordedUnderSoftFail() throws IOException {
        IssuedCertificate leaf = ISSUING.leaf("CN=partner.example").dnsNames("partner.example")
            .crlUrl("http://127.0.0.1:" + closedPort() + "/issuing.crl").issue();

        VerificationOutcome outcome = verifier().verify(leaf.presentedChain(), rule(RevocationChecking.SOFT_FAIL));

        assertThat(outcome.kind()).isEqualTo(VerificationKind.ACCEPTED);
        assertThat(outcome.notes()).hasSize(1);
        assertThat(outcome.notes().get(0)).startsWith("revocation unknown, accepted by soft-fail: 'CN=partner.example': "
            + "UNREACHABLE via none (CRL http://127.0.0.1:").contains("/issuing.crl unreachable: ");
        assertThat(outcome.revocation().certificates()).extracting(CertificateRevocation::status)
            .containsExactly(RevocationStatus.UNREACHABLE, RevocationStatus.NOT_CHECKABLE);
        assertThat(outcome.validUntil()).isEqualTo(NOW.plus(RevocationSettings.DEFAULT.unknownRetry()));
    }

    @Test
    void unreachableCrlIsATemporaryFailureUnderHardFail() throws IOException {
        IssuedCertificate leaf = ISSUING.leaf("CN=partner.example").dnsNames("partner.example")
            .crlUrl("http://127.0.0.1:" + closedPort() + "/issuing.crl").issue();

        VerificationOutcome outcome = verifier().verify(leaf.presentedChain(), rule(RevocationChecking.HARD_FAIL));

        assertThat(outcome.kind()).isEqualTo(VerificationKind.REVOCATION_UNREACHABLE);
        assertThat(outcome.temporary()).isTrue();
        assertThat(outcome.resultType()).contains(TlsRptResultType.VALIDATION_FAILURE);
        assertThat(outcome.revocation().certificates()).extracting(CertificateRevocation::status)
            .containsExactly(RevocationStatus.UNREACHABLE, RevocationStatus.NOT_CHECKABLE);
    }

    @Test
    void aDistributionPointThatAnswersWithAnHttpErrorIsUnknownNotUnreachable() {
        IssuedCertificate leaf = leafWithCrl("/missing.crl");

        VerificationOutcome outcome = verifier().verify(leaf.presentedChain(), rule(RevocationChecking.HARD_FAIL));

        assertThat(outcome.kind()).isEqualTo(VerificationKind.REVOCATION_UNKNOWN);
        assertThat(outcome.temporary()).isTrue();
        assertThat(outcome.reason()).startsWith("'CN=partner.example': UNKNOWN via none (CRL " + base
            + "/missing.crl unreachable: HTTP 404 from ");
    }

    @Test
    void anUnreachableResponderBesideAnUnusableCrlIsUnknown() throws IOException {
        IssuedCertificate leaf = ISSUING.leaf("CN=partner.example").dnsNames("partner.example")
            .ocspUrl("http://127.0.0.1:" + closedPort() + "/ocsp").crlUrl(base + "/garbage.crl").issue();
        routes.put("/garbage.crl", () -> "not a CRL".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        VerificationOutcome outcome = verifier().verify(leaf.presentedChain(), rule(RevocationChecking.HARD_FAIL));

        assertThat(outcome.kind()).isEqualTo(VerificationKind.REVOCATION_UNKNOWN);
        assertThat(outcome.reason()).contains("/ocsp unreachable: ").contains("/garbage.crl malformed: ");
        assertThat(outcome.revocation().certificates()).extracting(CertificateRevocation::status)
            .containsExactly(RevocationStatus.UNKNOWN, RevocationStatus.NOT_CHECKABLE);
    }

    @Test
    void unreachableOcspResponderUnderSoftAndHardFail() throws IOException {
        IssuedCertificate leaf = ISSUING.leaf("CN=partner.example").dnsNames("partner.example")
            .ocspUrl("http://127.0.0.1:" + closedPort() + "/ocsp").issue();

        assertThat(verifier().verify(leaf.presentedChain(), rule(RevocationChecking.SOFT_FAIL)).kind())
            .isEqualTo(VerificationKind.ACCEPTED);
        assertThat(verifier().verify(leaf.presentedChain(), rule(RevocationChecking.HARD_FAIL)).kind())
            .isEqualTo(VerificationKind.REVOCATION_UNREACHABLE);
    }

    @Test
    void malformedResponderOutputIsUnknown() {
        IssuedCertificate ocspLeaf = leafWithOcsp("/ocsp-garbage");
        routes.put("/ocsp-garbage", () -> new byte[0]);
        IssuedCertificate crlLeaf = leafWithCrl("/garbage.crl");
        routes.put("/garbage.crl", () -> "not a CRL".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        VerificationOutcome ocsp = verifier().verify(ocspLeaf.presentedChain(), rule(RevocationChecking.HARD_FAIL));
        VerificationOutcome crl = verifier().verify(crlLeaf.presentedChain(), rule(RevocationChecking.HARD_FAIL));
        VerificationOutcome soft = verifier().verify(crlLeaf.presentedChain(), rule(RevocationChecking.SOFT_FAIL));

        assertThat(ocsp.kind()).isEqualTo(VerificationKind.REVOCATION_UNKNOWN);
        assertThat(ocsp.reason()).startsWith("'CN=partner.example': UNKNOWN via none (OCSP " + base
            + "/ocsp-garbage: malformed OCSP response: ");
        assertThat(crl.kind()).isEqualTo(VerificationKind.REVOCATION_UNKNOWN);
        assertThat(crl.reason()).startsWith("'CN=partner.example': UNKNOWN via none (CRL " + base + "/garbage.crl malformed: ");
        assertThat(soft.kind()).isEqualTo(VerificationKind.ACCEPTED);
    }

    @Test
    void secondVerificationUsesTheCachedOcspAnswer() {
        IssuedCertificate good = leafWithOcsp("/ocsp");
        routes.put("/ocsp", () -> new byte[0]);
        ocspStatus.put(good.certificate().getSerialNumber().toString(16), OcspResponses.Status.GOOD);
        CertificateVerifier verifier = verifier();

        verifier.verify(good.presentedChain(), rule(RevocationChecking.HARD_FAIL));
        verifier.verify(good.presentedChain(), rule(RevocationChecking.HARD_FAIL));

        assertThat(fetches).hasValue(1);
    }

    @Test
    void fetcherRefusesOtherSchemesAndOversizedBodies() {
        routes.put("/big.crl", () -> new byte[4096]);
        JdkHttpFetcher small = new JdkHttpFetcher(Duration.ofSeconds(2), Duration.ofSeconds(2), 1024);

        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> small.get(URI.create("ldap://127.0.0.1/cn=crl"))))
            .hasMessage("unsupported URL scheme 'ldap' in ldap://127.0.0.1/cn=crl; accepted: http, https");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> small.get(URI.create(base + "/big.crl"))))
            .hasMessage(base + "/big.crl: body of 4096 bytes exceeds the limit of 1024");
    }
}
