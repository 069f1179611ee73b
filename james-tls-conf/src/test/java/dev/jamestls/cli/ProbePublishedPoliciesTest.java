package dev.jamestls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.SslContexts;
import dev.jamestls.testkit.StsPolicyServer;
import dev.jamestls.testkit.dns.LoopbackDnsServer;
import dev.jamestls.testkit.dns.SignedZones;
import dev.jamestls.tls.PemFiles;

/**
 * probe's published policies: DNSSEC, TLSA and the dane verdict (RFC 7672), MTA-STS (RFC 8461). A signed test tree on
 * loopback answers both the plain and the validating lookups, validated from the test root; the SMTP server and the
 * policy host are on loopback too.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProbePublishedPoliciesTest {
    private static final String ENFORCE_GOOD = "version: STSv1\r\nmode: enforce\r\nmx: mx.good.example\r\nmax_age: 86400\r\n";
    private static final String ENFORCE_ELSEWHERE = "version: STSv1\r\nmode: enforce\r\nmx: mail.other.example\r\nmax_age: 86400\r\n";

    /** Valid for every MX host of the tree: only DNSSEC, TLSA and the MTA-STS patterns tell the rows apart. */
    private static final IssuedCertificate MX_CERTIFICATE = ProbeCommandTest.ISSUING.leaf("CN=mx.good.example,O=Partner")
        .dnsNames("mx.good.example", "mx.wrong.example", "mx.plain.example", "mx.bogus.example", "mx.other.example", "mx.badcert.example")
        .extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();
    private static final IssuedCertificate OTHER_KEY = ProbeCommandTest.serverCertificate("mx.good.example");
    /** The policy host's certificate: good.example and other.example, not badcert.example. */
    private static final IssuedCertificate POLICY_HOST = ProbeCommandTest.ISSUING.leaf("CN=mta-sts.good.example")
        .dnsNames("mta-sts.good.example", "mta-sts.other.example").extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();

    @TempDir
    static Path dir;

    private static TestSmtpServer smtp;
    private static SignedZones zones;
    private static LoopbackDnsServer dns;
    private static StsPolicyServer sts;

    @BeforeAll
    static void start() throws Exception {
        smtp = TestSmtpServer.withStartTls(SslContexts.context(Optional.of(MX_CERTIFICATE), List.of()));
        int port = smtp.port();
        zones = SignedZones.builder()
            .signedZone("good.example.")
            .record("good.example. 300 IN MX 10 mx.good.example.")
            .record("mx.good.example. 300 IN A 127.0.0.1")
            .record("_" + port + "._tcp.mx.good.example. 300 IN TLSA 3 1 1 " + spkiSha256(MX_CERTIFICATE.certificate()))
            .record("_mta-sts.good.example. 300 IN TXT \"v=STSv1; id=20261203\"")
            .signedZone("wrong.example.")
            .record("wrong.example. 300 IN MX 10 mx.wrong.example.")
            .record("mx.wrong.example. 300 IN A 127.0.0.1")
            .record("_" + port + "._tcp.mx.wrong.example. 300 IN TLSA 3 1 1 " + spkiSha256(OTHER_KEY.certificate()))
            .unsignedZone("plain.example.")
            .record("plain.example. 300 IN MX 10 mx.plain.example.")
            .record("mx.plain.example. 300 IN A 127.0.0.1")
            .signedZone("bogus.example.")
            .record("bogus.example. 300 IN MX 10 mx.bogus.example.")
            .record("mx.bogus.example. 300 IN A 127.0.0.1")
            .bogusSignature("bogus.example.", Type.MX)
            .signedZone("other.example.")
            .record("other.example. 300 IN MX 10 mx.other.example.")
            .record("mx.other.example. 300 IN A 127.0.0.1")
            .record("_mta-sts.other.example. 300 IN TXT \"v=STSv1; id=1\"")
            .signedZone("badcert.example.")
            .record("badcert.example. 300 IN MX 10 mx.badcert.example.")
            .record("mx.badcert.example. 300 IN A 127.0.0.1")
            .record("_mta-sts.badcert.example. 300 IN TXT \"v=STSv1; id=1\"")
            .build();
        dns = LoopbackDnsServer.start(zones);
        sts = StsPolicyServer.start(POLICY_HOST, StsPolicyServer.Response.policy(ENFORCE_GOOD));
        Files.writeString(dir.resolve("root.key"), zones.trustAnchor());
        PemFiles.writeCertificates(dir.resolve("anchors.pem"), List.of(ProbeCommandTest.ROOT.certificate().certificate()));
    }

    @AfterAll
    static void stop() throws Exception {
        sts.close();
        dns.close();
        smtp.close();
    }

    /** The data of a TLSA record 3 1 1 (RFC 6698 §2.1): SHA-256 of the SubjectPublicKeyInfo, in hex. */
    private static String spkiSha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The test tree as both resolvers, the test root as DNSSEC anchor, policies fetched through the loopback proxy. */
    private static Cli.Run probe(String domain, String... extra) {
        String server = "127.0.0.1:" + dns.address().getPort();
        List<String> args = new ArrayList<>(List.of("probe", domain, "--dns-server", server, "--dnssec-resolver", server,
            "--dnssec-trust-anchor", dir.resolve("root.key").toString(), "--port", String.valueOf(smtp.port()),
            "--trust-anchors", dir.resolve("anchors.pem").toString(), "--timeout", "5"));
        args.addAll(List.of(extra));
        return Cli.run(ProbeCommandTest.CLOCK, Optional.of(sts.route()), args.toArray(String[]::new));
    }

    private static JsonNode json(String domain, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of(extra));
        args.add("--json");
        Cli.Run run = probe(domain, args.toArray(String[]::new));
        return new ObjectMapper().readTree(run.out());
    }

    private static JsonNode daneVerdict(JsonNode root) {
        for (JsonNode verdict : root.get("targets").get(0).get("verdicts")) {
            if (verdict.get("level").asText().equals("dane")) {
                return verdict;
            }
        }
        throw new AssertionError("no dane verdict: " + root);
    }

    @Test
    void matchingTlsaRecordPassesDane() throws IOException {
        Cli.Run run = probe("good.example", "--level", "dane");

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("\n  DNSSEC: MX good.example secure\n", "\n  DNSSEC: mx.good.example addresses secure, TLSA _"
            + smtp.port() + "._tcp.mx.good.example secure\n", "\n    TLSA 3 1 1 " + spkiSha256(MX_CERTIFICATE.certificate()) + "  usable\n");
        assertThat(run.out()).containsPattern("\n    dane +pass +certificate accepted: TLSA records \\(DANE-EE: the leaf matches TLSA 3 1 1 "
            + spkiSha256(MX_CERTIFICATE.certificate()).substring(0, 16));
        assertThat(probe("good.example", "--level", "dane-only").code()).isZero();

        JsonNode root = json("good.example");
        assertThat(root.get("dnssec").get("mx").get("status").asText()).isEqualTo("secure");
        JsonNode host = root.get("dnssec").get("hosts").get(0);
        assertThat(host.get("addresses").get("status").asText()).isEqualTo("secure");
        assertThat(host.get("tlsa").get("status").asText()).isEqualTo("secure");
        assertThat(host.get("records").get(0).get("usable").asBoolean()).isTrue();
        assertThat(host.get("usable").asBoolean()).isTrue();
        assertThat(daneVerdict(root).get("result").asText()).isEqualTo("pass");
        assertThat(daneVerdict(root).get("verification").asText()).isEqualTo("accepted");
    }

    @Test
    void mismatchingTlsaRecordFailsDaneAsTlsaInvalid() throws IOException {
        Cli.Run run = probe("wrong.example", "--level", "dane");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).endsWith("\nlevel dane: NOT every target passes\n");
        JsonNode verdict = daneVerdict(json("wrong.example"));
        assertThat(verdict.get("result").asText()).isEqualTo("fail");
        assertThat(verdict.get("verification").asText()).isEqualTo("tlsa-mismatch");
        assertThat(verdict.get("tlsRptResultType").asText()).isEqualTo("tlsa-invalid");
        // The same server passes the levels that do not look at TLSA records.
        assertThat(probe("wrong.example", "--level", "verify").code()).isZero();
    }

    @Test
    void anUnsignedZoneLeavesDaneNotEvaluated() throws IOException {
        Cli.Run run = probe("plain.example", "--level", "dane-only");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("\n  DNSSEC: MX plain.example insecure\n",
            "\n  DNSSEC: mx.plain.example addresses insecure, TLSA _" + smtp.port() + "._tcp.mx.plain.example not looked up");
        assertThat(run.out()).containsPattern("\n    dane +n/a +MX records of plain\\.example are insecure; level dane delivers as may");
        JsonNode root = json("plain.example");
        assertThat(root.get("dnssec").get("mx").get("status").asText()).isEqualTo("insecure");
        assertThat(root.get("dnssec").get("hosts").get(0).get("tlsa").isNull()).isTrue();
        assertThat(root.get("dnssec").get("hosts").get(0).get("usable").asBoolean()).isFalse();
        assertThat(daneVerdict(root).get("result").asText()).isEqualTo("n/a");
        // Opportunistic DANE delivers to it as may.
        assertThat(probe("plain.example", "--level", "dane").code()).isZero();
    }

    @Test
    void aBogusMxSignatureIsReportedAndDefersDane() throws IOException {
        Cli.Run run = probe("bogus.example", "--level", "dane");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("\n  DNSSEC: MX bogus.example bogus");
        assertThat(run.out()).containsPattern("\n    dane +n/a +MX lookup of bogus\\.example bogus.*; levels dane and dane-only defer\n");
        JsonNode root = json("bogus.example");
        assertThat(root.get("dnssec").get("mx").get("status").asText()).isEqualTo("bogus");
        assertThat(daneVerdict(root).get("result").asText()).isEqualTo("n/a");
        // The ordinary MX lookup still found the host, which passes the levels without DNSSEC.
        assertThat(root.get("targets").get(0).get("verdicts").get(3).get("result").asText()).isEqualTo("pass");
    }

    @Test
    void anEnforcedPolicyListingTheMxPassesIt() throws IOException {
        sts.respond(StsPolicyServer.Response.policy(ENFORCE_GOOD));

        Cli.Run run = probe("good.example");

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("\n  MTA-STS: TXT _mta-sts.good.example secure: id 20261203\n",
            "\n  MTA-STS: policy mode enforce, mx [mx.good.example], max_age 86400\n",
            "\nMTA-STS good.example (mode enforce, mx [mx.good.example]):\n  mx.good.example: matches; under enforce: pass ");
        JsonNode sts = json("good.example").get("mtaSts");
        assertThat(sts.get("id").asText()).isEqualTo("20261203");
        assertThat(sts.get("policy").get("mode").asText()).isEqualTo("enforce");
        assertThat(sts.get("policy").get("maxAge").asLong()).isEqualTo(86400);
        assertThat(sts.get("problem").isNull()).isTrue();
        assertThat(sts.get("mx").get(0).get("matches").asBoolean()).isTrue();
        assertThat(sts.get("mx").get(0).get("passesEnforce").asBoolean()).isTrue();
    }

    @Test
    void anMxOutsideTheEnforcedPatternsFailsIt() throws IOException {
        sts.respond(StsPolicyServer.Response.policy(ENFORCE_ELSEWHERE));

        JsonNode root = json("other.example");

        JsonNode mx = root.get("mtaSts").get("mx").get(0);
        assertThat(mx.get("host").asText()).isEqualTo("mx.other.example");
        assertThat(mx.get("matches").asBoolean()).isFalse();
        assertThat(mx.get("passesEnforce").asBoolean()).isFalse();
        // Its certificate is fine: only the pattern keeps it out.
        assertThat(root.get("targets").get(0).get("verdicts").get(3).get("result").asText()).isEqualTo("pass");
    }

    @Test
    void aPolicyHostWithoutTheDomainsNameIsWebPkiInvalid() throws IOException {
        sts.respond(StsPolicyServer.Response.policy(ENFORCE_GOOD));

        Cli.Run run = probe("badcert.example");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("\n  MTA-STS: no policy: sts-webpki-invalid: ");
        assertThat(run.out()).doesNotContain("\nMTA-STS badcert.example");
        JsonNode sts = json("badcert.example").get("mtaSts");
        assertThat(sts.get("id").asText()).isEqualTo("1");
        assertThat(sts.get("policy").isNull()).isTrue();
        assertThat(sts.get("problem").get("type").asText()).isEqualTo("sts-webpki-invalid");
        assertThat(sts.get("mx")).isEmpty();
    }

    @Test
    void aDomainWithoutTxtRecordHasNoPolicyAndFetchesNothing() throws IOException {
        int before = sts.requestCount();

        JsonNode sts = json("plain.example").get("mtaSts");

        assertThat(sts.get("id").isNull()).isTrue();
        assertThat(sts.get("txtProblem").asText()).isEqualTo("no TXT record beginning with v=STSv1");
        assertThat(ProbePublishedPoliciesTest.sts.requestCount()).isEqualTo(before);
    }

    @Test
    void aDnssecAnchorFileThatIsNoAnchorStopsTheProbeBeforeAnyLookup() throws IOException {
        Path notAnAnchor = dir.resolve("not-an-anchor.key");
        Files.writeString(notAnAnchor, "good.example. 300 IN A 127.0.0.1\n");
        int before = dns.questions();

        String server = "127.0.0.1:" + dns.address().getPort();
        Cli.Run run = Cli.run(ProbeCommandTest.CLOCK, Optional.of(sts.route()), "probe", "good.example", "--dns-server", server,
            "--dnssec-resolver", server, "--dnssec-trust-anchor", notAnAnchor.toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("probe: DNSSEC trust anchor file " + notAnAnchor + " line 1: a A record is not a trust anchor;"
            + " accepted: DS or DNSKEY records in zone-file form, e.g. '. IN DS 20326 8 2 E06D44B8…'\n");
        assertThat(dns.questions()).isEqualTo(before);
    }

    @Test
    void daneLevelsNeedADomain() {
        Cli.Run run = probe("mx.good.example:" + smtp.port(), "--level", "dane");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).startsWith("--level dane needs a DOMAIN: DANE is looked up for a recipient domain's MX hosts;"
            + " accepted: DOMAIN\n");
    }
}
