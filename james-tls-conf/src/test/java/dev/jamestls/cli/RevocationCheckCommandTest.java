package dev.jamestls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.OcspResponses;
import dev.jamestls.tls.NetworkFailure;
import dev.jamestls.tls.PemFiles;

/** revocation-check against a CRL distribution point and an OCSP responder served over loopback HTTP. */
class RevocationCheckCommandTest {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final CertificateAuthority ROOT = CertificateAuthority.root("CN=Example Root,O=Example", NOW);
    static final CertificateAuthority ISSUING = ROOT.intermediate("CN=Example Issuing CA,O=Example").issueAuthority();

    @TempDir
    Path dir;

    private HttpServer server;
    private String base;
    private final Map<String, Function<byte[], byte[]>> routes = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + path);
            Function<byte[], byte[]> route = routes.get(path);
            byte[] body = route == null ? null : route.apply(exchange.getRequestBody().readAllBytes());
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

    private IssuedCertificate leaf(String crlUrl, String ocspUrl) {
        return ISSUING.leaf("CN=mail.example.org,O=Example").dnsNames("mail.example.org").crlUrl(crlUrl).ocspUrl(ocspUrl).issue();
    }

    private Path pem(IssuedCertificate leaf) throws IOException {
        Path file = dir.resolve("server.pem");
        PemFiles.writeCertificates(file, leaf.presentedChain());
        return file;
    }

    private Path anchors() throws IOException {
        Path file = dir.resolve("anchors.pem");
        PemFiles.writeCertificates(file, List.of(ROOT.certificate().certificate()));
        return file;
    }

    private void serveCrl(List<BigInteger> revoked, Instant nextUpdate) {
        byte[] crl = der(ISSUING.crl(revoked, NOW.minus(Duration.ofHours(1)), nextUpdate));
        routes.put("/issuing.crl", request -> crl);
    }

    private void serveOcsp(OcspResponses.Status status) {
        routes.put("/ocsp", request -> OcspResponses.answer(request, ISSUING.certificate(), serial -> status,
            NOW.minusSeconds(60), NOW.plus(Duration.ofHours(4))));
    }

    private Cli.Run check(IssuedCertificate leaf, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("revocation-check", "--pem", pem(leaf).toString(),
            "--trust-anchors", anchors().toString(), "--timeout", "2"));
        args.addAll(List.of(extra));
        return Cli.run(CLOCK, args.toArray(String[]::new));
    }

    @Test
    void reportsGoodEndpointsWithStatusTimeAndNextUpdate() throws IOException {
        IssuedCertificate leaf = leaf(base + "/issuing.crl", base + "/ocsp");
        serveCrl(List.of(), NOW.plus(Duration.ofDays(1)));
        serveOcsp(OcspResponses.Status.GOOD);

        Cli.Run run = check(leaf, "--json");

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.get("schema").asText()).isEqualTo("james-tls/revocation-check/v1");
        assertThat(root.get("failing").asInt()).isZero();
        JsonNode ocsp = root.get("endpoints").get(0);
        assertThat(fieldNames(ocsp)).containsExactly("type", "url", "certificate", "outcome", "reachable", "httpStatus", "millis",
            "nextUpdate", "detail");
        assertThat(ocsp.get("type").asText()).isEqualTo("OCSP");
        assertThat(ocsp.get("url").asText()).isEqualTo(base + "/ocsp");
        assertThat(ocsp.get("certificate").asText()).isEqualTo("CN=mail.example.org,O=Example");
        assertThat(ocsp.get("outcome").asText()).isEqualTo("good");
        assertThat(ocsp.get("reachable").asBoolean()).isTrue();
        assertThat(ocsp.get("httpStatus").asInt()).isEqualTo(200);
        assertThat(ocsp.get("millis").asLong()).isBetween(0L, 2000L);
        assertThat(ocsp.get("nextUpdate").asText()).isEqualTo("2026-06-01T16:00:00Z");
        assertThat(ocsp.get("detail").asText()).isEqualTo("good at 2026-06-01T11:59:00Z");
        JsonNode crl = root.get("endpoints").get(1);
        assertThat(crl.get("type").asText()).isEqualTo("CRL");
        assertThat(crl.get("outcome").asText()).isEqualTo("good");
        assertThat(crl.get("nextUpdate").asText()).isEqualTo("2026-06-02T12:00:00Z");
        assertThat(crl.get("detail").asText()).isEqualTo("CRL of 'CN=Example Issuing CA,O=Example', 0 entries, signature verified;"
            + " serial " + leaf.certificate().getSerialNumber().toString(16) + " not listed");
        assertThat(requests).containsExactly("POST /ocsp", "GET /issuing.crl");
    }

    @Test
    void revokedCertificateFailsAtBothEndpoints() throws IOException {
        IssuedCertificate leaf = leaf(base + "/issuing.crl", base + "/ocsp");
        serveCrl(List.of(leaf.certificate().getSerialNumber()), NOW.plus(Duration.ofDays(1)));
        serveOcsp(OcspResponses.Status.REVOKED);

        Cli.Run run = check(leaf);

        assertThat(run.code()).isEqualTo(1);
        String serial = leaf.certificate().getSerialNumber().toString(16);
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("chain: " + dir.resolve("server.pem"));
        assertThat(lines.get(1)).matches("TYPE +CERTIFICATE +URL +RESULT +HTTP +TIME +NEXT UPDATE +DETAIL");
        assertThat(lines.get(2)).matches("OCSP +mail\\.example\\.org +" + base + "/ocsp +revoked +200 +\\d+ ms +2026-06-01T16:00:00Z"
            + " +revoked at 2026-06-01T10:59:00Z, reason 1");
        assertThat(lines.get(3)).matches("CRL +mail\\.example\\.org +" + base + "/issuing\\.crl +revoked +200 +\\d+ ms"
            + " +2026-06-02T12:00:00Z +CRL of 'CN=Example Issuing CA,O=Example', 1 entry, signature verified; serial " + serial
            + " revoked at 2026-06-01T10:00:00Z, reason KEY_COMPROMISE");
        assertThat(lines.get(4)).isEqualTo("2 endpoints: 0 good, 2 failing");
    }

    @Test
    void unreachableEndpointsFailWithTheConnectionError() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String dead = "http://127.0.0.1:" + closed;
        IssuedCertificate leaf = leaf(dead + "/issuing.crl", dead + "/ocsp");

        Cli.Run run = check(leaf, "--json");

        assertThat(run.code()).isEqualTo(1);
        JsonNode endpoints = new ObjectMapper().readTree(run.out()).get("endpoints");
        for (JsonNode endpoint : endpoints) {
            assertThat(endpoint.get("outcome").asText()).isEqualTo("unreachable");
            assertThat(endpoint.get("reachable").asBoolean()).isFalse();
            assertThat(endpoint.get("httpStatus").isNull()).isTrue();
            assertThat(endpoint.get("detail").asText()).isEqualTo(NetworkFailure.CONNECTION_REFUSED.spelling());
        }
        assertThat(endpoints).hasSize(2);
    }

    @Test
    void malformedAnswersAreNamed() throws IOException {
        IssuedCertificate leaf = leaf(base + "/issuing.crl", base + "/ocsp");
        byte[] html = "<html>maintenance</html>".getBytes(StandardCharsets.US_ASCII);
        routes.put("/issuing.crl", request -> html);
        routes.put("/ocsp", request -> html);

        Cli.Run run = check(leaf, "--json");

        assertThat(run.code()).isEqualTo(1);
        JsonNode endpoints = new ObjectMapper().readTree(run.out()).get("endpoints");
        assertThat(endpoints.get(0).get("outcome").asText()).isEqualTo("malformed");
        assertThat(endpoints.get(0).get("detail").asText()).startsWith("not an OCSP response (24 bytes): ");
        assertThat(endpoints.get(1).get("outcome").asText()).isEqualTo("malformed");
        assertThat(endpoints.get(1).get("detail").asText()).startsWith("not a CRL (24 bytes): ");
        assertThat(endpoints.get(1).get("httpStatus").asInt()).isEqualTo(200);
    }

    @Test
    void httpErrorsStaleCrlsAndUnknownOcspAnswersFail() throws IOException {
        IssuedCertificate leaf = leaf(base + "/issuing.crl", base + "/ocsp");
        serveCrl(List.of(), NOW.minus(Duration.ofMinutes(30)));
        routes.put("/ocsp", request -> OcspResponses.error(3)); // tryLater, RFC 6960 §4.2.1

        Cli.Run run = check(leaf, "--json");

        assertThat(run.code()).isEqualTo(1);
        JsonNode endpoints = new ObjectMapper().readTree(run.out()).get("endpoints");
        assertThat(endpoints.get(0).get("outcome").asText()).isEqualTo("unknown");
        assertThat(endpoints.get(0).get("detail").asText()).isEqualTo("responder status 3 (tryLater)");
        assertThat(endpoints.get(1).get("outcome").asText()).isEqualTo("stale");
        assertThat(endpoints.get(1).get("detail").asText()).isEqualTo("CRL of 'CN=Example Issuing CA,O=Example': nextUpdate "
            + "2026-06-01T11:30:00Z has passed (now 2026-06-01T12:00:00Z)");

        routes.clear();
        Cli.Run missing = check(leaf, "--json");
        JsonNode notFound = new ObjectMapper().readTree(missing.out()).get("endpoints");
        assertThat(notFound.findValuesAsText("outcome")).containsExactly("http-error", "http-error");
        assertThat(notFound.get(1).get("httpStatus").asInt()).isEqualTo(404);
        assertThat(notFound.get(1).get("detail").asText()).isEqualTo("HTTP 404");
    }

    @Test
    void ocspCannotBeAskedWithoutTheIssuer() throws IOException {
        IssuedCertificate leaf = leaf(base + "/issuing.crl", base + "/ocsp");
        serveCrl(List.of(), NOW.plus(Duration.ofDays(1)));
        Path leafOnly = dir.resolve("leaf.pem");
        PemFiles.writeCertificates(leafOnly, List.of(leaf.certificate()));

        Cli.Run run = Cli.run(CLOCK, "revocation-check", "--pem", leafOnly.toString(), "--trust-anchors", anchors().toString(), "--json");

        JsonNode endpoints = new ObjectMapper().readTree(run.out()).get("endpoints");
        assertThat(endpoints.get(0).get("outcome").asText()).isEqualTo("not-asked");
        assertThat(endpoints.get(0).get("detail").asText()).isEqualTo("issuer 'CN=Example Issuing CA,O=Example' is neither in the chain"
            + " nor a trust anchor: an OCSP request names the issuer's key (RFC 6960 §4.1.1)");
        assertThat(endpoints.get(1).get("outcome").asText()).isEqualTo("good");
        assertThat(endpoints.get(1).get("detail").asText()).startsWith("CRL of 'CN=Example Issuing CA,O=Example', 0 entries,"
            + " signature not checked (issuer unknown); serial ");
        assertThat(run.code()).isEqualTo(1);
        assertThat(requests).containsExactly("GET /issuing.crl");
    }

    @Test
    void fetchesCrlUrlsGivenDirectly() throws IOException {
        serveCrl(List.of(BigInteger.TEN), NOW.plus(Duration.ofDays(1)));

        Cli.Run run = Cli.run(CLOCK, "revocation-check", "--url", base + "/issuing.crl");

        assertThat(run.code()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("chain: --url");
        assertThat(lines.get(2)).matches("CRL +- +" + base + "/issuing\\.crl +good +200 +\\d+ ms +2026-06-02T12:00:00Z +CRL of"
            + " 'CN=Example Issuing CA,O=Example', 1 entry, signature not checked \\(issuer unknown\\)");
        assertThat(lines.get(3)).isEqualTo("1 endpoint: 1 good, 0 failing");
    }

    @Test
    void aChainWithoutEndpointsHasNothingToCheck() throws IOException {
        IssuedCertificate leaf = ISSUING.leaf("CN=mail.example.org").issue();

        Cli.Run run = Cli.run(CLOCK, "revocation-check", "--pem", pem(leaf).toString(), "--trust-anchors", anchors().toString());

        assertThat(run.code()).isZero();
        assertThat(run.out()).endsWith("no CRL distribution point and no OCSP responder in the chain: nothing to check\n");
    }

    @Test
    void aChainThatDoesNotLoadIsAnError() {
        Path missing = dir.resolve("missing.pem");

        Cli.Run run = Cli.run(CLOCK, "revocation-check", "--pem", missing.toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("revocation-check: certificate file " + missing + " not found\n");
    }

    @Test
    void rejectsAnOutOfRangeTimeout() {
        Cli.Run run = Cli.run(CLOCK, "revocation-check", "--url", base + "/x", "--timeout", "0");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).startsWith("--timeout 0 is out of range; accepted: 1..120 seconds\n");
    }

    private static byte[] der(java.security.cert.X509CRL crl) {
        try {
            return crl.getEncoded();
        } catch (java.security.cert.CRLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
