package dev.jamestls.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.tls.PemFiles;

class SandboxPkiTest {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path pki;

    static Stream<Arguments> identities() {
        return Stream.of(
            Arguments.of(SandboxPki.SERVER, SandboxPki.SERVER_KEY, "CN=james.local,O=james-tls sandbox",
                List.of("james.local", "localhost"), SERVER_AUTH),
            Arguments.of(SandboxPki.PARTNER, SandboxPki.PARTNER_KEY, "CN=partner.example,O=Partner Example",
                List.of("partner.example"), CLIENT_AUTH),
            Arguments.of(SandboxPki.ONPREM, SandboxPki.ONPREM_KEY, "CN=onprem.example,O=On-Premises Example",
                List.of("onprem.example"), CLIENT_AUTH));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("identities")
    void writesEachIdentityAsAChainTheCaValidatesWithItsOwnKey(String certificateFile, String keyFile, String subject,
                                                                List<String> dnsNames, String extendedKeyUsage) throws Exception {
        SandboxPki.write(pki, Instant.now());

        X509Certificate ca = PemFiles.readCertificates(pki.resolve(SandboxPki.CA)).get(0);
        List<X509Certificate> chain = PemFiles.readCertificates(pki.resolve(certificateFile));
        IssuedCertificate identity = ClientIdentity.read(pki.resolve(certificateFile), pki.resolve(keyFile));
        X509Certificate leaf = chain.get(0);

        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo(subject);
        assertThat(chain).hasSize(2).last().isEqualTo(ca);
        assertThat(dnsNames(leaf)).containsExactlyElementsOf(dnsNames);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(extendedKeyUsage);
        assertThat(identity.keyPair().getPrivate().getAlgorithm()).isEqualTo(leaf.getPublicKey().getAlgorithm());
        assertThat(Files.getPosixFilePermissions(pki.resolve(keyFile))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
            CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
    }

    @Test
    void trustStoreHoldsTheCaUnderTheSecretOfTheSampleConfiguration() throws Exception {
        SandboxPki.write(pki, Instant.now());

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(pki.resolve(SandboxPki.TRUSTSTORE))) {
            store.load(in, SandboxPki.TRUSTSTORE_SECRET.toCharArray());
        }
        X509Certificate ca = PemFiles.readCertificates(pki.resolve(SandboxPki.CA)).get(0);
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.getCertificate(store.aliases().nextElement())).isEqualTo(ca);
        assertThat(Files.readString(Path.of(System.getProperty("user.dir"))
            .resolve("../james-tls-conf/src/main/james-conf/smtpserver.xml")))
            .contains("<truststoreSecret>" + SandboxPki.TRUSTSTORE_SECRET + "</truststoreSecret>");
    }

    @Test
    void keepsACompletePkiAndReplacesAnIncompleteOne() throws Exception {
        SandboxPki.main(new String[] {pki.toString()});
        byte[] ca = Files.readAllBytes(pki.resolve(SandboxPki.CA));

        SandboxPki.main(new String[] {pki.toString()});
        assertThat(Files.readAllBytes(pki.resolve(SandboxPki.CA))).isEqualTo(ca);

        Files.delete(pki.resolve(SandboxPki.PARTNER_KEY));
        SandboxPki.main(new String[] {pki.toString()});
        assertThat(SandboxPki.isComplete(pki)).isTrue();
        assertThat(Files.readAllBytes(pki.resolve(SandboxPki.CA))).isNotEqualTo(ca);
    }

    private static List<String> dnsNames(X509Certificate certificate) throws Exception {
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        return names.stream().filter(name -> (Integer) name.get(0) == 2).map(name -> (String) name.get(1)).toList();
    }
}
