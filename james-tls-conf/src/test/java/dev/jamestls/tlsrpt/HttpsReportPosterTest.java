package dev.jamestls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.jamestls.mtasts.HttpsStsFetcher;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.testkit.StsPolicyServer;
import dev.jamestls.testkit.StsPolicyServer.Response;

/** RFC 8460 §5.4 over real loopback HTTPS: the POST, its media type, what counts as taken. */
class HttpsReportPosterTest {
    private static final CertificateAuthority CA = CertificateAuthority.root("CN=Test WebPKI Root", Instant.now());
    private static final CertificateAuthority OTHER_CA = CertificateAuthority.root("CN=Unknown Root", Instant.now());
    private static final ReportUri.Https DESTINATION = new ReportUri.Https("https://reports.example.net/v1/tlsrpt",
        URI.create("https://reports.example.net/v1/tlsrpt"));
    private static final ReportFile FILE = ReportFile.of(ReportFileTest.REPORTER, "example.net", DateRange.utcDay(ScriptedDay.DAY),
        "id-1", "{\"report\": 1}");

    /** The report host resolves to a public address; the route tunnels to the loopback server. */
    private static final ReportDestinations PUBLIC_NAME = ReportDestinations.publicOnly(host -> List.of(InetAddress.getByName("203.0.113.7")));

    private StsPolicyServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    private ReportSending.Outcome post(CertificateAuthority issuer, String name, Response response, Duration total) {
        server = StsPolicyServer.start(issuer.leaf("CN=" + name).dnsNames(name).issue(), response);
        return new HttpsReportPoster(HttpsStsFetcher.anchoredContext(List.of(CA.certificate().certificate())), Duration.ofSeconds(5),
            total, server.route(), PUBLIC_NAME).post(DESTINATION, FILE);
    }

    @Test
    void postsTheGzipReportAsApplicationTlsrptGzipAndA2xxIsSent() {
        ReportSending.Outcome outcome = post(CA, "reports.example.net", Response.of(201, "text/plain", ""), Duration.ofSeconds(10));

        assertThat(outcome.kind()).isEqualTo(ReportSending.Kind.SENT);
        assertThat(server.requests()).containsExactly(new StsPolicyServer.Request("reports.example.net", "POST", "/v1/tlsrpt"));
        assertThat(server.uploads()).singleElement().satisfies(upload -> {
            assertThat(upload.contentType()).isEqualTo("application/tlsrpt+gzip");
            assertThat(upload.body()).isEqualTo(FILE.gzip());
        });
    }

    @Test
    void anotherStatusOrARedirectIsATemporaryFailure() {
        assertThat(post(CA, "reports.example.net", Response.of(503, "text/plain", "busy"), Duration.ofSeconds(10)))
            .isEqualTo(ReportSending.Outcome.failed("HTTP 503"));
        server.close();
        assertThat(post(CA, "reports.example.net", Response.redirect("https://elsewhere.example/"), Duration.ofSeconds(10)).kind())
            .isEqualTo(ReportSending.Kind.TEMPORARY);
        assertThat(server.requestCount()).as("the redirect is not followed").isEqualTo(1);
    }

    @Test
    void aServerTheAnchorsDoNotValidateOrThatNamesAnotherHostGetsNothing() {
        assertThat(post(OTHER_CA, "reports.example.net", Response.of(200, "text/plain", ""), Duration.ofSeconds(10)).kind())
            .isEqualTo(ReportSending.Kind.TEMPORARY);
        assertThat(server.uploads()).isEmpty();
        server.close();
        assertThat(post(CA, "reports.example.org", Response.of(200, "text/plain", ""), Duration.ofSeconds(10)).kind())
            .isEqualTo(ReportSending.Kind.TEMPORARY);
        assertThat(server.uploads()).isEmpty();
    }

    @Test
    void aSlowServerIsCutOffAtTheTimeBound() {
        long started = System.nanoTime();
        ReportSending.Outcome outcome = post(CA, "reports.example.net", Response.policy("x".repeat(1000)).slowBody(Duration.ofSeconds(30)),
            Duration.ofSeconds(1));

        assertThat(outcome.kind()).isEqualTo(ReportSending.Kind.TEMPORARY);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
}
