package dev.jamestls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.SslContexts;
import dev.jamestls.tls.CertificatePins;
import dev.jamestls.testkit.dns.LoopbackDnsServer;
import dev.jamestls.testkit.dns.SignedZones;
import dev.jamestls.tls.PemFiles;

/** probe against SMTP servers on 127.0.0.1, found through a DNS stub on 127.0.0.1. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProbeCommandTest {
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final CertificateAuthority ROOT = CertificateAuthority.root("CN=Partner Root,O=Partner", NOW);
    static final CertificateAuthority ISSUING = ROOT.intermediate("CN=Partner Issuing CA,O=Partner").issueAuthority();

    @TempDir
    Path dir;

    private LoopbackDns dns;
    /** The validating lookups' resolver: partner.example in an unsigned zone below a signed test root. */
    private LoopbackDnsServer dnssec;
    private SignedZones zones;
    private final List<AutoCloseable> servers = new ArrayList<>();

    @BeforeEach
    void startDns() throws IOException {
        dns = new LoopbackDns().mx("partner.example", 10, "mx1.partner.example").a("mx1.partner.example", "127.0.0.1");
        zones = SignedZones.builder()
            .unsignedZone("partner.example.")
            .record("partner.example. 300 IN MX 10 mx1.partner.example.")
            .record("mx1.partner.example. 300 IN A 127.0.0.1")
            .build();
        dnssec = LoopbackDnsServer.start(zones);
        servers.add(dnssec);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
        dns.close();
    }

    static IssuedCertificate serverCertificate(String... names) {
        return ISSUING.leaf("CN=" + names[0] + ",O=Partner").dnsNames(names).extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();
    }

    private TestSmtpServer startTls(IssuedCertificate identity) throws IOException {
        TestSmtpServer server = TestSmtpServer.withStartTls(SslContexts.context(Optional.of(identity), List.of()));
        servers.add(server);
        return server;
    }

    private String anchors() throws IOException {
        Path file = dir.resolve("anchors.pem");
        PemFiles.writeCertificates(file, List.of(ROOT.certificate().certificate()));
        return file.toString();
    }

    private Cli.Run probe(String target, int port, String... extra) throws IOException {
        Path rootKey = dir.resolve("root.key");
        Files.writeString(rootKey, zones.trustAnchor());
        List<String> args = new ArrayList<>(List.of("probe", target, "--dns-server", dns.address(), "--port", String.valueOf(port),
            "--trust-anchors", anchors(), "--timeout", "5", "--dnssec-resolver", "127.0.0.1:" + dnssec.address().getPort(),
            "--dnssec-trust-anchor", rootKey.toString()));
        args.addAll(List.of(extra));
        return Cli.run(CLOCK, args.toArray(String[]::new));
    }

    private static String summary(Cli.Run run) {
        return run.out().lines().filter(l -> l.startsWith("  summary: ")).findFirst().orElseThrow(() -> new AssertionError(run.out()))
            .substring("  summary: ".length());
    }

    private static String verdict(Cli.Run run, String level) {
        return run.out().lines().filter(l -> l.startsWith("    " + level + " ")).findFirst()
            .orElseThrow(() -> new AssertionError(run.out())).substring(4).replaceAll("^(\\S+) +(\\S+) +", "$1 $2 ");
    }

    @Test
    void aValidPartnerPassesEveryLevelAndReceivesNoMessage() throws IOException {
        IssuedCertificate identity = serverCertificate("mx1.partner.example");
        TestSmtpServer server = startTls(identity);

        Cli.Run run = probe("partner.example", server.port(), "--level", "secure");

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.subList(0, 7)).containsExactly(
            "probe partner.example: MX lookup via DNS server " + dns.address(),
            "  MX 10 mx1.partner.example",
            "  DNSSEC: MX partner.example insecure",
            "  DNSSEC: mx1.partner.example addresses insecure, TLSA _" + server.port()
                + "._tcp.mx1.partner.example not looked up (addresses not secure, RFC 7672 §2.2.2)",
            "  MTA-STS: TXT _mta-sts.partner.example insecure: no TXT record beginning with v=STSv1",
            "",
            "mx1.partner.example [127.0.0.1]:" + server.port());
        assertThat(lines.get(7)).matches("  connect {5}ok {3}connected from 127\\.0\\.0\\.1 \\(\\d+ ms\\)");
        assertThat(lines.get(8)).matches("  greeting {4}ok {3}220 mx\\.test ESMTP test server \\(\\d+ ms\\)");
        assertThat(lines.get(9)).matches("  EHLO {8}ok {3}250, extensions \\[PIPELINING, STARTTLS, 8BITMIME\\] \\(\\d+ ms\\)");
        assertThat(lines.get(10)).matches("  STARTTLS {4}ok {3}220 2\\.0\\.0 ready to start TLS \\(\\d+ ms\\)");
        assertThat(lines.get(11)).matches("  handshake {3}ok {3}TLSv1\\.3 TLS_\\w+, 2 certificates presented \\(\\d+ ms\\)");
        assertThat(lines.get(12)).matches("  EHLO \\(TLS\\)  ok {3}250, extensions \\[PIPELINING, 8BITMIME\\] \\(\\d+ ms\\)");
        assertThat(lines.get(13)).matches("  QUIT {8}ok {3}221 2\\.0\\.0 bye \\(\\d+ ms\\)");
        assertThat(lines.get(14)).isEqualTo("  certificate subject 'CN=mx1.partner.example,O=Partner', issuer 'CN=Partner Issuing CA,O=Partner'");
        assertThat(lines.get(16)).isEqualTo("              key RSA 2048 bits, SPKI pin " + CertificatePins.spkiSha256(identity.certificate()));
        assertThat(verdict(run, "verify")).isEqualTo("verify pass certificate accepted: MX name mx1.partner.example");
        assertThat(verdict(run, "secure")).isEqualTo("secure pass certificate accepted: match partner.example:.partner.example");
        assertThat(verdict(run, "fingerprint")).isEqualTo("fingerprint n/a no pin given; presented SPKI pins ["
            + CertificatePins.spkiSha256(identity.certificate()) + ", " + CertificatePins.spkiSha256(ISSUING.certificate().certificate()) + "]");
        assertThat(verdict(run, "dane")).isEqualTo("dane n/a MX records of partner.example are insecure; level dane delivers as may,"
            + " dane-only never");
        assertThat(summary(run)).isEqualTo("would pass none, may, encrypt, verify, secure");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("level secure: every target passes");
        // Never a message: EHLO, STARTTLS, EHLO, QUIT (RFC 3207 §4.2), nothing else.
        assertThat(server.commands()).containsExactly("EHLO [127.0.0.1]", "STARTTLS", "EHLO [127.0.0.1]", "QUIT");
        assertThat(dns.questions()).containsExactly("partner.example/MX", "mx1.partner.example/A", "mx1.partner.example/28");
    }

    @Test
    void aWrongNameFailsVerifyAndSecureButStillEncrypts() throws IOException {
        TestSmtpServer server = startTls(serverCertificate("*.other.example"));

        Cli.Run run = probe("partner.example", server.port(), "--match", "mail.partner.example", "--level", "secure");

        assertThat(run.code()).isEqualTo(1);
        assertThat(summary(run)).isEqualTo("would pass none, may, encrypt; would fail verify: presented *.other.example;"
            + " would fail secure with match=mail.partner.example: presented *.other.example");
        assertThat(verdict(run, "secure")).isEqualTo("secure fail certificate name mismatch: none of the presented names"
            + " [*.other.example] matches [mail.partner.example]");
        // As a verify rule with <match>: the match names, not the MX name.
        assertThat(verdict(run, "verify")).isEqualTo("verify fail certificate name mismatch: none of the presented names"
            + " [*.other.example] matches [mail.partner.example]");
        assertThat(run.out()).endsWith("\nlevel secure: NOT every target passes\n");
        assertThat(probe("partner.example", server.port(), "--level", "encrypt").code()).isZero();
    }

    @Test
    void anExpiredCertificateFailsVerify() throws IOException {
        IssuedCertificate expired = ISSUING.leaf("CN=mx1.partner.example").dnsNames("mx1.partner.example")
            .validity(NOW.minus(Duration.ofDays(60)), NOW.minus(Duration.ofDays(2))).issue();
        TestSmtpServer server = startTls(expired);

        Cli.Run run = probe("partner.example", server.port(), "--level", "verify");

        assertThat(run.code()).isEqualTo(1);
        assertThat(verdict(run, "encrypt")).startsWith("encrypt pass TLSv1.3 ");
        assertThat(verdict(run, "verify")).isEqualTo("verify fail certificate expired: 'CN=mx1.partner.example' expired at "
            + expired.certificate().getNotAfter().toInstant() + " (now " + NOW + ")");
    }

    @Test
    void withoutStartTlsOnlyMayPasses() throws IOException {
        TestSmtpServer server = TestSmtpServer.plainOnly();
        servers.add(server);

        Cli.Run run = probe("partner.example", server.port(), "--level", "encrypt");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("\n  STARTTLS    FAIL not offered (0 ms)\n");
        assertThat(verdict(run, "may")).isEqualTo("may pass STARTTLS not offered (RFC 8460 starttls-not-supported); would deliver in clear text");
        assertThat(summary(run)).isEqualTo("would pass none, may; would fail encrypt: STARTTLS not offered (RFC 8460 starttls-not-supported);"
            + " would fail verify: STARTTLS not offered (RFC 8460 starttls-not-supported); would fail secure with"
            + " match=partner.example:.partner.example: STARTTLS not offered (RFC 8460 starttls-not-supported); would fail fingerprint:"
            + " STARTTLS not offered (RFC 8460 starttls-not-supported)");
        assertThat(server.commands()).containsExactly("EHLO [127.0.0.1]", "QUIT");
        assertThat(probe("partner.example", server.port(), "--level", "may").code()).isZero();
    }

    @Test
    void aTls10OnlyPartnerFailsEncrypt() throws Exception {
        IssuedCertificate identity = serverCertificate("mx1.partner.example");
        Path keystore = dir.resolve("legacy.p12");
        PemFiles.write(SslContexts.keyStore(identity, "legacy", "changeit".toCharArray()), keystore, "changeit".toCharArray());
        Path security = dir.resolve("legacy.security");
        // For the child JVM only: the JDK disables TLS 1.0 and 1.1 by default (jdk.tls.disabledAlgorithms).
        Files.writeString(security, "jdk.tls.disabledAlgorithms=\n");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djava.security.properties=" + security, "-cp", System.getProperty("java.class.path"),
            TestSmtpServer.class.getName(), keystore.toString(), "changeit", anchors(), "TLSv1")
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        servers.add(() -> {
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        });
        BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
        String selfCheck = reader.readLine();
        String ready = reader.readLine();
        assertThat(selfCheck).as("the child proves it speaks TLS 1.0").startsWith("self-check TLSv1 TLS_");
        assertThat(ready).startsWith("ready ");
        int port = Integer.parseInt(ready.substring("ready ".length()));

        Cli.Run run = probe("partner.example", port, "--level", "encrypt");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).containsPattern("\n  handshake   FAIL peer sent alert protocol_version \\(\\d+ ms\\)\n");
        assertThat(verdict(run, "encrypt")).isEqualTo("encrypt fail TLS handshake failed: peer sent alert protocol_version"
            + " (we offer TLSv1.3, TLSv1.2 only, RFC 8996)");
        assertThat(verdict(run, "may")).isEqualTo("may pass TLS handshake failed: peer sent alert protocol_version"
            + " (we offer TLSv1.3, TLSv1.2 only, RFC 8996); would deliver in clear text");
    }

    @Test
    void fingerprintPassesOnAPinnedKeyWithoutAnyCa() throws IOException {
        CertificateAuthority unknown = CertificateAuthority.root("CN=Unknown Root", NOW);
        IssuedCertificate identity = unknown.leaf("CN=mx1.partner.example").dnsNames("mx1.partner.example").issue();
        TestSmtpServer server = startTls(identity);
        String pin = CertificatePins.spkiSha256(identity.certificate());

        Cli.Run run = probe("partner.example", server.port(), "--pin", pin, "--level", "fingerprint");

        assertThat(run.code()).isZero();
        assertThat(verdict(run, "fingerprint")).isEqualTo("fingerprint pass certificate accepted: pinned");
        assertThat(verdict(run, "verify")).isEqualTo("verify fail certificate chain incomplete: issuer 'CN=Unknown Root' of"
            + " 'CN=mx1.partner.example' was not presented and is not a trust anchor");

        Cli.Run wrong = probe("partner.example", server.port(), "--pin", CertificatePins.spkiSha256(ROOT.certificate().certificate()),
            "--level", "fingerprint");
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(verdict(wrong, "fingerprint")).isEqualTo("fingerprint fail certificate pin mismatch: the leaf certificate"
            + " does not have a configured pin; leaf pin [" + pin + " ('CN=mx1.partner.example')]");
    }

    @Test
    void probesAGivenHostWithoutMxLookup() throws IOException {
        TestSmtpServer server = startTls(serverCertificate("mx1.partner.example"));

        Cli.Run run = probe("mx1.partner.example:" + server.port(), 25, "--level", "verify");

        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("probe mx1.partner.example port " + server.port() + " (no MX lookup)\n\nmx1.partner.example [127.0.0.1]:"
            + server.port() + "\n");
        assertThat(verdict(run, "secure")).isEqualTo("secure pass certificate accepted: match mx1.partner.example:.mx1.partner.example");
        assertThat(dns.questions()).containsExactly("mx1.partner.example/A", "mx1.partner.example/28");
    }

    @Test
    void aDomainWithoutMxIsItsOwnExchanger() throws IOException {
        TestSmtpServer server = startTls(serverCertificate("solo.example"));
        dns.a("solo.example", "127.0.0.1");

        Cli.Run run = probe("solo.example", server.port(), "--level", "verify");

        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("probe solo.example: MX lookup via DNS server " + dns.address() + "\n"
            + "  MX 0 solo.example (implicit MX, RFC 5321 §5.1)\n");
    }

    static Stream<Arguments> lookupFailures() {
        return Stream.of(
            Arguments.of("no such domain", "nosuch.example", "nosuch.example does not exist (NXDOMAIN from DNS server ADDR)"),
            Arguments.of("null MX (RFC 7505)", "nomail.example", "nomail.example publishes a null MX (RFC 7505): it accepts no mail"),
            Arguments.of("no MX, no address", "empty.example", "empty.example has no MX and no address record"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lookupFailures")
    void lookupFailuresAreNamed(String reason, String domain, String message) throws IOException {
        dns.mx("nomail.example", 0, ".").exists("empty.example");

        Cli.Run run = probe(domain, 25, "--json");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).endsWith("  MX lookup failed: " + message.replace("ADDR", dns.address()) + "\n");
        assertThat(new ObjectMapper().readTree(run.out()).get("error").asText())
            .isEqualTo("MX lookup failed: " + message.replace("ADDR", dns.address()));
    }

    @Test
    void aSilentServerTimesOutAtTheGreeting() throws IOException {
        TestSmtpServer silent = new TestSmtpServer(Optional.empty(), List.of(), true);
        servers.add(silent);

        Cli.Run run = Cli.run(CLOCK, "probe", "partner.example", "--dns-server", dns.address(), "--port", String.valueOf(silent.port()),
            "--timeout", "1", "--level", "may");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).containsPattern("\n  greeting    FAIL timed-out \\(1\\d{3} ms\\)\n");
        assertThat(verdict(run, "none")).isEqualTo("none fail no SMTP session: no greeting: timed-out");
    }

    @Test
    void anUnreachableHostFailsEveryLevel() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }

        Cli.Run run = probe("partner.example", closed, "--level", "none");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).containsPattern("\n  connect     FAIL connection-refused \\(\\d+ ms\\)\n");
        assertThat(summary(run)).startsWith("would fail none: no SMTP session: connect failed: connection-refused; would fail may:");
    }

    @Test
    void jsonReportsStepsChainAndVerdicts() throws IOException {
        IssuedCertificate identity = serverCertificate("mx1.partner.example");
        TestSmtpServer server = startTls(identity);

        Cli.Run run = probe("partner.example", server.port(), "--json", "--match", ".partner.example", "--level", "secure");

        assertThat(run.code()).isZero();
        assertThat(run.err()).startsWith("probe partner.example: MX lookup via DNS server ");
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.get("schema").asText()).isEqualTo("james-tls/probe/v1");
        assertThat(root.get("level").asText()).isEqualTo("secure");
        assertThat(root.get("passed").asBoolean()).isTrue();
        assertThat(root.get("match").get(0).asText()).isEqualTo(".partner.example");
        assertThat(root.get("mx").get(0).get("host").asText()).isEqualTo("mx1.partner.example");
        JsonNode target = root.get("targets").get(0);
        assertThat(target.get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(target.get("starttlsOffered").asBoolean()).isTrue();
        assertThat(target.get("protocol").asText()).isEqualTo("TLSv1.3");
        assertThat(target.get("steps").findValuesAsText("name"))
            .containsExactly("connect", "greeting", "EHLO", "STARTTLS", "handshake", "EHLO (TLS)", "QUIT");
        assertThat(target.get("presented").get(0).get("spkiSha256").asText()).isEqualTo(CertificatePins.spkiSha256(identity.certificate()));
        assertThat(target.get("verdicts").findValuesAsText("level")).containsExactly("none", "may", "encrypt", "verify", "secure", "fingerprint",
            "dane");
        assertThat(target.get("verdicts").findValuesAsText("result")).containsExactly("pass", "pass", "pass", "pass", "pass", "n/a", "n/a");
        assertThat(root.get("dnssec").get("mx").get("status").asText()).isEqualTo("insecure");
        assertThat(root.get("mtaSts").get("policy").isNull()).isTrue();
        assertThat(target.get("verdicts").get(3).get("verification").asText()).isEqualTo("accepted");
    }

    @Test
    void aMissingTrustAnchorFileStopsTheProbeBeforeAnyLookup() {
        Path missing = dir.resolve("missing.pem");

        Cli.Run run = Cli.run(CLOCK, "probe", "partner.example", "--dns-server", dns.address(), "--trust-anchors", missing.toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("probe: trust anchor file " + missing + " not found\n");
        assertThat(dns.questions()).isEmpty();
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
            Arguments.of("misspelt level", List.of("partner.example", "--level", "verfy"),
                "unknown level 'verfy'; accepted: none, may, encrypt, verify, secure, fingerprint, dane, dane-only"),
            Arguments.of("DNSSEC resolver by name", List.of("partner.example", "--dnssec-resolver", "dns.example:53"),
                "--dnssec-resolver: DNS server 'dns.example:53' is not address:port; accepted: 127.0.0.1:53, [::1]:5353"),
            Arguments.of("malformed pin", List.of("partner.example", "--pin", "abc"),
                "--pin 'abc' is not a base64 SHA-256 SPKI pin (44 characters, RFC 7469 §2.4)"),
            Arguments.of("fingerprint without pin", List.of("partner.example", "--level", "fingerprint"),
                "--level fingerprint needs at least one --pin"),
            Arguments.of("MX name under secure", List.of("partner.example", "--match", "hostname"),
                "--match: match 'hostname' is not allowed under level secure: the MX host name comes from unauthenticated DNS"),
            Arguments.of("DNS server by name", List.of("partner.example", "--dns-server", "dns.example:53"),
                "--dns-server: DNS server 'dns.example:53' is not address:port; accepted: 127.0.0.1:53, [::1]:5353"),
            Arguments.of("bad port", List.of("mx.partner.example:0"),
                "target 'mx.partner.example:0': port '0' is not 1..65535; accepted: DOMAIN or HOST:PORT"),
            Arguments.of("unknown revocation mode", List.of("partner.example", "--revocation", "soft"),
                "unknown revocation mode 'soft'; accepted: off, soft-fail, hard-fail"),
            Arguments.of("minimum protocol below TLS 1.2", List.of("partner.example", "--minimum-protocol", "TLSv1.1"),
                "--minimum-protocol: minimum protocol TLSv1.1 is not allowed (RFC 8996 deprecates TLS 1.0 and 1.1); accepted: TLSv1.2, TLSv1.3"),
            Arguments.of("unknown cipher preset", List.of("partner.example", "--ciphers", "fast"),
                "--ciphers: unknown cipher preset 'fast'; accepted: modern, forward-secret, compatible"),
            Arguments.of("timeout out of range", List.of("partner.example", "--timeout", "0"),
                "--timeout 0 is out of range; accepted: 1..120 seconds"),
            Arguments.of("address literal", List.of("127.0.0.1:25"),
                "target '127.0.0.1:25': an address literal; delivery connects to host names (MX or smart host) and checks"
                    + " certificates against names, so probe does too; accepted: DOMAIN or HOST:PORT"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageErrors")
    void rejectsBadInputBeforeAnyLookup(String reason, List<String> args, String message) {
        List<String> full = new ArrayList<>(List.of("probe"));
        full.addAll(args);

        Cli.Run run = Cli.run(CLOCK, full.toArray(String[]::new));

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).startsWith(message + "\n");
        assertThat(dns.questions()).isEmpty();
    }
}
