package dev.jamestls.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.KeyType;
import dev.jamestls.pki.SslContexts;

/** Loading, checking and comparing our outbound client identity. */
class ClientIdentityTest {
    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    static final CertificateAuthority CA = CertificateAuthority.root("CN=Our CA", NOW);

    @TempDir
    Path dir;

    @Test
    void readsAPemChainAndKeyAndPresentsTheLeafFirst() throws IOException {
        IssuedCertificate ours = client(CA.intermediate("CN=Our Issuing CA").issueAuthority().leaf("CN=mx.example.com"));
        ClientIdentity identity = pem(ours, ours);

        assertThat(identity.leaf()).isEqualTo(ours.certificate());
        assertThat(identity.chain()).containsExactlyElementsOf(ours.presentedChain());
        assertThat(identity.findings(NOW)).isEmpty();
        assertThat(identity.toString()).doesNotContain(PemFiles.privateKey(ours.keyPair().getPrivate()).lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    void readsTheKeyFromTheChainFileAsPostfixChainFilesDo() throws IOException {
        IssuedCertificate ours = client(CA.leaf("CN=mx.example.com"));
        Path both = dir.resolve("both.pem");
        Files.writeString(both, PemFiles.privateKey(ours.keyPair().getPrivate()) + PemFiles.certificates(ours.presentedChain()));

        assertThat(ClientIdentity.fromPem(both, both).leaf()).isEqualTo(ours.certificate());
    }

    @Test
    void readsAKeyStoreEntry() throws IOException {
        IssuedCertificate ours = client(CA.leaf("CN=mx.example.com"));
        Path store = dir.resolve("client.p12");
        PemFiles.write(SslContexts.keyStore(ours, "client", "secret".toCharArray()), store, "secret".toCharArray());

        ClientIdentity identity = ClientIdentity.fromKeyStore(store, "PKCS12", "secret".toCharArray(), Optional.empty());

        assertThat(identity.leaf()).isEqualTo(ours.certificate());
        assertThat(identity.chain()).containsExactlyElementsOf(ours.fullChain());
        assertThatThrownBy(() -> ClientIdentity.fromKeyStore(store, "PKCS12", "wrong".toCharArray(), Optional.empty()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("key store " + store + " does not load as PKCS12");
        assertThatThrownBy(() -> ClientIdentity.fromKeyStore(store, "BKS", "secret".toCharArray(), Optional.empty()))
            .hasMessage("unknown key store type 'BKS'; accepted: PKCS12, JKS");
    }

    @Test
    void refusesAKeyThatIsNotTheLeafs() throws IOException {
        IssuedCertificate ours = client(CA.leaf("CN=ours"));
        IssuedCertificate other = client(CA.leaf("CN=other"));

        assertThatThrownBy(() -> pem(ours, other)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("client.pem + client.key: the private key does not belong to the certificate 'CN=ours' (SPKI pin '"
                + CertificatePins.spkiSha256(ours.certificate()) + "'); accepted: the key of the first certificate of the chain");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "expired       | -400 | -1  | CLIENT_AUTH | expired       | partners refuse an expired certificate",
        "expires soon  | -300 | 10  | CLIENT_AUTH | expires-soon  | within the 30-day margin",
        "not yet valid | 1    | 300 | CLIENT_AUTH | not-yet-valid | issued for the future",
        "server only   | -1   | 300 | SERVER_AUTH | no-client-auth | RFC 5280 4.2.1.12: an EKU without clientAuth forbids client use",
        "no EKU        | -1   | 300 | -           | -             | no EKU extension allows any use",
    })
    void findsWhatMakesPartnersRefuseIt(String name, long fromDays, long untilDays, String usage, String expected, String reason)
        throws IOException {
        CertificateAuthority.Builder builder = CA.leaf("CN=" + name.replace(' ', '-'))
            .validity(NOW.plus(Duration.ofDays(fromDays)), NOW.plus(Duration.ofDays(untilDays)));
        if (!usage.equals("-")) {
            builder.extendedKeyUsages(ExtendedKeyUsage.valueOf(usage));
        }
        IssuedCertificate certificate = builder.issue();

        List<ClientIdentity.Finding> findings = pem(certificate, certificate).findings(NOW);

        assertThat(findings).extracting(f -> f.kind().spelling()).as(reason)
            .containsExactlyElementsOf(expected.equals("-") ? List.of() : List.of(expected));
    }

    @ParameterizedTest(name = "{0} key answers {1}: {2}")
    @CsvSource({
        "RSA_2048, RSA, true",
        "RSA_2048, RSASSA-PSS, true",
        "RSA_2048, EC, false",
        "EC_P256, EC, true",
        "EC_P256, EC_EC, true",
        "EC_P256, RSA, false",
    })
    void answersOnlyTheKeyTypesItsKeySuits(KeyType keyType, String requested, boolean suits) throws IOException {
        IssuedCertificate certificate = client(CA.leaf("CN=" + keyType).keyType(keyType));

        assertThat(pem(certificate, certificate).suits(requested)).isEqualTo(suits);
    }

    @Test
    void identitiesAreEqualByContentNotByFile() throws IOException {
        IssuedCertificate ours = client(CA.leaf("CN=ours"));
        IssuedCertificate renewed = client(CA.leaf("CN=ours"));
        ClientIdentity first = pem(ours, ours);
        ClientIdentity copy = ClientIdentity.fromPem(Files.copy(dir.resolve("client.key"), dir.resolve("copy.key")),
            Files.copy(dir.resolve("client.pem"), dir.resolve("copy.pem")));

        assertThat(copy).isEqualTo(first).hasSameHashCodeAs(first);
        assertThat(pem(renewed, renewed)).isNotEqualTo(first);
    }

    private static IssuedCertificate client(CertificateAuthority.Builder builder) {
        return builder.extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(300)))
            .issue();
    }

    private ClientIdentity pem(IssuedCertificate certificate, IssuedCertificate key) throws IOException {
        Path chain = dir.resolve("client.pem");
        Path keyFile = dir.resolve("client.key");
        PemFiles.writeCertificates(chain, certificate.presentedChain());
        PemFiles.writePrivateKey(keyFile, key.keyPair().getPrivate());
        return ClientIdentity.fromPem(keyFile, chain);
    }
}
