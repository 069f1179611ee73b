package dev.jamestls.it.outbound;

import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.outbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.commons.io.FileUtils;
import org.apache.james.webadmin.RandomPortSupplier;
import org.apache.james.webadmin.WebAdminConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.ReportStores;
import dev.jamestls.james.outbound.DeliveryClock;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.james.outbound.PolicyFetchRoute;
import dev.jamestls.james.webadmin.SentReportsRoutes;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.testkit.MovableClock;
import dev.jamestls.testkit.StsPolicyServer;
import dev.jamestls.testkit.dns.LoopbackDnsServer;
import dev.jamestls.testkit.dns.SignedZones;
import dev.jamestls.tlsrpt.DateRange;
import dev.jamestls.tlsrpt.OutgoingReport;
import dev.jamestls.tlsrpt.PolicyReport;
import dev.jamestls.tlsrpt.PolicyType;
import dev.jamestls.tlsrpt.ReceivedReports;
import dev.jamestls.tlsrpt.TlsReport;
import dev.jamestls.tlsrpt.TlsReportJson;

/**
 * Sending TLS reports (RFC 8460) through a real James 3.8.1: James delivers to a destination that passes
 * ({@code ok.example}, opportunistic TLS) and one that fails ({@code broken.example}, a {@code verify} connector and a
 * certificate naming another host); then the UTC day is made to end (the delivery's clock is moved, nothing sleeps a
 * day) and each domain's report goes where its {@code _smtp._tls} record (on a loopback DNS server) says: by mail
 * through James's own pipeline to a loopback SMTP server, and by HTTPS POST to a loopback HTTPS server that is down at
 * first, so the report is retried later, the same report, while mail keeps being delivered. WebAdmin lists the reports
 * ({@code GET /jamestls/reports/sent}, the route loaded as {@code extensions.routes} loads it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutboundTlsReportsTest {
    static final String QUEUE = "outgoing-rpt";
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();
    static final TestPki PKI = new TestPki();
    static final MovableClock CLOCK = new MovableClock(Instant.now());
    static final LocalDate DAY = LocalDate.ofInstant(CLOCK.instant(), ZoneOffset.UTC);
    static final Instant DAY_REPORTED = DAY.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofMinutes(5));
    static final LoopbackDnsServer DNS = OutboundProbe.dnsServer(ZonesHolder.ZONES);
    static final StsPolicyServer REPORTS_HTTPS = StsPolicyServer.start(
        OutboundProbe.serverCertificate(PKI, "tlsrpt.reports.example").issue(), StsPolicyServer.Response.of(503, "text/plain", "down"));
    static final Path HOME = OutboundProbe.home("james-tls-it-rpt-");

    /** The delivery's clock is the test's; the background work runs every 200 ms. */
    static final class TestClock extends DeliveryClock {
        @Override
        public java.time.Clock clock() {
            return CLOCK;
        }

        @Override
        public Duration backgroundInterval() {
            return Duration.ofMillis(200);
        }
    }

    /** The HTTPS report endpoint's name tunnels to the loopback server. */
    static final class LoopbackReportHost extends PolicyFetchRoute {
        @Override
        public java.net.ProxySelector route() {
            return REPORTS_HTTPS.route();
        }
    }

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .workingDirectory(HOME)
        .pki(PKI)
        .listener(Listener.plain("submission"))
        .authorizedAddresses("127.0.0.1")
        .webAdmin()
        .confFile("tls-policy.xml", PolicyXml.policy().defaults(outbound(OutboundLevel.MAY))
            .connector(connector("broken").outbound(outbound(OutboundLevel.VERIFY).recipientDomain("broken.example"))).xml())
        .binding(binder -> {
            binder.bind(DeliveryEndpoints.class).toInstance(ENDPOINTS);
            binder.bind(PolicyFetchRoute.class).toInstance(new LoopbackReportHost());
            binder.bind(DeliveryClock.class).toInstance(new TestClock());
            // As extensions.routes in webadmin.properties loads it.
            binder.bind(WebAdminConfiguration.class).toInstance(WebAdminConfiguration.builder().enabled().corsDisabled()
                .host("127.0.0.1").port(new RandomPortSupplier()).additionalRoute(SentReportsRoutes.class.getName()).build());
        })
        .rootProcessor(TlsRemoteDeliveryXml.toLoopback(QUEUE)
            .parameter("dnssecResolver", "127.0.0.1:" + DNS.address().getPort())
            .parameter("dnssecTrustAnchor", "file://conf/dnssec-root.key")
            .parameter("tlsReports", "true")
            // the report host is a loopback server reached through a test route: the administrator's explicit opt-in
            .parameter("tlsReportPrivateDestinations", "true")
            .parameter("tlsReportSender", "tlsrpt@sender.example")
            .parameter("tlsReportOrganization", "Example Sender")
            .parameter("tlsReportContact", "tls-admin@sender.example").xml())
        .confFile("dnssec-root.key", ZonesHolder.ZONES.trustAnchor() + "\n")
        .build();

    static TestSmtpServer ok;
    static TestSmtpServer broken;
    static TestSmtpServer reports;

    /** The reporting policies: TXT records need no DNSSEC (RFC 8460 §3). */
    static final class ZonesHolder {
        static final SignedZones ZONES = OutboundProbe.unsignedExample(
            "_smtp._tls.ok.example. 300 IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@reports.example\"",
            "_smtp._tls.broken.example. 300 IN TXT \"v=TLSRPTv1; rua=https://tlsrpt.reports.example/v1/report\"");
    }

    @BeforeAll
    static void startDestinations() throws Exception {
        ok = destination("mx.ok.example", "mx.ok.example");
        broken = destination("mx.broken.example", "mail.elsewhere.example");
        reports = destination("mx.reports.example", "mx.reports.example");
        james.dns().mx("ok.example", "mx.ok.example").mx("broken.example", "mx.broken.example")
            .mx("reports.example", "mx.reports.example");
    }

    private static TestSmtpServer destination(String host, String certifiedName) throws Exception {
        return OutboundProbe.destination(james, ENDPOINTS, PKI, host, certifiedName);
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestSmtpServer server : new TestSmtpServer[] {ok, broken, reports}) {
            if (server != null) {
                server.close();
            }
        }
        REPORTS_HTTPS.close();
        DNS.close();
        james.stop();
        FileUtils.deleteQuietly(HOME.toFile());
    }

    private static Optional<OutgoingReport> outgoing(String domain) {
        return ReportStores.all().stream().flatMap(store -> store.find(domain, DAY).stream()).findFirst();
    }

    private static TlsReport parse(byte[] gzip) throws Exception {
        return TlsReportJson.parse(ReceivedReports.json(new ByteArrayInputStream(gzip), ReceivedReports.Encoding.GZIP));
    }

    @Test
    @Order(1)
    void theDaysDeliveriesPassAndFail() throws Exception {
        OutboundProbe.send(james, "rcpt@ok.example", "rpt-ok");
        OutboundProbe.send(james, "rcpt@broken.example", "rpt-broken");

        assertThat(OutboundProbe.awaitReceivedWith(ok, "rpt-ok").overTls()).isTrue();
        assertThat(OutboundProbe.awaitQueued(james, QUEUE, "rcpt@broken.example").attributes())
            .containsEntry("dev.jamestls.outbound.resultType", "certificate-host-mismatch");
        assertThat(outgoing("ok.example")).as("no report while the day lasts").isEmpty();
    }

    @Test
    @Order(2)
    void afterTheDayTheReportIsMailedThroughJamesToTheMailtoDestination() throws Exception {
        CLOCK.moveTo(DAY_REPORTED);

        TestSmtpServer.Received mail = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> reports.received().stream().filter(r -> r.data().contains("TLS-Report-Domain: ok.example")).findFirst(),
                Optional::isPresent).orElseThrow();

        assertThat(mail.rcptTo()).containsExactly("<tlsrpt@reports.example>");
        assertThat(mail.mailFrom()).isEqualTo("<tlsrpt@sender.example>");
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(mail.data().getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(message.getHeader("TLS-Report-Submitter", null)).isEqualTo("sender.example");
        assertThat(message.getHeader("TLS-Required", null)).isEqualTo("No");
        assertThat(message.getSubject()).startsWith("Report Domain: ok.example Submitter: sender.example Report-ID: <" + DAY
            + ".ok.example.");
        ContentType type = new ContentType(message.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("tlsrpt");
        MimeBodyPart part = (MimeBodyPart) ((MimeMultipart) message.getContent()).getBodyPart(1);
        assertThat(new ContentType(part.getContentType()).getBaseType()).isEqualTo("application/tlsrpt+gzip");
        assertThat(part.getFileName()).matches("sender\\.example!ok\\.example!"
            + DAY.atStartOfDay(ZoneOffset.UTC).toEpochSecond() + "!" + (DAY.atStartOfDay(ZoneOffset.UTC).toEpochSecond() + 86_399)
            + "![a-z0-9]+\\.json\\.gz");

        TlsReport report = parse(part.getInputStream().readAllBytes());
        assertThat(report.organizationName()).isEqualTo("Example Sender");
        assertThat(report.contactInfo()).isEqualTo("tls-admin@sender.example");
        assertThat(report.dateRange()).isEqualTo(DateRange.utcDay(DAY));
        assertThat(report.policies()).singleElement().satisfies(policy -> {
            assertThat(policy.policy().type()).isEqualTo(PolicyType.NO_POLICY_FOUND);
            assertThat(policy.policy().domain()).isEqualTo("ok.example");
            assertThat(policy.summary().totalSuccessfulSessionCount()).isEqualTo(ok.received().stream()
                .filter(r -> r.data().contains("Subject: rpt-")).count());
            assertThat(policy.summary().totalFailureSessionCount()).isZero();
            assertThat(policy.failureDetails()).isEmpty();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> outgoing("ok.example").map(OutgoingReport::finished).orElse(false));
    }

    @Test
    @Order(3)
    void anHttpsDestinationThatIsDownGetsTheSameReportLaterAndDeliveryGoesOn() throws Exception {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> !REPORTS_HTTPS.uploads().isEmpty());
        OutgoingReport.Delivery failed = outgoing("broken.example").orElseThrow().deliveries().get(0);
        assertThat(failed.state()).isEqualTo(OutgoingReport.State.PENDING);
        assertThat(failed.detail()).isEqualTo("HTTP 503");

        // Mail is delivered while the report waits.
        OutboundProbe.send(james, "rcpt@ok.example", "rpt-meanwhile");
        assertThat(OutboundProbe.awaitReceivedWith(ok, "rpt-meanwhile").overTls()).isTrue();

        REPORTS_HTTPS.respond(StsPolicyServer.Response.of(200, "text/plain", ""));
        CLOCK.advance(Duration.ofMinutes(5));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> outgoing("broken.example").orElseThrow().deliveries().get(0).state() == OutgoingReport.State.SENT);

        List<StsPolicyServer.Upload> uploads = REPORTS_HTTPS.uploads();
        assertThat(uploads).hasSize(2);
        assertThat(uploads.get(1).body()).as("the same report, nothing lost").isEqualTo(uploads.get(0).body());
        assertThat(uploads.get(1).path()).isEqualTo("/v1/report");
        assertThat(uploads.get(1).contentType()).isEqualTo("application/tlsrpt+gzip");
        TlsReport report = parse(uploads.get(1).body());
        assertThat(report.dateRange()).isEqualTo(DateRange.utcDay(DAY));
        PolicyReport policy = report.policies().get(0);
        assertThat(report.policies()).hasSize(1);
        assertThat(policy.policy().type()).isEqualTo(PolicyType.NO_POLICY_FOUND);
        assertThat(policy.policy().domain()).isEqualTo("broken.example");
        assertThat(policy.summary().totalSuccessfulSessionCount()).isZero();
        assertThat(policy.summary().totalFailureSessionCount()).isPositive();
        assertThat(policy.failureDetails()).singleElement().satisfies(row -> {
            assertThat(row.resultType()).isEqualTo("certificate-host-mismatch");
            assertThat(row.receivingMxHostname()).contains("mx.broken.example");
            assertThat(row.receivingIp()).contains("127.0.0.1");
            assertThat(row.sendingMtaIp()).as("our end of the connection").contains("127.0.0.1");
            assertThat(row.failedSessionCount()).isEqualTo(policy.summary().totalFailureSessionCount());
        });
        assertThat(broken.received()).as("the failing destination got nothing").isEmpty();
        assertThat(REPORTS_HTTPS.requests()).extracting(StsPolicyServer.Request::host).containsOnly("tlsrpt.reports.example");
    }

    @Test
    @Order(4)
    void webAdminListsTheReportsAndWhereEachWent() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + james.webAdminPort() + "/jamestls/reports/sent")).GET().build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode rows = new ObjectMapper().readTree(response.body());
        assertThat(rows).hasSize(2);
        JsonNode okReport = find(rows, "ok.example");
        assertThat(okReport.get("day").textValue()).isEqualTo(DAY.toString());
        assertThat(okReport.get("phase").textValue()).isEqualTo("delivering");
        assertThat(okReport.has("report")).as("no report body").isFalse();
        assertThat(okReport.get("deliveries").get(0).get("uri").textValue()).isEqualTo("mailto:tlsrpt@reports.example");
        assertThat(okReport.get("deliveries").get(0).get("state").textValue()).isEqualTo("sent");
        JsonNode brokenReport = find(rows, "broken.example");
        assertThat(brokenReport.get("deliveries").get(0).get("state").textValue()).isEqualTo("sent");
        assertThat(brokenReport.get("deliveries").get(0).get("attempts").intValue()).isEqualTo(2);
        assertThat(brokenReport.get("report-id").textValue()).startsWith(DAY + ".broken.example.");
    }

    private static JsonNode find(JsonNode rows, String domain) {
        for (JsonNode row : rows) {
            if (row.get("domain").textValue().equals(domain)) {
                return row;
            }
        }
        throw new AssertionError("no report for " + domain + " in " + rows);
    }
}
