package dev.jamestls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import dev.jamestls.ledger.InboundSeen;
import dev.jamestls.ledger.LedgerJson;
import dev.jamestls.ledger.PartnerLedger;
import dev.jamestls.tls.CertificateFacts;

/**
 * {@code ledger} against a loopback HTTP server answering as James's routes do, with the ledger's own JSON: the tables,
 * the bearer token, the errors. The real routes in a real James: src-it {@code PartnerLedgerEndToEndTest}.
 */
class LedgerCommandTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path directory;

    private HttpServer server;
    private final Map<String, String> authorization = new ConcurrentHashMap<>();
    private final PartnerLedger ledger = new PartnerLedger();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jamestls/partners", exchange -> {
            authorization.put("last", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            String path = exchange.getRequestURI().getPath();
            String domain = path.substring("/jamestls/partners".length()).replaceFirst("^/", "");
            String body;
            int status = 200;
            if (domain.isEmpty()) {
                body = LedgerJson.partners(ledger.partners(), Optional.of(NOW)).toString();
            } else if (ledger.partner(domain).isPresent()) {
                body = LedgerJson.partner(ledger.partner(domain).orElseThrow(), Optional.of(NOW)).toString();
            } else {
                status = 404;
                body = "{\"statusCode\":404,\"type\":\"notFound\",\"message\":\"The TLS ledger holds no partner '" + domain + "'\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        CertificateFacts leaf = new CertificateFacts("CN=mta.partner.example\r\nINFO forged", "CN=Partner CA", "1",
            NOW.minus(Duration.ofDays(300)), NOW.plus(Duration.ofDays(9)), List.of(), List.of(), "ab".repeat(32), "pin", "EC", 256,
            "SHA256withECDSA", List.of(), List.of(), List.of());
        ledger.inbound(new InboundSeen(NOW, "partner.example", "partner", "compliant", Optional.empty(), Optional.of("TLSv1.3"),
            Optional.of("TLS_AES_128_GCM_SHA256"), Optional.of(leaf), "verified", Optional.of("partner"), Optional.of("mta")));
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void printsOneRowPerPartner() {
        Cli.Run run = Cli.run(Clock.systemUTC(), "ledger", "--webadmin", url());

        assertThat(run.code()).isEqualTo(JamesTlsCli.CLEAN);
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).startsWith("PARTNER").contains("LAST SEEN", "TLS", "INBOUND", "OUTBOUND", "CERT EXPIRY");
        assertThat(lines.get(1)).startsWith("partner.example").contains("TLSv1.3", "1 compliant, 0 violations (verified)",
            "9 days (client)");
        assertThat(authorization.get("last")).isEqualTo("null");
    }

    @Test
    void printsOnePartnerWithItsCertificatesEscaped() {
        Cli.Run run = Cli.run(Clock.systemUTC(), "ledger", "--webadmin", url() + "/", "--partner", "partner.example");

        assertThat(run.code()).isEqualTo(JamesTlsCli.CLEAN);
        assertThat(run.out()).contains("Partner partner.example", "mta (unverified)", "verified-client-certificate")
            .contains("client  CN=mta.partner.example\\x0D\\x0AINFO forged  CN=Partner CA")
            .doesNotContain("\r");
    }

    @Test
    void sendsTheBearerTokenFromItsFile() throws IOException {
        Path token = Files.writeString(directory.resolve("token"), "eyJ.payload.signature\n");

        Cli.Run run = Cli.run(Clock.systemUTC(), "ledger", "--webadmin", url(), "--token-file", token.toString(), "--json");

        assertThat(run.code()).isEqualTo(JamesTlsCli.CLEAN);
        assertThat(authorization.get("last")).isEqualTo("Bearer eyJ.payload.signature");
        assertThat(run.out()).contains("\"domain\" : \"partner.example\"").doesNotContain("eyJ");
    }

    @Test
    void anUnknownPartnerExitsOneWithJamesMessage() {
        Cli.Run run = Cli.run(Clock.systemUTC(), "ledger", "--webadmin", url(), "--partner", "nobody.example");

        assertThat(run.code()).isEqualTo(JamesTlsCli.ERRORS);
        assertThat(run.err()).isEqualTo("ledger: GET " + url() + "/jamestls/partners/nobody.example: HTTP 404 The TLS ledger holds"
            + " no partner 'nobody.example'\n");
    }

    @Test
    void routesThatAreNotInstalledAreNamedWithTheSettingThatInstallsThem() {
        Cli.Run run = Cli.run(Clock.systemUTC(), "ledger", "--webadmin", url(), "--reports");

        assertThat(run.code()).isEqualTo(JamesTlsCli.ERRORS);
        assertThat(run.err()).contains("HTTP 404", LedgerCommand.ROUTES + " in extensions.routes of webadmin.properties");
    }

    @Test
    void aWebAdminThatIsNotAnHttpUrlIsAUsageError() {
        Cli.Run run = Cli.run(Clock.systemUTC(), "ledger", "--webadmin", "ftp://127.0.0.1:8000");

        assertThat(run.code()).isEqualTo(JamesTlsCli.USAGE);
        assertThat(run.err()).contains("--webadmin ftp://127.0.0.1:8000 is not an http:// or https:// URL with a host");
    }
}
