package dev.jamestls.it.outbound;

import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.outbound;
import static dev.jamestls.policy.Failure.PERMANENT;
import static dev.jamestls.policy.OutboundLevel.ENCRYPT;
import static dev.jamestls.policy.OutboundLevel.FINGERPRINT;
import static dev.jamestls.policy.OutboundLevel.MAY;
import static dev.jamestls.policy.OutboundLevel.NONE;
import static dev.jamestls.policy.OutboundLevel.SECURE;
import static dev.jamestls.policy.OutboundLevel.VERIFY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.admin.LevelJudge;
import dev.jamestls.admin.LevelVerdict;
import dev.jamestls.admin.SmtpProbe;
import dev.jamestls.admin.TargetProbe;
import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.QueueProbe.QueuedMail;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.outbound.AttemptClassification;
import dev.jamestls.outbound.AttemptVerdict;
import dev.jamestls.outbound.DeliveryTarget;
import dev.jamestls.outbound.TargetSource;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.policy.CipherPolicy;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.MatchName;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.revocation.JdkHttpFetcher;
import dev.jamestls.revocation.RevocationChecking;
import dev.jamestls.tls.TlsProtocol;
import dev.jamestls.verify.CertificateVerifier;

/**
 * Outbound delivery against a real James 3.8.1: TlsRemoteDelivery delivers to loopback SMTP servers whose TLS
 * the test chooses, at every level, and never sends message bytes in clear under a mandatory level.
 */
class OutboundDeliveryTest {
    static final String QUEUE = "outgoing-tls";
    static final String FAST_QUEUE = "outgoing-tls-fast";
    static final String LOCAL = "memory://var/mail/local/";
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();
    static final KeyPair VALID_KEY = ecKeyPair();
    static final List<String> LEVELS = List.of("none", "may", "encrypt", "verify", "secure", "fingerprint");
    static final List<String> DESTINATIONS = List.of("valid", "expired", "wrongname", "selfsigned", "nointermediate",
        "tls11only", "nostarttls", "refused");

    static final String POLICY = PolicyXml.opportunistic()
        .connector(connector("level-none").outbound(outbound(NONE).recipientDomain("*.none.example")))
        .connector(connector("level-may").outbound(outbound(MAY).recipientDomain("*.may.example")))
        .connector(connector("level-encrypt").outbound(outbound(ENCRYPT).recipientDomain("*.encrypt.example")))
        .connector(connector("level-verify").outbound(outbound(VERIFY).recipientDomain("*.verify.example")))
        .connector(connector("level-secure").outbound(outbound(SECURE).recipientDomain("*.secure.example").match(".dest.example")))
        .connector(connector("level-fingerprint").outbound(outbound(FINGERPRINT).recipientDomain("*.fingerprint.example")
            .pin(pin(VALID_KEY))))
        .connector(connector("permanent-verify").outbound(outbound(VERIFY).failure(PERMANENT).recipientDomain("*.perm.example")))
        .connector(connector("retried-verify").outbound(outbound(VERIFY).recipientDomain("*.retried.example")))
        .xml();

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .listener(Listener.plain("submission"))
        .authorizedAddresses("127.0.0.1")
        .confFile("tls-policy.xml", POLICY)
        .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(ENDPOINTS))
        .rootProcessor("""
                  <mailet match="HostIsLocal" class="ToRepository"><repositoryPath>%s</repositoryPath></mailet>
                  <mailet match="HostIs=all.retried.example" class="ToProcessor"><processor>fast</processor></mailet>
            %s""".formatted(LOCAL, TlsRemoteDeliveryXml.toLoopback(QUEUE).xml()))
        .extraProcessors(TlsRemoteDeliveryXml.toLoopback(FAST_QUEUE).delayTime("300 ms").maxRetries(2).inProcessor("fast"))
        .build();

    static final Map<String, TestSmtpServer> SERVERS = new LinkedHashMap<>();

    @BeforeAll
    static void startDestinations() throws Exception {
        TestPki pki = james.pki();
        SERVERS.put("valid", TestSmtpServer.builder("mx.valid.dest.example")
            .certificate(serverCertificate(pki, "mx.valid.dest.example").keyPair(VALID_KEY).issue()).start());
        SERVERS.put("expired", TestSmtpServer.builder("mx.expired.dest.example")
            .certificate(serverCertificate(pki, "mx.expired.dest.example")
                .validity(pki.now.minus(Duration.ofDays(30)), pki.now.minus(Duration.ofDays(1))).issue()).start());
        SERVERS.put("wrongname", TestSmtpServer.builder("mx.wrongname.dest.example")
            .certificate(serverCertificate(pki, "mail.elsewhere.example").issue()).start());
        SERVERS.put("selfsigned", TestSmtpServer.builder("mx.selfsigned.dest.example")
            .certificate(dev.jamestls.pki.CertificateAuthority.root("CN=mx.selfsigned.dest.example", pki.now).certificate()).start());
        var leafOnly = serverCertificate(pki, "mx.nointermediate.dest.example").issue();
        SERVERS.put("nointermediate", TestSmtpServer.builder("mx.nointermediate.dest.example")
            .chain(leafOnly, List.of(leafOnly.certificate())).start());
        // The JDK refuses TLS 1.0/1.1 on both ends (jdk.tls.disabledAlgorithms); a server limited to TLSv1.1
        // therefore cannot complete any handshake, which is what our client must see from a TLS 1.1-only peer.
        SERVERS.put("tls11only", TestSmtpServer.builder("mx.tls11only.dest.example")
            .certificate(serverCertificate(pki, "mx.tls11only.dest.example").issue()).protocols("TLSv1.1").start());
        SERVERS.put("nostarttls", TestSmtpServer.builder("mx.nostarttls.dest.example")
            .certificate(serverCertificate(pki, "mx.nostarttls.dest.example").issue()).withoutStartTls().start());
        SERVERS.put("refused", TestSmtpServer.builder("mx.refused.dest.example")
            .certificate(serverCertificate(pki, "mx.refused.dest.example").issue()).refusingStartTls().start());
        for (Map.Entry<String, TestSmtpServer> server : SERVERS.entrySet()) {
            String host = "mx." + server.getKey() + ".dest.example";
            james.dns().loopbackHost(host);
            ENDPOINTS.map(host, server.getValue().port());
            for (String level : LEVELS) {
                james.dns().mx(server.getKey() + "." + level + ".example", host);
            }
        }
        james.dns().mx("twomx.verify.example", "mx.wrongname.dest.example", "mx.valid.dest.example");
        james.dns().mx("expired.perm.example", "mx.expired.dest.example");
        james.dns().mx("all.retried.example", "mx.expired.dest.example", "mx.nostarttls.dest.example");
    }

    @AfterAll
    static void stopDestinations() throws Exception {
        for (TestSmtpServer server : SERVERS.values()) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
        "none, valid, clear",
        "none, expired, clear",
        "none, wrongname, clear",
        "none, selfsigned, clear",
        "none, nointermediate, clear",
        "none, tls11only, clear",
        "none, nostarttls, clear",
        "none, refused, clear",
        "may, valid, tls",
        "may, expired, tls",
        "may, wrongname, tls",
        "may, selfsigned, tls",
        "may, nointermediate, tls",
        "may, tls11only, clear",
        "may, nostarttls, clear",
        "may, refused, clear",
        "encrypt, valid, tls",
        "encrypt, expired, tls",
        "encrypt, wrongname, tls",
        "encrypt, selfsigned, tls",
        "encrypt, nointermediate, tls",
        "encrypt, tls11only, deferred validation-failure",
        "encrypt, nostarttls, deferred starttls-not-supported",
        "encrypt, refused, deferred starttls-not-supported",
        "verify, valid, tls",
        "verify, expired, deferred certificate-expired",
        "verify, wrongname, deferred certificate-host-mismatch",
        "verify, selfsigned, deferred certificate-not-trusted",
        "verify, nointermediate, deferred certificate-not-trusted",
        "verify, tls11only, deferred validation-failure",
        "verify, nostarttls, deferred starttls-not-supported",
        "verify, refused, deferred starttls-not-supported",
        "secure, valid, tls",
        "secure, expired, deferred certificate-expired",
        "secure, wrongname, deferred certificate-host-mismatch",
        "secure, selfsigned, deferred certificate-not-trusted",
        "secure, nointermediate, deferred certificate-not-trusted",
        "secure, tls11only, deferred validation-failure",
        "secure, nostarttls, deferred starttls-not-supported",
        "secure, refused, deferred starttls-not-supported",
        "fingerprint, valid, tls",
        "fingerprint, expired, deferred certificate-not-trusted",
        "fingerprint, wrongname, deferred certificate-not-trusted",
        "fingerprint, selfsigned, deferred certificate-not-trusted",
        "fingerprint, nointermediate, deferred certificate-not-trusted",
        "fingerprint, tls11only, deferred validation-failure",
        "fingerprint, nostarttls, deferred starttls-not-supported",
        "fingerprint, refused, deferred starttls-not-supported",
    })
    void everyLevelAgainstEveryDestination(String level, String destination, String expected) throws Exception {
        String subject = "case-" + level + "-" + destination;
        String recipient = "rcpt@" + destination + "." + level + ".example";
        TestSmtpServer server = SERVERS.get(destination);
        send(recipient, subject);

        if (expected.startsWith("deferred ")) {
            QueuedMail queued = awaitQueued(QUEUE, recipient);
            assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured")
                .containsEntry("dev.jamestls.outbound.resultType", expected.substring("deferred ".length()))
                .containsEntry("dev.jamestls.outbound.level", level)
                .containsEntry("dev.jamestls.outbound.rule", "level-" + level)
                .containsEntry("dev.jamestls.outbound.dsnStatus", "4.7.5")
                .containsEntry("dev.jamestls.outbound.retries", "1");
            assertThat(queued.nextDelivery()).isPresent();
            assertThat(receivedWith(server, subject)).isEmpty();
        } else {
            TestSmtpServer.Received received = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> receivedWith(server, subject), Optional::isPresent).orElseThrow();
            assertThat(received.overTls()).as("delivered over TLS").isEqualTo(expected.equals("tls"));
            if (received.overTls()) {
                assertThat(received.protocol()).isIn("TLSv1.2", "TLSv1.3");
            }
            assertThat(received.rcptTo()).containsExactly("<" + recipient + ">");
        }
        // probe is delivery's twin: under the same rule, towards the same server, it says what delivery recorded.
        assertThat(probeVerdict(level, destination)).as("probe's verdict").isEqualTo(expected);
        if (!level.equals("none") && !level.equals("may") && !expected.equals("clear")) {
            // SPEC §2: no message byte and no transaction command in clear text under a mandatory level.
            assertThat(server.clearText()).doesNotContain(subject).doesNotContain(recipient)
                .doesNotContain("MAIL FROM:<sender@james.local>\r\nRCPT TO:<" + recipient);
        }
    }

    @Test
    void firstMxFailsVerificationAndTheSecondDelivers() throws Exception {
        send("rcpt@twomx.verify.example", "two-mx");

        TestSmtpServer.Received received = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> receivedWith(SERVERS.get("valid"), "two-mx"), Optional::isPresent).orElseThrow();
        assertThat(received.overTls()).isTrue();
        assertThat(receivedWith(SERVERS.get("wrongname"), "two-mx")).isEmpty();
        assertThat(SERVERS.get("wrongname").clearText()).doesNotContain("twomx.verify.example");
    }

    @Test
    void permanentConnectorBouncesAtOnceWithEncryptionNeeded() throws Exception {
        send("rcpt@expired.perm.example", "permanent-case");

        StoredMail dsn = james.awaitDsnFor(LOCAL, "rcpt@expired.perm.example");
        assertThat(dsn.content()).contains("Status: 5.7.10")
            .contains("Final-Recipient: rfc822; rcpt@expired.perm.example")
            .contains("TLS required by connector permanent-verify (level verify, STARTTLS required, TLSv1.2/TLSv1.3")
            .contains("mx.expired.dest.example:25 [127.0.0.1]: certificate-expired: certificate expired:");
        assertThat(james.queues().browse(QUEUE)).noneMatch(m -> m.recipients().contains("rcpt@expired.perm.example"));
    }

    @Test
    void allMxFailingIsRetriedOnScheduleThenBouncedWith475() throws Exception {
        int expiredAccepts = SERVERS.get("expired").accepts();
        send("rcpt@all.retried.example", "retried-case");

        StoredMail dsn = james.awaitDsnFor(LOCAL, "rcpt@all.retried.example");
        // First attempt plus maxRetries=2 retries, each round trying both MX hosts.
        assertThat(SERVERS.get("expired").accepts() - expiredAccepts).isEqualTo(3);
        assertThat(dsn.content()).contains("Status: 4.7.5")
            .contains("TLS required by connector retried-verify (level verify")
            .contains("could not be secured for all.retried.example:")
            .contains("mx.expired.dest.example:25 [127.0.0.1]: certificate-expired")
            .contains("mx.nostarttls.dest.example:25 [127.0.0.1]: starttls-not-supported: STARTTLS not offered in the EHLO reply")
            .contains("gave up after 3 attempt round(s)");
        assertThat(SERVERS.get("nostarttls").clearText()).doesNotContain("retried-case");
    }

    /** What {@code probe} says of {@code destination} under the matrix's rule for {@code level}, in the matrix's words. */
    private static String probeVerdict(String level, String destination) {
        OutboundLevel outboundLevel = OutboundLevel.parse(level);
        String host = "mx." + destination + ".dest.example";
        DomainName nexthop = DomainName.parse(destination + "." + level + ".example");
        DeliveryTarget target = new DeliveryTarget(DomainName.parse(host), 25, TargetSource.MX, 10);
        List<X509Certificate> anchors = List.of(james.pki().root.certificate().certificate());
        TlsPlan plan = TlsPlan.forTarget(rule(outboundLevel), Mode.ENFORCE, nexthop, target, anchors);
        TlsPlan handshake = TlsPlan.forTarget(rule(OutboundLevel.MAY), Mode.ENFORCE, nexthop, target, anchors);
        Duration timeout = Duration.ofSeconds(5);
        CertificateVerifier verifier = CertificateVerifier.withRevocation(Clock.systemUTC(), new JdkHttpFetcher(timeout, timeout, 1L << 20));
        TargetProbe seen = new SmtpProbe(new SmtpProbe.Settings(timeout, timeout, Optional.of("james.local")), verifier)
            .probe(host, InetAddress.getLoopbackAddress(), SERVERS.get(destination).port(), handshake, step -> { });
        LevelVerdict verdict = new LevelJudge(verifier, RevocationChecking.OFF).judge(seen, plan);
        AttemptClassification recorded = verdict.classification().orElseThrow();
        if (verdict.result() == LevelVerdict.Result.PASS) {
            return recorded.verdict() == AttemptVerdict.DELIVERED ? "tls" : "clear";
        }
        String deferred = recorded.verdict() == AttemptVerdict.TLS_NOT_SECURED ? "deferred" : recorded.verdict().toString();
        return deferred + " " + recorded.resultType().map(Object::toString).orElse("");
    }

    /** The matrix's rule for {@code level} (see POLICY). */
    private static OutboundRequirement rule(OutboundLevel level) {
        return new OutboundRequirement(level, level == OutboundLevel.SECURE ? List.of(MatchName.parse(".dest.example")) : List.of(),
            level == OutboundLevel.FINGERPRINT ? List.of(pin(VALID_KEY)) : List.of(), TlsProtocol.LOWEST_ACCEPTABLE,
            CipherPolicy.DEFAULT, List.of(), Failure.TEMPORARY);
    }

    private static StoredMail awaitDsnFor(String recipient) {
        return OutboundProbe.awaitDsnFor(james, LOCAL, recipient);
    }

    private static QueuedMail awaitQueued(String queue, String recipient) {
        return OutboundProbe.awaitQueued(james, queue, recipient);
    }

    private static Optional<TestSmtpServer.Received> receivedWith(TestSmtpServer server, String subject) {
        return OutboundProbe.receivedWith(server, subject);
    }

    private static void send(String recipient, String subject) throws Exception {
        OutboundProbe.send(james, recipient, subject);
    }

    private static dev.jamestls.pki.CertificateAuthority.Builder serverCertificate(TestPki pki, String host) {
        return OutboundProbe.serverCertificate(pki, host);
    }

    private static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pin(KeyPair pair) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(pair.getPublic().getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
