package dev.jamestls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.mtasts.HttpsStsFetcher;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.testkit.StsPolicyServer;
import dev.jamestls.testkit.StsPolicyServer.Response;

/**
 * Attacks by a published {@code rua=https:...} (RFC 8460 §3, §7): a remote domain's TXT record must not make James POST
 * to its own or the internal network's services. One row per attack.
 */
class ReportDestinationsTest {
    private static final CertificateAuthority CA = CertificateAuthority.root("CN=Internal Root", Instant.now());
    private static final ReportFile FILE = ReportFile.of(ReportFileTest.REPORTER, "example.net", DateRange.utcDay(ScriptedDay.DAY),
        "id-1", "{\"report\": 1}");

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
        loopback by name, a service with a certificate the anchors validate | https://localhost:{port}/domains
        """)
    void aLoopbackServiceWithAValidCertificateReceivesNothing(String attack, String uri) throws Exception {
        try (StsPolicyServer server = StsPolicyServer.start(CA.leaf("CN=localhost").dnsNames("localhost").issue(), Response.of(200, "text/plain", ""))) {
            String published = uri.replace("{port}", String.valueOf(server.port()));
            ReportSending.Outcome outcome = new HttpsReportPoster(HttpsStsFetcher.anchoredContext(List.of(CA.certificate().certificate())),
                Duration.ofSeconds(5), Duration.ofSeconds(10), HttpClient.Builder.NO_PROXY, ReportDestinations.PUBLIC_ONLY)
                .post(new ReportUri.Https(published, URI.create(published)), FILE);

            assertThat(outcome.kind()).as(attack).isEqualTo(ReportSending.Kind.PERMANENT);
            assertThat(server.requestCount()).as(attack).isZero();
            assertThat(server.uploads()).as(attack).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        loopback IPv4, James's own WebAdmin       | https://127.0.0.1:8000/domains | 127.0.0.1
        loopback IPv6                             | https://[::1]/                 | ::1
        unspecified IPv4                          | https://zero.example/          | 0.0.0.0
        RFC 1918 10/8                             | https://intranet.example/      | 10.1.2.3
        RFC 1918 172.16/12                        | https://intranet.example/      | 172.20.0.1
        RFC 1918 192.168/16                       | https://intranet.example/      | 192.168.1.1
        RFC 6598 shared                           | https://cgnat.example/         | 100.64.0.1
        cloud metadata, link-local 169.254/16     | https://metadata.example/      | 169.254.169.254
        unspecified IPv6                          | https://zero.example/          | ::
        ULA fc00::/7                              | https://intranet.example/      | fd12:3456::1
        link-local fe80::/10                      | https://link.example/          | fe80::1
        IPv4-compatible loopback                  | https://compat.example/        | ::127.0.0.1
        multicast                                 | https://multicast.example/     | 224.0.0.1
        limited broadcast                         | https://broadcast.example/     | 255.255.255.255
        a non-443 port of a public host           | https://reports.example:8000/  | 203.0.113.7
        """)
    void aNameResolvingToAnInternalAddressOrAnotherPortIsRefused(String attack, String uri, String address) {
        ReportDestinations rule = ReportDestinations.publicOnly(host -> List.of(InetAddress.getByName(address)));

        assertThat(rule.refusal(URI.create(uri))).as(attack).hasValueSatisfying(
            refusal -> assertThat(refusal.kind()).isEqualTo(ReportSending.Kind.PERMANENT));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        one public address | https://reports.example/v1 | 203.0.113.7
        explicit port 443  | https://reports.example:443/ | 2001:db8::7
        """)
    void aPublicHttpsServerIsAllowed(String row, String uri, String address) {
        ReportDestinations rule = ReportDestinations.publicOnly(host -> List.of(InetAddress.getByName(address)));

        assertThat(rule.refusal(URI.create(uri))).as(row).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        one internal address among public ones | 10.0.0.1
        """)
    void onePrivateAddressAmongPublicOnesIsEnough(String row, String internal) {
        ReportDestinations rule = ReportDestinations.publicOnly(host -> List.of(InetAddress.getByName("203.0.113.7"),
            InetAddress.getByName(internal)));

        assertThat(rule.refusal(URI.create("https://reports.example/"))).as(row).isPresent();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        a name that does not resolve is temporary | https://gone.example/
        """)
    void aNameThatDoesNotResolveIsTemporary(String row, String uri) {
        ReportDestinations rule = ReportDestinations.publicOnly(host -> {
            throw new UnknownHostException(host);
        });

        assertThat(rule.refusal(URI.create(uri))).as(row).hasValueSatisfying(
            refusal -> assertThat(refusal.kind()).isEqualTo(ReportSending.Kind.TEMPORARY));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        the administrator's opt-in lets loopback through | https://127.0.0.1:8000/
        """)
    void theOptInAllowsAnyDestination(String row, String uri) {
        assertThat(ReportDestinations.ANY.refusal(URI.create(uri))).as(row).isEmpty();
    }
}
