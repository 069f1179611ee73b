package dev.jamestls.it.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.LogCapture;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.james.expiry.CertificateExpiryWatch;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.tls.CertificatePins;
import dev.jamestls.tls.PemFiles;

/**
 * The certificate expiry watch in a real James, enabled as an administrator does it
 * ({@code conf/extensions.properties}): a STARTTLS listener whose certificate expires in 10 days, and one whose
 * CRL (served on loopback) lists it as revoked while its OCSP responder does not answer.
 */
class CertificateExpiryWatchTest {
    private static final String WATCH_LOGGER = CertificateExpiryWatch.class.getName();

    @Test
    void warnsAtTheFourteenDayThresholdAndPublishesTheDaysLeftOfAListenerCertificateExpiringInTenDays() throws Exception {
        TestPki pki = new TestPki();
        IssuedCertificate expiring = pki.intermediate.leaf("CN=james.local,O=james-tls tests")
            .dnsNames("james.local", "localhost").extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH)
            .keyPair(pki.server.keyPair())
            .validity(pki.now.minus(Duration.ofDays(80)), pki.now.plus(Duration.ofDays(10))).issue();
        String leaf = CertificatePins.certificateSha256(expiring.certificate());
        String intermediate = CertificatePins.certificateSha256(pki.intermediate.certificate().certificate());
        InProcessJames james = InProcessJames.builder()
            .pki(pki)
            .listener(Listener.startTls("mx"))
            .rootProcessor("<mailet match=\"All\" class=\"Null\"/>")
            .confFile("server.pem", PemFiles.certificates(expiring.presentedChain()))
            .confFile("extensions.properties", "guice.extension.startable=" + CertificateExpiryWatch.class.getName() + "\n")
            .build();

        try (LogCapture log = LogCapture.start()) {
            james.start();

            List<String> warnings = log.lines().stream()
                .filter(line -> line.contains(" WARN " + WATCH_LOGGER + " - ")).toList();
            assertThat(warnings).singleElement().satisfies(line -> assertThat(line)
                .contains("listener smtpserver-mx (127.0.0.1:" + james.port("mx") + ")")
                .contains("sha256=" + leaf)
                .contains("(threshold 14 days)"));
            assertThat(james.gauge("jamestls.certificate.daysLeft.listener." + leaf.substring(0, 16)))
                .hasValueSatisfying(days -> assertThat((Long) days).isBetween(9L, 10L));
            assertThat(james.gauge("jamestls.certificate.daysLeft.listener." + intermediate.substring(0, 16)))
                .hasValueSatisfying(days -> assertThat((Long) days).isGreaterThan(30L));
        } finally {
            james.stop();
        }
        // the watch's thread stops with James
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
            .noneMatch(thread -> thread.getName().equals(CertificateExpiryWatch.THREAD_NAME)));
    }

    @Test
    void reportsTheRevokedListenerCertificateAndTheSilentResponderOfItsOwnEndpoints() throws Exception {
        TestPki pki = new TestPki();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String crlUrl = "http://127.0.0.1:" + http.getAddress().getPort() + "/issuing.crl";
        String ocspUrl = "http://127.0.0.1:" + closedPort() + "/ocsp";
        IssuedCertificate revoked = pki.intermediate.leaf("CN=james.local,O=james-tls tests")
            .dnsNames("james.local", "localhost").extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH)
            .keyPair(pki.server.keyPair()).crlUrl(crlUrl).ocspUrl(ocspUrl).issue();
        http.createContext("/issuing.crl", exchange -> {
            byte[] body;
            try {
                body = pki.intermediate.crl(List.of(revoked.certificate().getSerialNumber()), pki.now.minus(Duration.ofHours(1)),
                    pki.now.plus(Duration.ofDays(1))).getEncoded();
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        String leaf = CertificatePins.certificateSha256(revoked.certificate());
        String intermediate = CertificatePins.certificateSha256(pki.intermediate.certificate().certificate());
        InProcessJames james = InProcessJames.builder()
            .pki(pki)
            .listener(Listener.startTls("mx"))
            .rootProcessor("<mailet match=\"All\" class=\"Null\"/>")
            .confFile("server.pem", PemFiles.certificates(revoked.presentedChain()))
            .confFile("extensions.properties", "guice.extension.startable=" + CertificateExpiryWatch.class.getName() + "\n")
            .build();

        try (LogCapture log = LogCapture.start()) {
            james.start();

            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                james.gauge(CertificateExpiryWatch.REVOCATION_GAUGE_PREFIX + "listener." + leaf.substring(0, 16))).contains(2));
            List<String> warnings = log.lines().stream()
                .filter(line -> line.contains(" WARN " + WATCH_LOGGER + " - certificate revocation: ")).toList();
            assertThat(warnings).hasSize(2).allSatisfy(line -> assertThat(line).contains("sha256=" + leaf));
            assertThat(warnings).anySatisfy(line -> assertThat(line).contains("CRL " + crlUrl + ": revoked"));
            assertThat(warnings).anySatisfy(line -> assertThat(line).contains("OCSP " + ocspUrl + ": unreachable"));
            // the intermediate names no endpoint: nothing to check, nothing to warn about
            assertThat(james.gauge(CertificateExpiryWatch.REVOCATION_GAUGE_PREFIX + "listener." + intermediate.substring(0, 16)))
                .contains(-1);
        } finally {
            james.stop();
            http.stop(0);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
