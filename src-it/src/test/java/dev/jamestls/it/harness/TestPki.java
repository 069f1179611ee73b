package dev.jamestls.it.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.SslContexts;
import dev.jamestls.tls.PemFiles;

/**
 * A PKI generated per test run: a root CA, an intermediate that issues the
 * server and partner certificates, and the hostile variants later issues need
 * (expired, not yet valid, wrong name, wrong EKU, other CA, self-signed).
 */
public final class TestPki {
    public static final String PASSWORD = "changeit";

    public final Instant now;
    public final CertificateAuthority root;
    public final CertificateAuthority intermediate;
    public final CertificateAuthority otherRoot;
    public final IssuedCertificate server;
    public final IssuedCertificate partner;
    public final IssuedCertificate onprem;
    public final IssuedCertificate partnerRenewed;
    public final IssuedCertificate partnerExpired;
    public final IssuedCertificate partnerNotYetValid;
    public final IssuedCertificate partnerServerAuthOnly;
    public final IssuedCertificate partnerFromOtherCa;
    public final IssuedCertificate partnerSelfSigned;

    public TestPki() {
        this(Instant.now());
    }

    public TestPki(Instant now) {
        this.now = now;
        root = CertificateAuthority.root("CN=james-tls Test Root CA,O=james-tls tests", now);
        intermediate = root.intermediate("CN=james-tls Test Issuing CA,O=james-tls tests").issueAuthority();
        otherRoot = CertificateAuthority.root("CN=Unrelated Root CA,O=elsewhere", now);
        server = intermediate.leaf("CN=james.local,O=james-tls tests")
            .dnsNames("james.local", "localhost")
            .extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();
        partner = client("partner.example").issue();
        onprem = client("onprem.example").issue();
        partnerRenewed = client("partner.example").issue();
        partnerExpired = client("partner.example")
            .validity(now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(1))).issue();
        partnerNotYetValid = client("partner.example")
            .validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(60))).issue();
        partnerServerAuthOnly = intermediate.leaf("CN=partner.example")
            .dnsNames("partner.example").extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();
        partnerFromOtherCa = otherRoot.leaf("CN=partner.example")
            .dnsNames("partner.example").extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();
        CertificateAuthority selfSigned = CertificateAuthority.root("CN=partner.example", now);
        partnerSelfSigned = selfSigned.certificate();
    }

    private dev.jamestls.pki.CertificateAuthority.Builder client(String domain) {
        return intermediate.leaf("CN=" + domain + ",O=" + domain)
            .dnsNames(domain)
            .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH);
    }

    /**
     * Writes what James needs into {@code conf}: {@code server.pem} (chain),
     * {@code server.key}, {@code ca.pem}, and {@code clients-truststore.p12}
     * (password {@value #PASSWORD}) trusting the root.
     */
    public void writeTo(Path conf) throws IOException {
        PemFiles.writeCertificates(conf.resolve("server.pem"), server.presentedChain());
        PemFiles.writePrivateKey(conf.resolve("server.key"), server.keyPair().getPrivate());
        PemFiles.writeCertificates(conf.resolve("ca.pem"), List.of(root.certificate().certificate()));
        PemFiles.write(SslContexts.trustStore(List.of(root.certificate().certificate())),
            conf.resolve("clients-truststore.p12"), PASSWORD.toCharArray());
    }
}
