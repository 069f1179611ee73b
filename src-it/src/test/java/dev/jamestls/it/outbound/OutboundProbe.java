package dev.jamestls.it.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.QueueProbe.QueuedMail;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.testkit.dns.LoopbackDnsServer;
import dev.jamestls.testkit.dns.SignedZones;

/** What the outbound tests submit to James and wait for: a mail sent, received by a destination, queued, or its DSN. */
public final class OutboundProbe {
    private OutboundProbe() {
    }

    /** Submits one mail on James's {@code submission} listener. */
    static void send(InProcessJames james, String recipient, String subject) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("submission"))) {
            assertThat(client.send("sender@james.local", recipient, subject)).as(client.lastReply()).isEqualTo(250);
        }
    }

    static Optional<TestSmtpServer.Received> receivedWith(TestSmtpServer server, String subject) {
        return server.received().stream().filter(r -> r.data().contains("Subject: " + subject + "\n")).findFirst();
    }

    static TestSmtpServer.Received awaitReceivedWith(TestSmtpServer server, String subject) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> receivedWith(server, subject), Optional::isPresent).orElseThrow();
    }

    /** The DSN (in James's local repository) naming {@code recipient} as a Final-Recipient. */
    static StoredMail awaitDsnFor(InProcessJames james, String repository, String recipient) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (StoredMail mail : james.repositories().mails(repository)) {
                if (mail.content().contains("Final-Recipient: rfc822; " + recipient)) {
                    return Optional.of(mail);
                }
            }
            return Optional.<StoredMail>empty();
        }, Optional::isPresent).orElseThrow();
    }

    /** The mail for {@code recipient} waiting in {@code queue} after a delivery round (it carries a verdict). */
    public static QueuedMail awaitQueued(InProcessJames james, String queue, String recipient) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> queued(james, queue, recipient), Optional::isPresent).orElseThrow();
    }

    /**
     * The mail for {@code recipient} in {@code queue} if a delivery round has tried it: TlsRemoteDelivery queues a
     * mail before its first round, without a verdict.
     */
    public static Optional<QueuedMail> queued(InProcessJames james, String queue, String recipient) throws Exception {
        return james.queues().browse(queue).stream().filter(m -> m.recipients().contains(recipient)
            && m.attributes().containsKey("dev.jamestls.outbound.verdict")).findFirst();
    }

    /** A destination's certificate from the test PKI's intermediate, for {@code host}. */
    public static CertificateAuthority.Builder serverCertificate(TestPki pki, String host) {
        return pki.intermediate.leaf("CN=" + host + ",O=destination").dnsNames(host).extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH);
    }

    /** A James directory of its own, kept after stop() so that files James wrote can be read. */
    static Path home(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An unsigned {@code example.} zone with {@code records} (TXT records need no DNSSEC: MTA-STS, TLSRPT). */
    static SignedZones unsignedExample(String... records) {
        try {
            SignedZones.Builder zones = SignedZones.builder().unsignedZone("example.");
            for (String record : records) {
                zones.record(record);
            }
            return zones.build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static LoopbackDnsServer dnsServer(SignedZones zones) {
        try {
            return LoopbackDnsServer.start(zones);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loopback destination for {@code host} presenting a certificate for {@code certifiedName}, known to James's DNS. */
    static TestSmtpServer destination(InProcessJames james, LoopbackEndpoints endpoints, TestPki pki, String host,
                                      String certifiedName) throws IOException {
        TestSmtpServer server = TestSmtpServer.builder(host).certificate(serverCertificate(pki, certifiedName).issue()).start();
        endpoints.map(host, server.port());
        james.dns().loopbackHost(host);
        return server;
    }
}
