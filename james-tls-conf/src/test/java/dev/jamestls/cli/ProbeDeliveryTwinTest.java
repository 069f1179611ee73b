package dev.jamestls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.SslContexts;
import dev.jamestls.tls.CertificatePins;
import dev.jamestls.tls.PemFiles;

/**
 * {@code probe} is the twin of delivery: for every level × destination of the delivery matrix
 * ({@code OutboundDeliveryTest} in src-it, where {@code TlsRemoteDelivery} in a real James records these very
 * outcomes), the probe's verdict for that level, with the options that mirror the delivery rule, is what
 * delivery records: {@code tls} and {@code clear} deliver (over TLS, in clear text), {@code deferred TYPE}
 * refuses with that RFC 8460 result type. Same destinations, built the same way, on real loopback TLS servers.
 * Two more destinations (TLS 1.2 only, one CBC suite only) show that a rule's minimumProtocol and ciphers count.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProbeDeliveryTwinTest {
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final CertificateAuthority ROOT = CertificateAuthority.root("CN=Destination Root,O=destination", NOW);
    static final CertificateAuthority ISSUING = ROOT.intermediate("CN=Destination Issuing CA,O=destination").issueAuthority();
    static final Map<String, TestSmtpServer> SERVERS = new LinkedHashMap<>();
    static final List<String> LEVELS = List.of("none", "may", "encrypt", "verify", "secure", "fingerprint");

    @TempDir
    static Path dir;
    static LoopbackDns dns;
    static IssuedCertificate valid;

    @BeforeAll
    static void startDestinations() throws IOException {
        valid = serverCertificate("mx.valid.dest.example").issue();
        SERVERS.put("valid", tls(valid, List.of()));
        SERVERS.put("expired", tls(serverCertificate("mx.expired.dest.example")
            .validity(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1))).issue(), List.of()));
        SERVERS.put("wrongname", tls(serverCertificate("mail.elsewhere.example").issue(), List.of()));
        SERVERS.put("selfsigned", tls(CertificateAuthority.root("CN=mx.selfsigned.dest.example", NOW).certificate(), List.of()));
        IssuedCertificate leaf = serverCertificate("mx.nointermediate.dest.example").issue();
        SERVERS.put("nointermediate", tls(new IssuedCertificate(leaf.certificate(), leaf.keyPair(), List.of()), List.of()));
        // The JDK refuses TLS 1.0/1.1 on both ends: a server limited to TLSv1.1 completes no handshake with us.
        SERVERS.put("tls11only", tls(serverCertificate("mx.tls11only.dest.example").issue(), List.of("TLSv1.1")));
        SERVERS.put("nostarttls", new TestSmtpServer(Optional.empty(), List.of(), false));
        SERVERS.put("refused", new TestSmtpServer(Optional.of(SslContexts.context(
            Optional.of(serverCertificate("mx.refused.dest.example").issue()), List.of())), List.of(), List.of(), false, true));
        // Beyond the delivery matrix: what a rule's minimumProtocol and ciphers refuse.
        SERVERS.put("tls12only", tls(serverCertificate("mx.tls12only.dest.example").issue(), List.of("TLSv1.2")));
        SERVERS.put("cbconly", new TestSmtpServer(Optional.of(SslContexts.context(
            Optional.of(serverCertificate("mx.cbconly.dest.example").issue()), List.of())), List.of("TLSv1.2"),
            List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"), false, false));
        dns = new LoopbackDns();
        for (String destination : SERVERS.keySet()) {
            dns.a("mx." + destination + ".dest.example", "127.0.0.1");
            for (String level : LEVELS) {
                dns.mx(destination + "." + level + ".example", 10, "mx." + destination + ".dest.example");
            }
        }
        dns.mx("partner.verify.example", 10, "mx.valid.dest.example");
        PemFiles.writeCertificates(dir.resolve("anchors.pem"), List.of(ROOT.certificate().certificate()));
    }

    @AfterAll
    static void stopDestinations() throws Exception {
        for (TestSmtpServer server : SERVERS.values()) {
            server.close();
        }
        dns.close();
    }

    private static TestSmtpServer tls(IssuedCertificate identity, List<String> protocols) throws IOException {
        return new TestSmtpServer(Optional.of(SslContexts.context(Optional.of(identity), List.of())), protocols, false);
    }

    private static CertificateAuthority.Builder serverCertificate(String host) {
        return ISSUING.leaf("CN=" + host + ",O=destination").dnsNames(host).extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH);
    }

    /** The options that mirror the delivery matrix's rules: secure matches {@code .dest.example}, fingerprint pins valid's key. */
    private static List<String> ruleOptions(String level) {
        return switch (level) {
            case "secure" -> List.of("--match", ".dest.example");
            case "fingerprint" -> List.of("--pin", CertificatePins.spkiSha256(valid.certificate()));
            default -> List.of();
        };
    }

    /** The verdict for {@code level} in the probe's JSON report of {@code domain}, with the target's port. */
    private static JsonNode probe(String domain, String destination, String level, List<String> options) throws IOException {
        List<String> args = new ArrayList<>(List.of("probe", domain, "--dns-server", dns.address(),
            "--port", String.valueOf(SERVERS.get(destination).port()), "--trust-anchors", dir.resolve("anchors.pem").toString(),
            "--timeout", "5", "--json", "--level", level));
        args.addAll(options);
        Cli.Run run = Cli.run(CLOCK, args.toArray(String[]::new));
        JsonNode root = new ObjectMapper().readTree(run.out());
        for (JsonNode verdict : root.get("targets").get(0).get("verdicts")) {
            if (verdict.get("level").asText().equals(level)) {
                return verdict;
            }
        }
        throw new AssertionError("no verdict for " + level + ": " + run.out() + run.err());
    }

    /** What delivery records, in the matrix's words, read from the probe's verdict. */
    private static String asDelivery(JsonNode verdict) {
        String attempt = verdict.path("attempt").asText("");
        if (verdict.get("result").asText().equals("pass")) {
            return attempt.equals("delivered") ? "tls" : attempt.equals("delivered-in-clear") ? "clear" : "pass " + attempt;
        }
        return (attempt.equals("tls-not-secured") ? "deferred " : "fail " + attempt + " ") + verdict.get("tlsRptResultType").asText();
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
    void probeSaysWhatDeliveryRecords(String level, String destination, String delivery) throws IOException {
        JsonNode verdict = probe(destination + "." + level + ".example", destination, level, ruleOptions(level));

        assertThat(asDelivery(verdict)).as(verdict.toString()).isEqualTo(delivery);
    }

    /**
     * Attacks on the probe's word: a partner the probe clears although delivery under the same rule defers. Each row
     * is a rule (level and its options) and what delivery does under it towards that destination.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "verify with match names ignores them and checks the MX name | partner.verify.example | valid | verify "
            + "| --match=mail.partner.example | deferred certificate-host-mismatch",
        "verify with nexthop match checks the recipient domain, not the MX name | partner.verify.example | valid | verify "
            + "| --match=nexthop | deferred certificate-host-mismatch",
        "encrypt with minimumProtocol TLSv1.3 towards a TLS 1.2-only server | tls12only.encrypt.example | tls12only | encrypt "
            + "| --minimum-protocol=TLSv1.3 | deferred validation-failure",
        "encrypt with the modern ciphers towards a CBC-only server | cbconly.encrypt.example | cbconly | encrypt "
            + "| --ciphers=modern | deferred validation-failure",
    })
    void theProbeNeverClearsWhatDeliveryDefers(String reason, String domain, String destination, String level, String option,
                                               String delivery) throws IOException {
        JsonNode verdict = probe(domain, destination, level, List.of(option));

        assertThat(verdict.get("result").asText()).as(reason + ": " + verdict).isEqualTo("fail");
        assertThat(asDelivery(verdict)).as(reason).isEqualTo(delivery);
    }

    /** The controls of the attack rows: under the default rule the same servers deliver, so the rule's option decides. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"tls12only", "cbconly"})
    void underTheDefaultRuleTheSameServersDeliver(String destination) throws IOException {
        assertThat(asDelivery(probe(destination + ".encrypt.example", destination, "encrypt", List.of()))).isEqualTo("tls");
    }
}
