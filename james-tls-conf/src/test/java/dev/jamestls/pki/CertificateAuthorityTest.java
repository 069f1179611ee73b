package dev.jamestls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.tls.PemFiles;

class CertificateAuthorityTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @Test
    void issuesAChainThatTheJdkValidatorAccepts() throws Exception {
        CertificateAuthority root = CertificateAuthority.root("CN=Test Root,O=james-tls", NOW);
        CertificateAuthority intermediate = root.intermediate("CN=Test Intermediate,O=james-tls").issueAuthority();
        IssuedCertificate leaf = intermediate.leaf("CN=partner.example")
            .dnsNames("partner.example", "mail.partner.example")
            .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH)
            .crlUrl("http://127.0.0.1:1/ca.crl")
            .ocspUrl("http://127.0.0.1:1/ocsp")
            .keyType(KeyType.EC_P256)
            .issue();

        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root.certificate().certificate(), null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(NOW));
        CertPathValidator.getInstance("PKIX").validate(
            CertificateFactory.getInstance("X.509").generateCertPath(leaf.presentedChain()), parameters);

        CertificateFacts facts = CertificateFacts.of(leaf.certificate());
        assertThat(facts.subject()).isEqualTo("CN=partner.example");
        assertThat(facts.issuer()).isEqualTo("CN=Test Intermediate,O=james-tls");
        assertThat(facts.dnsNames()).containsExactly("partner.example", "mail.partner.example");
        assertThat(facts.keyAlgorithm()).isEqualTo("EC");
        assertThat(facts.keySize()).isEqualTo(256);
        assertThat(facts.crlUrls()).containsExactly("http://127.0.0.1:1/ca.crl");
        assertThat(facts.ocspUrls()).containsExactly("http://127.0.0.1:1/ocsp");
        assertThat(facts.spkiSha256()).hasSize(44);
        assertThat(leaf.fullChain()).hasSize(3);
        assertThat(leaf.presentedChain()).hasSize(2);
    }

    @Test
    void crlListsRevokedSerialsAndVerifiesWithTheCaKey() throws Exception {
        CertificateAuthority root = CertificateAuthority.root("CN=Test Root", NOW);
        IssuedCertificate revoked = root.leaf("CN=revoked.example").issue();
        X509CRL crl = root.crl(List.of(revoked.certificate().getSerialNumber()), NOW, NOW.plus(1, ChronoUnit.DAYS));

        crl.verify(root.certificate().certificate().getPublicKey());
        assertThat(crl.isRevoked(revoked.certificate())).isTrue();
        assertThat(crl.getNextUpdate().toInstant()).isEqualTo(NOW.plus(1, ChronoUnit.DAYS));
    }

    @Test
    void pemRoundTripKeepsCertificatesAndKey(@TempDir Path dir) throws Exception {
        CertificateAuthority root = CertificateAuthority.root("CN=Test Root", NOW);
        IssuedCertificate leaf = root.leaf("CN=server.example").dnsNames("server.example").issue();
        PemFiles.writeCertificates(dir.resolve("chain.pem"), leaf.fullChain());
        PemFiles.writePrivateKey(dir.resolve("key.pem"), leaf.keyPair().getPrivate());

        assertThat(PemFiles.readCertificates(dir.resolve("chain.pem"))).containsExactlyElementsOf(leaf.fullChain());
        assertThat(PemFiles.readPrivateKey(dir.resolve("key.pem")).getEncoded())
            .isEqualTo(leaf.keyPair().getPrivate().getEncoded());
    }

    @Test
    void rejectsValidityThatEndsBeforeItStarts() {
        CertificateAuthority root = CertificateAuthority.root("CN=Test Root", NOW);
        assertThatThrownBy(() -> root.leaf("CN=x").validity(NOW, NOW.minusSeconds(1)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("notAfter 2026-06-01T11:59:59Z is not after notBefore 2026-06-01T12:00:00Z");
    }

    @Test
    void readingAFileWithoutCertificateNamesTheFile(@TempDir Path dir) throws Exception {
        Path empty = java.nio.file.Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> PemFiles.readCertificates(empty))
            .hasMessageContaining("empty.pem: no certificate found");
    }
}
