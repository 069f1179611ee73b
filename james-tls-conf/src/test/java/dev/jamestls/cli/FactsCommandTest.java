package dev.jamestls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.KeyType;
import dev.jamestls.pki.SslContexts;
import dev.jamestls.tls.CertificatePins;
import dev.jamestls.tls.PemFiles;

class FactsCommandTest {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final CertificateAuthority ROOT = CertificateAuthority.root("CN=Example Root,O=Example", NOW);
    static final CertificateAuthority ISSUING = ROOT.intermediate("CN=Example Issuing CA,O=Example").issueAuthority();

    @TempDir
    Path dir;

    static CertificateAuthority.Builder leaf() {
        return ISSUING.leaf("CN=mail.example.org,OU=Mail,OU=Gateways,O=Example Org")
            .dnsNames("mail.example.org", "mx.example.org")
            .extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH)
            .crlUrl("http://pki.example.org/issuing.crl")
            .ocspUrl("http://ocsp.example.org/");
    }

    private Path pem(String name, List<java.security.cert.X509Certificate> certificates) throws IOException {
        Path file = dir.resolve(name);
        PemFiles.writeCertificates(file, certificates);
        return file;
    }

    private Path anchors() throws IOException {
        return pem("anchors.pem", List.of(ROOT.certificate().certificate()));
    }

    @Test
    void printsEveryFactOfAHealthyChainAsATable() throws IOException {
        IssuedCertificate server = leaf().issue();
        Path file = pem("server.pem", server.presentedChain());

        Cli.Run run = Cli.run(CLOCK, "facts", "--pem", file.toString(), "--trust-anchors", anchors().toString());

        assertThat(run.code()).isZero();
        assertThat(run.err()).isEmpty();
        String pin = CertificatePins.spkiSha256(server.certificate());
        assertThat(run.out()).startsWith("Server certificate chain\n"
            + "  source        " + file + "\n"
            + "  root issuer   CN=Example Root,O=Example\n"
            + "  certificates  2\n"
            + "  hello names   -\n"
            + "\nCertificate 0 (leaf)\n"
            + "  FIELD                    VALUE\n"
            + "  Subject                  CN=mail.example.org,OU=Mail,OU=Gateways,O=Example Org\n"
            + "  Common name (CN)         mail.example.org\n"
            + "  Organisation (O)         Example Org\n"
            + "  Unit (OU)                Mail, Gateways\n"
            + "  Issuer                   CN=Example Issuing CA,O=Example\n"
            + "  Serial                   " + server.certificate().getSerialNumber().toString(16) + "\n"
            + "  DNS names                mail.example.org, mx.example.org\n"
            + "  Key                      RSA 2048 bits\n"
            + "  Signature algorithm      SHA256withRSA\n"
            + "  Valid from               2026-06-01T11:00:00Z\n"
            + "  Valid until              2027-06-01T12:00:00Z\n"
            + "  SHA-256 fingerprint      " + CertificatePins.certificateSha256(server.certificate()) + "\n"
            + "  SPKI pin (SHA-256)       " + pin + "\n"
            + "  CRL distribution points  http://pki.example.org/issuing.crl\n"
            + "  OCSP responders          http://ocsp.example.org/\n"
            + "  CA issuers               -\n"
            + "\nCertificate 1 (intermediate)\n");
        assertThat(run.out()).endsWith("\nWarnings: none\n");
    }

    static Stream<Arguments> warnings() {
        return Stream.of(
            Arguments.of("leaf expires in 10 days", (Function<CertificateAuthority.Builder, CertificateAuthority.Builder>)
                b -> b.validity(NOW.minus(Duration.ofDays(300)), NOW.plus(Duration.ofDays(10))), List.of(),
                "expires-soon", "0 (leaf)",
                "'CN=mail.example.org,OU=Mail,OU=Gateways,O=Example Org' expires on 2026-06-11T12:00:00Z, in 10 days (warning margin 30 days)"),
            Arguments.of("leaf expired yesterday", (Function<CertificateAuthority.Builder, CertificateAuthority.Builder>)
                b -> b.validity(NOW.minus(Duration.ofDays(300)), NOW.minus(Duration.ofDays(1))), List.of(),
                "expired", "0 (leaf)", "'CN=mail.example.org,OU=Mail,OU=Gateways,O=Example Org' expired on 2026-05-31T12:00:00Z"),
            Arguments.of("RSA 1024", (Function<CertificateAuthority.Builder, CertificateAuthority.Builder>)
                b -> b.keyType(KeyType.RSA_1024), List.of(),
                "weak-rsa-key", "0 (leaf)", "'CN=mail.example.org,OU=Mail,OU=Gateways,O=Example Org' has an RSA key of 1024 bits; at least 2048 expected"),
            Arguments.of("SHA-1 signature", (Function<CertificateAuthority.Builder, CertificateAuthority.Builder>)
                b -> b.signatureAlgorithm("SHA1withRSA"), List.of(),
                "sha1-signature", "0 (leaf)", "'CN=mail.example.org,OU=Mail,OU=Gateways,O=Example Org' is signed with SHA1withRSA;"
                    + " SHA-1 signatures are refused by current TLS clients"),
            Arguments.of("helloName not in the DNS names", (Function<CertificateAuthority.Builder, CertificateAuthority.Builder>)
                b -> b, List.of("--hello-name", "smtp.example.org"),
                "hello-name-not-covered", "0 (leaf)", "the leaf's DNS names [mail.example.org, mx.example.org] do not cover helloName 'smtp.example.org'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("warnings")
    void warnsAboutWhatWouldMakePartnersFail(String reason, Function<CertificateAuthority.Builder, CertificateAuthority.Builder> variant,
                                             List<String> extra, String kind, String certificate, String message) throws IOException {
        Path file = pem("server.pem", variant.apply(leaf()).issue().presentedChain());
        List<String> args = new ArrayList<>(List.of("facts", "--pem", file.toString(), "--trust-anchors", anchors().toString()));
        args.addAll(extra);

        Cli.Run run = Cli.run(CLOCK, args.toArray(String[]::new));

        assertThat(run.code()).isZero();
        assertThat(run.out()).endsWith("\nWarnings (1)\n"
            + "  KIND" + " ".repeat(kind.length() - 4) + "  CERTIFICATE  MESSAGE\n"
            + "  " + kind + "  " + certificate + "     " + message + "\n");
    }

    @Test
    void warnsWhenTheIntermediateIsMissing() throws IOException {
        IssuedCertificate server = leaf().issue();
        Path file = pem("leaf-only.pem", List.of(server.certificate()));

        Cli.Run run = Cli.run(CLOCK, "facts", "--pem", file.toString(), "--trust-anchors", anchors().toString(), "--json");

        JsonNode warnings = new ObjectMapper().readTree(run.out()).get("chains").get(0).get("warnings");
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).get("kind").asText()).isEqualTo("chain-incomplete");
        assertThat(warnings.get(0).get("certificate").asInt()).isZero();
        assertThat(warnings.get(0).get("message").asText()).isEqualTo("chain incomplete: 'CN=mail.example.org,OU=Mail,OU=Gateways,"
            + "O=Example Org' is not self-signed and its issuer 'CN=Example Issuing CA,O=Example' is neither in the chain nor in the"
            + " trust anchors (" + dir.resolve("anchors.pem") + "); an intermediate certificate is missing");
    }

    @Test
    void aChainEndingBelowAKnownRootIsCompleteAndOneEndingAtItsSelfSignedRootNamesIt() throws IOException {
        IssuedCertificate server = leaf().issue();
        Path full = pem("full.pem", server.fullChain());

        Cli.Run run = Cli.run(CLOCK, "facts", "--pem", full.toString(), "--json");

        JsonNode chain = new ObjectMapper().readTree(run.out()).get("chains").get(0);
        assertThat(chain.get("warnings")).isEmpty();
        assertThat(chain.get("rootIssuer").asText()).isEqualTo("CN=Example Root,O=Example");
        assertThat(chain.get("certificates").findValuesAsText("role")).containsExactly("leaf", "intermediate", "root");
    }

    @Test
    void withoutTheAnchorsAPrivateRootLeavesTheChainIncompleteAgainstTheJdkTrustStore() throws IOException {
        Path file = pem("server.pem", leaf().issue().presentedChain());

        Cli.Run run = Cli.run(CLOCK, "facts", "--pem", file.toString());

        assertThat(run.out()).contains("  chain-incomplete  1 (intermediate)  chain incomplete: 'CN=Example Issuing CA,O=Example' is not"
            + " self-signed and its issuer 'CN=Example Root,O=Example' is neither in the chain nor in the trust anchors (JDK default"
            + " trust store); an intermediate certificate is missing\n");
    }

    @Test
    void jsonCarriesTheDocumentedSchema() throws IOException {
        IssuedCertificate server = leaf().issue();
        Path file = pem("server.pem", server.presentedChain());

        Cli.Run run = Cli.run(CLOCK, "facts", "--pem", file.toString(), "--trust-anchors", anchors().toString(), "--json");

        assertThat(run.code()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(fieldNames(root)).containsExactly("schema", "generatedAt", "chains");
        assertThat(root.get("schema").asText()).isEqualTo("james-tls/facts/v1");
        assertThat(root.get("generatedAt").asText()).isEqualTo("2026-06-01T12:00:00Z");
        JsonNode chain = root.get("chains").get(0);
        assertThat(fieldNames(chain)).containsExactly("source", "purpose", "helloNames", "rootIssuer", "certificates", "warnings", "notes");
        JsonNode leaf = chain.get("certificates").get(0);
        assertThat(fieldNames(leaf)).containsExactly("index", "role", "subject", "commonName", "organisation", "organisationalUnits",
            "issuer", "serial", "dnsNames", "emailNames", "keyAlgorithm", "keySize", "signatureAlgorithm", "notBefore", "notAfter",
            "sha256", "spkiSha256", "crlUrls", "ocspUrls", "caIssuerUrls");
        assertThat(leaf.get("role").asText()).isEqualTo("leaf");
        assertThat(leaf.get("commonName").asText()).isEqualTo("mail.example.org");
        assertThat(leaf.get("organisation").asText()).isEqualTo("Example Org");
        assertThat(leaf.get("organisationalUnits").findValuesAsText("")).isEmpty();
        assertThat(texts(leaf.get("organisationalUnits"))).containsExactly("Mail", "Gateways");
        assertThat(texts(leaf.get("dnsNames"))).containsExactly("mail.example.org", "mx.example.org");
        assertThat(leaf.get("keyAlgorithm").asText()).isEqualTo("RSA");
        assertThat(leaf.get("keySize").asInt()).isEqualTo(2048);
        assertThat(leaf.get("notAfter").asText()).isEqualTo("2027-06-01T12:00:00Z");
        assertThat(leaf.get("spkiSha256").asText()).isEqualTo(CertificatePins.spkiSha256(server.certificate()));
        assertThat(texts(leaf.get("crlUrls"))).containsExactly("http://pki.example.org/issuing.crl");
        assertThat(texts(leaf.get("ocspUrls"))).containsExactly("http://ocsp.example.org/");
        assertThat(chain.get("certificates").get(1).get("organisation").asText()).isEqualTo("Example");
        assertThat(chain.get("certificates").get(1).get("organisationalUnits")).isEmpty();
    }

    @Test
    void markdownIsReadyToPublishAndKeepsWarningsOnStderr() throws IOException {
        IssuedCertificate server = leaf().validity(NOW.minus(Duration.ofDays(300)), NOW.plus(Duration.ofDays(5))).issue();
        Path file = pem("server.pem", server.presentedChain());

        Cli.Run run = Cli.run(CLOCK, "facts", "--pem", file.toString(), "--trust-anchors", anchors().toString(), "--markdown");

        assertThat(run.code()).isZero();
        String pin = CertificatePins.spkiSha256(server.certificate());
        assertThat(run.out()).startsWith("## TLS certificate of mail.example.org, mx.example.org\n\n"
            + "To force TLS towards us, trust the root **CN=Example Root,O=Example** and expect the subject"
            + " **CN=mail.example.org,OU=Mail,OU=Gateways,O=Example Org**. Pin the SPKI `" + pin + "` (SHA-256, base64).\n"
            + "\n### Certificate 0 (leaf)\n\n"
            + "| FIELD | VALUE |\n"
            + "|---|---|\n"
            + "| Subject | CN=mail.example.org,OU=Mail,OU=Gateways,O=Example Org |\n"
            + "| Common name (CN) | mail.example.org |\n");
        assertThat(run.out()).contains("| SPKI pin (SHA-256) | " + pin + " |\n", "\n### Certificate 1 (intermediate)\n\n| FIELD | VALUE |\n")
            .doesNotContain("warning");
        assertThat(run.err()).isEqualTo("warning: expires-soon: 'CN=mail.example.org,OU=Mail,OU=Gateways,O=Example Org' expires on "
            + "2026-06-06T12:00:00Z, in 5 days (warning margin 30 days)\n");
    }

    @Test
    void readsTheKeystoreAndHelloNameOfJamesConfiguration() throws IOException {
        Path conf = Files.createDirectories(dir.resolve("james/conf"));
        IssuedCertificate server = leaf().issue();
        PemFiles.write(SslContexts.keyStore(server, "james", "changeit".toCharArray()), conf.resolve("keystore.p12"), "changeit".toCharArray());
        Files.writeString(conf.resolve("smtpserver.xml"), """
            <smtpservers>
              <smtpserver enabled="true">
                <bind>0.0.0.0:25</bind>
                <tls socketTLS="false" startTLS="true">
                  <keystore>file://conf/keystore.p12</keystore>
                  <keystoreType>PKCS12</keystoreType>
                  <secret>changeit</secret>
                </tls>
                <helloName autodetect="false">smtp.example.org</helloName>
              </smtpserver>
              <smtpserver enabled="true">
                <bind>0.0.0.0:587</bind>
                <tls socketTLS="false" startTLS="true">
                  <keystore>file://conf/keystore.p12</keystore>
                  <keystoreType>PKCS12</keystoreType>
                  <secret>changeit</secret>
                </tls>
                <helloName autodetect="true">ignored.example.org</helloName>
              </smtpserver>
              <smtpserver enabled="false">
                <bind>0.0.0.0:465</bind>
                <tls socketTLS="true"><keystore>file://conf/missing.p12</keystore></tls>
              </smtpserver>
            </smtpservers>
            """);

        Cli.Run run = Cli.run(CLOCK, "facts", "--james-conf", conf.toString(), "--trust-anchors", anchors().toString());

        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("Server certificate chain\n"
            + "  source        file://conf/keystore.p12 (PKCS12, alias james), listeners 0.0.0.0:25, 0.0.0.0:587\n"
            + "  root issuer   CN=Example Root,O=Example\n"
            + "  certificates  3\n"
            + "  hello names   smtp.example.org\n");
        assertThat(run.out()).contains("\nnote: listener 0.0.0.0:587: helloName is autodetected by James from the machine's host name;"
            + " not checked (give it with --hello-name)\n");
        assertThat(run.out()).contains("  hello-name-not-covered  0 (leaf)     the leaf's DNS names [mail.example.org, mx.example.org]"
            + " do not cover helloName 'smtp.example.org'\n");
    }

    @Test
    void readsPemKeyMaterialOfJamesConfigurationAndAcceptsACoveredHelloName() throws IOException {
        Path conf = Files.createDirectories(dir.resolve("james/conf"));
        IssuedCertificate server = leaf().dnsNames("*.example.org").issue();
        PemFiles.writeCertificates(conf.resolve("server.pem"), server.presentedChain());
        Files.writeString(conf.resolve("smtpserver.xml"), """
            <smtpservers>
              <smtpserver enabled="true">
                <bind>127.0.0.1:2525</bind>
                <tls socketTLS="false" startTLS="true">
                  <privateKey>file://conf/server.key</privateKey>
                  <certificates>file://conf/server.pem</certificates>
                </tls>
                <helloName autodetect="false">smtp.example.org</helloName>
              </smtpserver>
            </smtpservers>
            """);

        Cli.Run run = Cli.run(CLOCK, "facts", "--james-conf", conf.toString(), "--trust-anchors", anchors().toString(), "--strict");

        assertThat(run.code()).as(run.out()).isZero();
        assertThat(run.out()).contains("  source        file://conf/server.pem, listeners 127.0.0.1:2525\n", "\nWarnings: none\n");
    }

    @Test
    void strictFailsOnWarnings() throws IOException {
        Path file = pem("server.pem", leaf().keyType(KeyType.RSA_1024).issue().presentedChain());

        assertThat(Cli.run(CLOCK, "facts", "--pem", file.toString(), "--trust-anchors", anchors().toString(), "--strict").code())
            .isEqualTo(1);
    }

    @Test
    void readsOneKeyEntryOfAKeystore() throws IOException {
        IssuedCertificate server = leaf().issue();
        java.security.KeyStore store = SslContexts.keyStore(server, "mail", "secret".toCharArray());
        Path file = dir.resolve("store.p12");
        PemFiles.write(store, file, "secret".toCharArray());

        Cli.Run run = Cli.run(CLOCK, "facts", "--keystore", file.toString(), "--storepass", "secret", "--alias", "mail");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("  source        " + file + " (alias mail)\n", "  certificates  3\n");
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
            Arguments.of("wrong key store password", List.of("--keystore", "store.p12", "--storepass", "wrong"), 1,
                "facts: key store DIR/store.p12 does not load (JKS or PKCS12) with the given password: keystore password was incorrect\n"),
            Arguments.of("unknown alias", List.of("--keystore", "store.p12", "--storepass", "secret", "--alias", "nope"), 1,
                "facts: key store DIR/store.p12 has no key entry 'nope'; key entries: [a, b]\n"),
            Arguments.of("several keys, no alias", List.of("--keystore", "store.p12", "--storepass", "secret"), 1,
                "facts: key store DIR/store.p12 holds several keys [a, b]; choose one with --alias\n"),
            Arguments.of("missing PEM file", List.of("--pem", "nothing.pem"), 1, "facts: certificate file DIR/nothing.pem not found\n"),
            Arguments.of("no smtpserver.xml", List.of("--james-conf", "."), 1, "facts: DIR/./smtpserver.xml not found\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void namesTheFileAndTheProblem(String reason, List<String> args, int code, String message) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (String alias : List.of("a", "b")) {
            IssuedCertificate entry = leaf().issue();
            store.setKeyEntry(alias, entry.keyPair().getPrivate(), "secret".toCharArray(),
                entry.fullChain().toArray(java.security.cert.Certificate[]::new));
        }
        PemFiles.write(store, dir.resolve("store.p12"), "secret".toCharArray());
        List<String> full = new ArrayList<>(List.of("facts"));
        args.forEach(a -> full.add(a.equals(".") || a.endsWith(".p12") || a.endsWith(".pem") ? dir.resolve(a).toString() : a));

        Cli.Run run = Cli.run(CLOCK, full.toArray(String[]::new));

        assertThat(run.code()).isEqualTo(code);
        assertThat(run.err()).isEqualTo(message.replace("DIR", dir.toString()));
    }

    @Test
    void oneInputIsRequired() {
        Cli.Run run = Cli.run(CLOCK, "facts");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).startsWith("Error: Missing required argument (specify one of these): "
            + "(--pem=FILE | --james-conf=DIR | [--keystore=FILE [--alias=A] [--storepass[=P]]])\n");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
