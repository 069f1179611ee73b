package dev.jamestls.policy.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.TlsPolicy;
import dev.jamestls.tls.PemFiles;

/** The annotated example of docs/policy-reference.md is itself a valid policy. */
class PolicyReferenceExampleTest {
    @TempDir
    Path dir;

    static String block(String doc, String name) {
        String marker = "<!-- example: " + name + " -->";
        int start = doc.indexOf(marker);
        assertThat(start).as("marker " + marker).isNotNegative();
        int open = doc.indexOf('\n', doc.indexOf("```", start)) + 1;
        int close = doc.indexOf("```", open);
        return doc.substring(open, close);
    }

    static Path docs() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs/policy-reference.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("docs/policy-reference.md not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void annotatedExampleLoadsWithoutProblems() throws IOException {
        String doc = Files.readString(docs());
        Files.writeString(dir.resolve("tls-policy.xml"), block(doc, "tls-policy.xml"));
        Files.writeString(dir.resolve("tls_policy"), block(doc, "tls_policy"));
        PemFiles.writeCertificates(dir.resolve("partner-ca.pem"),
            java.util.List.of(CertificateAuthority.root("CN=Partner Issuing CA,O=Partner", Instant.now()).certificate().certificate()));

        dev.jamestls.pki.IssuedCertificate client = CertificateAuthority.root("CN=Private CA", Instant.now()).leaf("CN=mx.example.com")
            .extendedKeyUsages(dev.jamestls.pki.ExtendedKeyUsage.CLIENT_AUTH).issue();
        PemFiles.writeCertificates(dir.resolve("private-ca-client.pem"), client.presentedChain());
        PemFiles.writePrivateKey(dir.resolve("private-ca-client.key"), client.keyPair().getPrivate());

        PolicyFileParser.Result result = new PolicyFileParser(PolicyFileParserTest.CLOCK).parse(dir.resolve("tls-policy.xml"));

        assertThat(result.problems()).isEmpty();
        TlsPolicy policy = result.policy().orElseThrow();
        assertThat(policy.connectors()).hasSize(7);
        assertThat(policy.resolveOutbound("news.example").connector().orElseThrow().outbound().orElseThrow().honourTlsRequiredNo())
            .isTrue();
        assertThat(policy.resolveOutbound("private-ca.example").requirement().trustAnchors()).isPresent();
        assertThat(policy.resolveOutbound("private-ca.example").requirement().clientIdentity().orElseThrow().leaf())
            .isEqualTo(client.certificate());
        assertThat(policy.resolveOutbound("private.example").requirement().trustAnchors()).isPresent();
        assertThat(policy.resolveInbound("mx.partner.example").rule()).isEqualTo("partner-example");
        assertThat(policy.resolveInbound("").rule()).isEqualTo("bounces");
        assertThat(policy.resolveInbound("staged.example").mode()).isEqualTo(Mode.TESTING);
        assertThat(policy.resolveOutbound("pinned.example").requirement().level()).isEqualTo(OutboundLevel.FINGERPRINT);
        assertThat(policy.resolveOutbound("a.subsidiary.example").rule()).isEqualTo("tls_policy:3 .subsidiary.example");
    }
}
