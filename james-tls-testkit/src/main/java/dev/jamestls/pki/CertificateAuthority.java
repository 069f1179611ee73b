package dev.jamestls.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority that issues RFC 5280 certificates and CRLs.
 *
 * <pre>{@code
 * CertificateAuthority root = CertificateAuthority.root("CN=Test Root", now);
 * CertificateAuthority ca = root.intermediate("CN=Test Intermediate").issueAuthority();
 * IssuedCertificate partner = ca.leaf("CN=partner.example")
 *     .dnsNames("partner.example")
 *     .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH)
 *     .issue();
 * }</pre>
 */
public final class CertificateAuthority {
    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xFFFFFFFFL);
    private static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
    private static final Duration BACKDATE = Duration.ofHours(1);

    private final IssuedCertificate self;
    private final Instant now;

    private CertificateAuthority(IssuedCertificate self, Instant now) {
        this.self = self;
        this.now = now;
    }

    /** A self-signed root CA (RSA 2048) valid from an hour before {@code now} for ten years. */
    public static CertificateAuthority root(String subjectDn, Instant now) {
        return root(subjectDn, now, KeyType.RSA_2048);
    }

    public static CertificateAuthority root(String subjectDn, Instant now, KeyType keyType) {
        KeyPair keyPair = keyType.generate();
        X509Certificate certificate = new Builder(null, subjectDn, now, keyPair, keyType)
            .authority(true)
            .validity(now.minus(BACKDATE), now.plus(Duration.ofDays(3650)))
            .sign(keyPair, subjectDn, keyType.signatureAlgorithm(), null);
        return new CertificateAuthority(new IssuedCertificate(certificate, keyPair, List.of()), now);
    }

    /** Wraps an existing CA certificate and key, e.g. one read from PEM files. */
    public static CertificateAuthority of(IssuedCertificate authority, Instant now) {
        return new CertificateAuthority(authority, now);
    }

    public IssuedCertificate certificate() {
        return self;
    }

    /** A builder for an intermediate CA below this one; finish it with {@link Builder#issueAuthority()}. */
    public Builder intermediate(String subjectDn) {
        return new Builder(this, subjectDn, now, null, KeyType.RSA_2048).authority(true)
            .validity(now.minus(BACKDATE), now.plus(Duration.ofDays(1825)));
    }

    /** A builder for an end-entity certificate issued by this CA. */
    public Builder leaf(String subjectDn) {
        return new Builder(this, subjectDn, now, null, KeyType.RSA_2048);
    }

    /**
     * A CRL signed by this CA (RFC 5280 §5) listing {@code revokedSerials}
     * (reason keyCompromise), valid from {@code thisUpdate} to {@code nextUpdate}.
     */
    public X509CRL crl(List<BigInteger> revokedSerials, Instant thisUpdate, Instant nextUpdate) {
        try {
            X509v2CRLBuilder builder = new X509v2CRLBuilder(
                X500Name.getInstance(self.certificate().getSubjectX500Principal().getEncoded()), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            for (BigInteger serial : revokedSerials) {
                builder.addCRLEntry(serial, Date.from(thisUpdate.minus(BACKDATE)), CRLReason.keyCompromise);
            }
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(self.certificate()));
            builder.addExtension(Extension.cRLNumber, false,
                new org.bouncycastle.asn1.ASN1Integer(BigInteger.valueOf(SERIALS.incrementAndGet())));
            X509CRLHolder holder = builder.build(signer(self.keyPair(), signatureAlgorithm()));
            return new JcaX509CRLConverter().getCRL(holder);
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot sign CRL for " + self.certificate().getSubjectX500Principal(), e);
        }
    }

    private String signatureAlgorithm() {
        return self.keyPair().getPublic().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    }

    private static ContentSigner signer(KeyPair keyPair, String algorithm) throws OperatorCreationException {
        return new JcaContentSignerBuilder(algorithm).build(keyPair.getPrivate());
    }

    /** Builds one certificate. Every setter checks its argument; defaults make a one-year TLS leaf. */
    public static final class Builder {
        private final CertificateAuthority issuer;
        private final String subjectDn;
        private KeyPair keyPair;
        private KeyType keyType;
        private boolean authority;
        private Instant notBefore;
        private Instant notAfter;
        private final List<String> dnsNames = new ArrayList<>();
        private final List<String> emailNames = new ArrayList<>();
        private final Set<ExtendedKeyUsage> extendedKeyUsages = EnumSet.noneOf(ExtendedKeyUsage.class);
        private final List<String> crlUrls = new ArrayList<>();
        private final List<String> ocspUrls = new ArrayList<>();
        private final Map<String, byte[]> rawExtensions = new LinkedHashMap<>();
        private final Set<String> criticalRawExtensions = new java.util.HashSet<>();
        private String signatureAlgorithm;
        private BigInteger serial;

        private Builder(CertificateAuthority issuer, String subjectDn, Instant now, KeyPair keyPair, KeyType keyType) {
            this.issuer = issuer;
            this.subjectDn = new X500Principal(Objects.requireNonNull(subjectDn, "subjectDn")).getName();
            this.keyPair = keyPair;
            this.keyType = keyType;
            this.notBefore = now.minus(BACKDATE);
            this.notAfter = now.plus(DEFAULT_VALIDITY);
        }

        Builder authority(boolean isAuthority) {
            this.authority = isAuthority;
            return this;
        }

        public Builder keyType(KeyType type) {
            this.keyType = Objects.requireNonNull(type, "keyType");
            this.keyPair = null;
            return this;
        }

        /** Reuse an existing key pair (e.g. the same key in a renewed certificate). */
        public Builder keyPair(KeyPair pair) {
            this.keyPair = Objects.requireNonNull(pair, "keyPair");
            return this;
        }

        public Builder validity(Instant from, Instant until) {
            if (!until.isAfter(from)) {
                throw new IllegalArgumentException("notAfter " + until + " is not after notBefore " + from);
            }
            this.notBefore = from;
            this.notAfter = until;
            return this;
        }

        public Builder dnsNames(String... names) {
            dnsNames.addAll(List.of(names));
            return this;
        }

        public Builder emailNames(String... names) {
            emailNames.addAll(List.of(names));
            return this;
        }

        public Builder extendedKeyUsages(ExtendedKeyUsage... usages) {
            extendedKeyUsages.addAll(List.of(usages));
            return this;
        }

        public Builder crlUrl(String url) {
            crlUrls.add(Objects.requireNonNull(url, "url"));
            return this;
        }

        public Builder ocspUrl(String url) {
            ocspUrls.add(Objects.requireNonNull(url, "url"));
            return this;
        }

        public Builder serial(BigInteger value) {
            if (value.signum() <= 0) {
                throw new IllegalArgumentException("serial must be positive (RFC 5280 §4.1.2.2): " + value);
            }
            this.serial = value;
            return this;
        }

        /** Signs with this algorithm instead of SHA-256 (e.g. {@code SHA1withRSA} to test weak-signature warnings). */
        public Builder signatureAlgorithm(String algorithm) {
            this.signatureAlgorithm = Objects.requireNonNull(algorithm, "algorithm");
            return this;
        }

        /** Adds an arbitrary non-critical extension with raw DER content (e.g. garbage, for hostile-input tests). */
        public Builder rawExtension(String oid, byte[] derValue) {
            rawExtensions.put(oid, derValue.clone());
            criticalRawExtensions.remove(oid);
            return this;
        }

        /** Adds an arbitrary extension marked critical (RFC 5280 §4.2: an unknown one must make the certificate unusable). */
        public Builder criticalRawExtension(String oid, byte[] derValue) {
            rawExtensions.put(oid, derValue.clone());
            criticalRawExtensions.add(oid);
            return this;
        }

        public IssuedCertificate issue() {
            if (issuer == null) {
                throw new IllegalStateException("a root is made with CertificateAuthority.root");
            }
            KeyPair pair = keyPair != null ? keyPair : keyType.generate();
            IssuedCertificate issuerCertificate = issuer.self;
            String algorithm = signatureAlgorithm != null ? signatureAlgorithm : issuer.signatureAlgorithm();
            X509Certificate certificate = sign(issuerCertificate.keyPair(),
                issuerCertificate.certificate().getSubjectX500Principal().getName(), algorithm,
                issuerCertificate.certificate(), pair);
            return new IssuedCertificate(certificate, pair, issuerCertificate.fullChain());
        }

        /** Issues this certificate as a CA that can issue further certificates. */
        public CertificateAuthority issueAuthority() {
            if (!authority) {
                throw new IllegalStateException("a leaf certificate cannot issue certificates: " + subjectDn);
            }
            return new CertificateAuthority(issue(), issuer.now);
        }

        private X509Certificate sign(KeyPair signingKey, String issuerDn, String algorithm, X509Certificate issuerCertificate) {
            return sign(signingKey, issuerDn, algorithm, issuerCertificate, keyPair);
        }

        private X509Certificate sign(KeyPair signingKey, String issuerDn, String algorithm,
                                     X509Certificate issuerCertificate, KeyPair subjectKey) {
            try {
                BigInteger serialNumber = serial != null ? serial : BigInteger.valueOf(SERIALS.incrementAndGet());
                X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    new X500Principal(issuerDn), serialNumber, Date.from(notBefore), Date.from(notAfter),
                    new X500Principal(subjectDn), subjectKey.getPublic());
                JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
                builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey.getPublic()));
                if (issuerCertificate != null) {
                    builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuerCertificate));
                }
                if (authority) {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                } else {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    int usage = subjectKey.getPublic().getAlgorithm().equals("EC")
                        ? KeyUsage.digitalSignature
                        : KeyUsage.digitalSignature | KeyUsage.keyEncipherment;
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
                }
                if (!dnsNames.isEmpty() || !emailNames.isEmpty()) {
                    List<GeneralName> names = new ArrayList<>();
                    dnsNames.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
                    emailNames.forEach(name -> names.add(new GeneralName(GeneralName.rfc822Name, name)));
                    builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
                }
                if (!extendedKeyUsages.isEmpty()) {
                    builder.addExtension(Extension.extendedKeyUsage, false, new org.bouncycastle.asn1.x509.ExtendedKeyUsage(
                        extendedKeyUsages.stream().map(ExtendedKeyUsage::purpose).toArray(KeyPurposeId[]::new)));
                }
                if (!crlUrls.isEmpty()) {
                    DistributionPoint[] points = crlUrls.stream()
                        .map(url -> new DistributionPoint(new DistributionPointName(
                            new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, url))), null, null))
                        .toArray(DistributionPoint[]::new);
                    builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(points));
                }
                if (!ocspUrls.isEmpty()) {
                    AccessDescription[] descriptions = ocspUrls.stream()
                        .map(url -> new AccessDescription(AccessDescription.id_ad_ocsp,
                            new GeneralName(GeneralName.uniformResourceIdentifier, url)))
                        .toArray(AccessDescription[]::new);
                    builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(descriptions));
                }
                for (Map.Entry<String, byte[]> raw : rawExtensions.entrySet()) {
                    builder.addExtension(new ASN1ObjectIdentifier(raw.getKey()), criticalRawExtensions.contains(raw.getKey()), raw.getValue());
                }
                return new JcaX509CertificateConverter().getCertificate(builder.build(signer(signingKey, algorithm)));
            } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
                throw new IllegalStateException("cannot sign certificate " + subjectDn, e);
            }
        }
    }
}
