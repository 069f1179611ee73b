package dev.jamestls.it.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

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
 * ({@code conf/extensions.properties}): a STARTTLS listener whose certificate expires in 10 days.
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
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
            .noneMatch(thread -> thread.getName().equals(CertificateExpiryWatch.THREAD_NAME)));
    }
}
