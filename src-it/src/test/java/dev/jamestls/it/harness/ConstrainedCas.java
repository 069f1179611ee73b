package dev.jamestls.it.harness;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.KeyType;

/**
 * CAs carrying RFC 5280 §4.2.1.10 name constraints (critical, as §4.2.1.10 requires), generated with
 * BouncyCastle: an intermediate that excludes a DNS subtree, and a self-signed root (to be configured
 * as a trust anchor) that permits only one DNS subtree.
 */
public final class ConstrainedCas {
    private static final String NAME_CONSTRAINTS = Extension.nameConstraints.getId();

    private ConstrainedCas() {
    }

    /**
     * The two constrained CAs the attack tests use, under {@code pki}: an intermediate below the test root that
     * excludes {@code bar.example.com}, and a root permitting only {@code partner.example}.
     */
    public record Pair(CertificateAuthority excludingBar, CertificateAuthority permittingPartnerOnly) {
        public static Pair under(TestPki pki) {
            return new Pair(excludingIntermediate(pki.root, "CN=Constrained Issuing CA,O=james-tls tests", "bar.example.com"),
                permittingRoot("CN=Partner-only Root,O=james-tls tests", "partner.example", pki.now));
        }
    }

    /** An intermediate under {@code parent} whose nameConstraints exclude the DNS subtree {@code excluded}. */
    public static CertificateAuthority excludingIntermediate(CertificateAuthority parent, String subjectDn, String excluded) {
        return parent.intermediate(subjectDn)
            .criticalRawExtension(NAME_CONSTRAINTS, encoded(new NameConstraints(null, subtrees(excluded))))
            .issueAuthority();
    }

    /** A self-signed root whose nameConstraints permit only the DNS subtree {@code permitted}. */
    public static CertificateAuthority permittingRoot(String subjectDn, String permitted, Instant now) {
        KeyPair keyPair = KeyType.RSA_2048.generate();
        X500Principal subject = new X500Principal(subjectDn);
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(3650))), subject, keyPair.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keyPair.getPublic()));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.nameConstraints, true, new NameConstraints(subtrees(permitted), null));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(KeyType.RSA_2048.signatureAlgorithm()).build(keyPair.getPrivate())));
            return CertificateAuthority.of(new IssuedCertificate(certificate, keyPair, List.of()), now);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot sign " + subjectDn, e);
        }
    }

    private static GeneralSubtree[] subtrees(String dnsName) {
        return new GeneralSubtree[] {new GeneralSubtree(new GeneralName(GeneralName.dNSName, dnsName))};
    }

    private static byte[] encoded(NameConstraints constraints) {
        try {
            return constraints.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode name constraints", e);
        }
    }
}
