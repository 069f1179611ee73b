package dev.jamestls.it.ledger;

import static dev.jamestls.it.harness.PolicyXml.clientCertificate;
import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.inbound;
import static dev.jamestls.it.harness.PolicyXml.outbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jamestls.cli.JamesTlsCli;
import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.LogCapture;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.it.outbound.LoopbackEndpoints;
import dev.jamestls.james.expiry.CertificateExpiryWatch;
import dev.jamestls.james.ledger.SharedLedger;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.james.webadmin.PartnerLedgerRoutes;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.revocation.RevocationChecking;
import dev.jamestls.tls.CertificatePins;

/**
 * The partner ledger in a real James 3.8.1, as an installation enables it: a partner sends with its client
 * certificate (and once without), we deliver to a destination that passes and to one that fails, a TLS report about
 * us arrives; then an HTTP client reads the WebAdmin routes loaded through {@code extensions.routes}, the CLI prints
 * them, the partner certificate expiring in 10 days is warned about once, and a restart keeps it all. One shared
 * ledger behind the SMTP hook, the mailets, the routes and the expiry watch is what makes the answers add up.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartnerLedgerEndToEndTest {
    static final TestPki PKI = new TestPki();
    static final String LOCAL = "memory://var/mail/local/";
    static final String QUEUE = "outgoing-tls";
    static final ObjectMapper JSON = new ObjectMapper();
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();
    /** The partner's client certificate: 10 days left. */
    static final IssuedCertificate EXPIRING = PKI.intermediate.leaf("CN=partner.example,O=partner.example").dnsNames("partner.example")
        .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).validity(PKI.now.minus(Duration.ofDays(80)), PKI.now.plus(Duration.ofDays(10)))
        .issue();
    static final String EXPIRING_SHA = CertificatePins.certificateSha256(EXPIRING.certificate());

    static final String POLICY = PolicyXml.opportunistic()
        .connector(connector("partner-example")
            .inbound(inbound(true).failure(Failure.PERMANENT).senderDomain("partner.example").clientCertificate(clientCertificate(RevocationChecking.OFF).name("partner.example")))
            .outbound(outbound(OutboundLevel.VERIFY).recipientDomain("partner.example")))
        .connector(connector("fail-example").outbound(outbound(OutboundLevel.ENCRYPT).recipientDomain("fail.example")))
        .xml();

    static Path directory;
    static InProcessJames james;
    static TestSmtpServer partnerMx;
    static TestSmtpServer failingMx;

    @BeforeAll
    static void start() throws Exception {
        partnerMx = TestSmtpServer.builder("mx.partner.example").certificate(PKI.intermediate.leaf("CN=mx.partner.example,O=partner")
            .dnsNames("mx.partner.example").extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue()).start();
        failingMx = TestSmtpServer.builder("mx.fail.example").certificate(PKI.intermediate.leaf("CN=mx.fail.example,O=fail")
            .dnsNames("mx.fail.example").extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue()).withoutStartTls().start();
        ENDPOINTS.map("mx.partner.example", partnerMx.port());
        ENDPOINTS.map("mx.fail.example", failingMx.port());
        directory = Files.createTempDirectory("james-tls-ledger-it-");
        james = InProcessJames.builder()
            .pki(PKI)
            .workingDirectory(directory)
            .listener(Listener.startTls("mx").wantingClientCertificate())
            .listener(Listener.plain("submission"))
            .authorizedAddresses("127.0.0.1")
            .jamesTlsHooks()
            .confFile("tls-policy.xml", POLICY)
            .confFile("webadmin.properties", """
                enabled=true
                port=0
                host=127.0.0.1
                jwt.enabled=false
                extensions.routes=%s
                """.formatted(PartnerLedgerRoutes.class.getName()))
            .confFile("extensions.properties", "guice.extension.startable=" + CertificateExpiryWatch.class.getName() + "\n")
            .webAdminFromConf()
            .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(ENDPOINTS))
            .rootProcessor("""
                      <mailet match="RecipientIs=tlsrpt@james.local" class="dev.jamestls.james.mailets.ReceiveTlsReports"/>
                      <mailet match="HostIsLocal" class="ToRepository"><repositoryPath>%s</repositoryPath></mailet>
                %s""".formatted(LOCAL, TlsRemoteDeliveryXml.toLoopback(QUEUE).xml()))
            .build();
        james.start();
        for (String host : List.of("mx.partner.example", "mx.fail.example")) {
            james.dns().loopbackHost(host);
        }
        james.dns().mx("partner.example", "mx.partner.example");
        james.dns().mx("fail.example", "mx.fail.example");
    }

    @AfterAll
    static void stop() throws Exception {
        if (james != null) {
            james.stop();
        }
        partnerMx.close();
        failingMx.close();
        FileUtils.deleteQuietly(directory.toFile());
    }

    @Test
    @Order(1)
    void recordsBothDirectionsCertificatesAndReportsAndShowsThemOverWebAdmin() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), PKI, Optional.of(EXPIRING))) {
                assertThat(client.send("billing@partner.example", "bob@james.local", "with certificate")).isEqualTo(250);
            }
            try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), PKI, Optional.empty())) {
                assertThat(client.mailFrom("billing@partner.example")).isEqualTo(530);
            }
            try (SmtpTestClient client = SmtpTestClient.plain(james.port("submission"))) {
                assertThat(client.send("alice@james.local", "carol@partner.example", "to the partner")).isEqualTo(250);
                assertThat(client.send("alice@james.local", "dave@fail.example", "to a failing destination")).isEqualTo(250);
            }
            try (SmtpTestClient client = SmtpTestClient.plain(james.port("submission"))) {
                assertThat(client.mailFrom("noreply@reporter.example")).isEqualTo(250);
                assertThat(client.rcptTo("tlsrpt@james.local")).isEqualTo(250);
                assertThat(client.data(reportMail())).isEqualTo(250);
            }

            JsonNode partner = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/jamestls/partners/partner.example").body(), body -> body.contains("\"delivered\""))
                .transform(PartnerLedgerEndToEndTest::json);
            assertThat(partner.path("domain").asText()).isEqualTo("partner.example");
            assertThat(partner.path("protocols").toString()).contains("TLSv1.3");
            assertThat(partner.path("inboundVerdicts").path("partner-example").path("compliant").asLong()).isEqualTo(1);
            assertThat(partner.path("inboundVerdicts").path("partner-example").path("violation").asLong()).isEqualTo(1);
            assertThat(partner.path("verifiedConnectors").toString()).isEqualTo("[\"partner-example\"]");
            // the last session presented no certificate: its name was only the sender's claim
            assertThat(partner.path("inboundIdentity").asText()).isEqualTo("unverified-sender-domain");
            assertThat(partner.path("lastHeloUnverified").asText()).isNotEmpty();
            assertThat(partner.path("outboundResults").path("delivered").asLong()).isEqualTo(1);
            assertThat(partner.path("lastFailure").path("direction").asText()).isEqualTo("inbound");
            assertThat(partner.path("lastFailure").path("kind").asText()).isEqualTo("certificate-required");
            assertThat(partner.path("lastFailure").path("reason").asText()).startsWith("rule partner-example: ");
            JsonNode client = certificate(partner, "client");
            assertThat(client.path("sha256").asText()).isEqualTo(EXPIRING_SHA);
            assertThat(client.path("check").asText()).isEqualTo("verified");
            assertThat(client.path("where").asText()).isEqualTo("partner-example");
            assertThat(client.path("daysLeft").asLong()).isBetween(9L, 10L);
            assertThat(Instant.parse(client.path("notAfter").asText()))
                .isEqualTo(EXPIRING.certificate().getNotAfter().toInstant().truncatedTo(ChronoUnit.SECONDS));
            JsonNode server = certificate(partner, "server");
            assertThat(server.path("where").asText()).isEqualTo("mx.partner.example");
            assertThat(server.path("subject").asText()).isEqualTo("CN=mx.partner.example,O=partner");

            JsonNode failing = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/jamestls/partners/fail.example"), response -> response.statusCode() == 200)
                .body().transform(PartnerLedgerEndToEndTest::json);
            assertThat(failing.path("outboundResults").path("tls-not-secured").asLong()).isEqualTo(1);
            assertThat(failing.path("lastFailure").path("direction").asText()).isEqualTo("outbound");
            assertThat(failing.path("lastFailure").path("reason").asText()).contains("mx.fail.example", "starttls-not-supported");

            JsonNode reports = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> json(get("/jamestls/reports/received").body()), array -> array.size() == 1);
            assertThat(reports.get(0).path("partner").asText()).isEqualTo("reporter.example");
            assertThat(reports.get(0).path("reportId").asText()).isEqualTo("ledger-it-1");
            assertThat(reports.get(0).path("aboutUs").get(0).path("domain").asText()).isEqualTo("james.local");
            assertThat(reports.get(0).path("aboutUs").get(0).path("failures").path("certificate-expired").asLong()).isEqualTo(2);
            JsonNode reporter = json(get("/jamestls/partners/reporter.example").body());
            assertThat(reporter.path("reportsAboutUs").path("reports").asLong()).isEqualTo(1);
            assertThat(reporter.path("reportsAboutUs").path("successfulSessions").asLong()).isEqualTo(40);
            assertThat(reporter.path("reportsAboutUs").path("failedSessions").asLong()).isEqualTo(2);

            JsonNode list = json(get("/jamestls/partners").body());
            assertThat(list.findValuesAsText("domain")).contains("partner.example", "fail.example", "reporter.example");

            HttpResponse<String> unknown = get("/jamestls/partners/nobody.example");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(json(unknown.body()).path("type").asText()).isEqualTo("notFound");
            // Hostile path parameters (one row each): never a partner, never raw control text in the answer.
            for (String hostile : List.of("%0D%0AX-Injected:%20yes", "%1B%5B31mred", "..%2F..%2Fetc%2Fpasswd", "%22%7D%2C%7B%22x%22%3A1")) {
                HttpResponse<String> answer = get("/jamestls/partners/" + hostile);
                assertThat(answer.statusCode()).as(hostile).isEqualTo(404);
                assertThat(json(answer.body()).path("type").asText()).as(hostile).isEqualTo("notFound");
                assertThat(answer.body()).as(hostile).doesNotContain("\r", "\n", "\u001b");
                assertThat(answer.headers().map()).as(hostile).doesNotContainKey("x-injected");
            }

            // The partner certificate expiring in 10 days: one WARN line (the 14-day threshold), a gauge.
            await().atMost(Duration.ofSeconds(10)).until(() -> warnings(log).size() == 1);
            assertThat(warnings(log)).singleElement().satisfies(line -> assertThat(line)
                .contains("certificate expiry: partner partner.example (partner-example)").contains("(threshold 14 days)"));
            assertThat(james.gauge(CertificateExpiryWatch.GAUGE_PREFIX + "partner." + EXPIRING_SHA.substring(0, 16)))
                .hasValueSatisfying(days -> assertThat((Long) days).isBetween(9L, 10L));
        }
    }

    @Test
    @Order(2)
    void theCliPrintsTheLedgerOfTheRunningJamesAsATable() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = JamesTlsCli.run(new PrintWriter(out), new PrintWriter(err), "ledger", "--webadmin", webAdmin());

        assertThat(code).as(err.toString()).isEqualTo(JamesTlsCli.CLEAN);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).startsWith("PARTNER").contains("CERT EXPIRY", "REPORTS ABOUT US");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("partner.example ")
            .contains("1 compliant, 1 violation", "delivered 1", "inbound certificate-required at", "days (client)"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("fail.example ").contains("tls-not-secured 1"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("reporter.example ").contains("1 report: 40 ok, 2 failed"));

        StringWriter detail = new StringWriter();
        assertThat(JamesTlsCli.run(new PrintWriter(detail), new PrintWriter(err), "ledger", "--webadmin", webAdmin(),
            "--partner", "partner.example")).isEqualTo(JamesTlsCli.CLEAN);
        assertThat(detail.toString()).contains("client  CN=partner.example,O=partner.example", EXPIRING_SHA);
    }

    @Test
    @Order(3)
    void aRestartKeepsTheLedger() throws Exception {
        JsonNode before = json(get("/jamestls/partners/partner.example").body());

        james.stop();
        assertThat(directory.resolve("var/jamestls/partner-ledger.json")).exists();
        // James called the ledger's @PreDestroy: its saving thread ended after the last save
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
            .noneMatch(thread -> thread.getName().equals(SharedLedger.THREAD_NAME)));
        james.start();

        JsonNode after = json(get("/jamestls/partners/partner.example").body());
        for (String field : List.of("firstSeen", "lastSeen", "protocols", "inboundVerdicts", "outboundResults", "lastFailure")) {
            assertThat(after.path(field)).as(field).isEqualTo(before.path(field));
        }
        assertThat(after.path("certificates").findValuesAsText("sha256")).isEqualTo(before.path("certificates").findValuesAsText("sha256"));
        assertThat(json(get("/jamestls/reports/received").body()).size()).isEqualTo(1);
    }

    private static List<String> warnings(LogCapture log) {
        return log.lines().stream().filter(line -> line.contains(" WARN " + CertificateExpiryWatch.class.getName() + " - ")
            && line.contains(EXPIRING_SHA)).toList();
    }

    private static JsonNode certificate(JsonNode partner, String side) {
        for (JsonNode certificate : partner.path("certificates")) {
            if (certificate.path("side").asText().equals(side)) {
                return certificate;
            }
        }
        throw new AssertionError("no " + side + " certificate in " + partner);
    }

    private static String webAdmin() {
        return "http://127.0.0.1:" + james.webAdminPort();
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(webAdmin() + path)).timeout(Duration.ofSeconds(15)).GET().build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** A TLS report (RFC 8460 §5.3) from reporter.example about james.local: 40 sessions fine, 2 with an expired certificate. */
    private static String reportMail() {
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String report = """
            {"organization-name": "Reporter Inc", "date-range": {"start-datetime": "%s", "end-datetime": "%s"},
             "contact-info": "tlsrpt@reporter.example", "report-id": "ledger-it-1",
             "policies": [{"policy": {"policy-type": "no-policy-found", "policy-domain": "james.local"},
                           "summary": {"total-successful-session-count": 40, "total-failure-session-count": 2},
                           "failure-details": [{"result-type": "certificate-expired", "failed-session-count": 2}]}]}
            """.formatted(end.minus(Duration.ofDays(1)), end);
        return String.join("\r\n",
            "From: noreply@reporter.example",
            "To: tlsrpt@james.local",
            "Subject: Report Domain: james.local Submitter: reporter.example Report-ID: <ledger-it-1>",
            "TLS-Report-Domain: james.local",
            "TLS-Report-Submitter: reporter.example",
            "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b1\"",
            "",
            "--b1",
            "Content-Type: text/plain",
            "",
            "An aggregate TLS report.",
            "--b1",
            "Content-Type: application/tlsrpt+json",
            "",
            report.strip().replace("\n", "\r\n"),
            "--b1--",
            "");
    }
}
