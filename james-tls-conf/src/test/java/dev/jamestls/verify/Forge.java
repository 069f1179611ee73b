package dev.jamestls.verify;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificates with every field under the test's control, to forge what a
 * conforming CA would never issue: a CA used as a leaf, a missing or critical key
 * identifier, serial number zero, name constraints on an anchor, an empty SAN.
 * Defaults make a well-formed RFC 5280 certificate (EC P-256, one hour backdated,
 * SKI, AKI, critical basicConstraints, keyUsage).
 */
final class Forge {
    static final Instant NOW = Pki.NOW;

    private Forge() {
    }

    /** A forged certificate and its key. */
    record Cert(X509Certificate certificate, KeyPair keyPair) {
        X509Certificate x509() {
            return certificate;
        }
    }

    static Builder root(String dn) {
        return new Builder(dn, null).ca();
    }

    static Builder issuedBy(Cert issuer, String dn) {
        return new Builder(dn, issuer);
    }

    static KeyPair ecKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One certificate; every knob defaults to what a conforming CA does. */
    static final class Builder {
        private final String subject;
        private final Cert issuer;
        private KeyPair key = ecKey();
        private String issuerName;
        private BigInteger serial = BigInteger.valueOf(System.nanoTime() & 0x7FFFFFFFFFFFL).add(BigInteger.ONE);
        private Instant notBefore = NOW.minus(Duration.ofHours(1));
        private Instant notAfter = NOW.plus(Duration.ofDays(365));
        private Boolean ca;             // null: no basicConstraints
        private boolean bcCritical = true;
        private Integer pathLen;
        private Integer keyUsage;       // null: no keyUsage
        private boolean ski = true;
        private boolean skiCritical;
        private boolean aki = true;
        private boolean akiCritical;
        private final List<GeneralName> sans = new ArrayList<>();
        private boolean emptySan;
        private boolean sanCritical;
        private final List<KeyPurposeId> ekus = new ArrayList<>();
        private NameConstraints nameConstraints;
        private boolean policyConstraints;
        private final List<Object[]> extra = new ArrayList<>();

        private Builder(String subject, Cert issuer) {
            this.subject = subject;
            this.issuer = issuer;
        }

        Builder ca() {
            ca = true;
            keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
            return this;
        }

        Builder leaf() {
            ca = false;
            keyUsage = KeyUsage.digitalSignature;
            return this;
        }

        Builder key(KeyPair pair) {
            key = pair;
            return this;
        }

        Builder issuerName(String dn) {
            issuerName = dn;
            return this;
        }

        Builder serial(BigInteger value) {
            serial = value;
            return this;
        }

        Builder validity(Instant from, Instant until) {
            notBefore = from;
            notAfter = until;
            return this;
        }

        Builder basicConstraints(Boolean isCa, boolean critical) {
            ca = isCa;
            bcCritical = critical;
            return this;
        }

        Builder pathLen(int length) {
            pathLen = length;
            return this;
        }

        Builder keyUsage(Integer bits) {
            keyUsage = bits;
            return this;
        }

        Builder noSki() {
            ski = false;
            return this;
        }

        Builder criticalSki() {
            skiCritical = true;
            return this;
        }

        Builder noAki() {
            aki = false;
            return this;
        }

        Builder criticalAki() {
            akiCritical = true;
            return this;
        }

        Builder dns(String... names) {
            for (String name : names) {
                sans.add(new GeneralName(GeneralName.dNSName, name));
            }
            return this;
        }

        Builder san(GeneralName name) {
            sans.add(name);
            return this;
        }

        Builder emptySan() {
            emptySan = true;
            return this;
        }

        Builder criticalSan() {
            sanCritical = true;
            return this;
        }

        Builder eku(KeyPurposeId... purposes) {
            ekus.addAll(List.of(purposes));
            return this;
        }

        Builder permitted(GeneralName... names) {
            nameConstraints = new NameConstraints(subtrees(names), nameConstraints == null ? null : excludedOf(nameConstraints));
            return this;
        }

        Builder excluded(GeneralName... names) {
            nameConstraints = new NameConstraints(nameConstraints == null ? null : permittedOf(nameConstraints), subtrees(names));
            return this;
        }

        Builder policyConstraints() {
            policyConstraints = true;
            return this;
        }

        Builder extension(String oid, boolean critical, ASN1Encodable value) {
            extra.add(new Object[] {oid, critical, value});
            return this;
        }

        private static GeneralSubtree[] subtrees(GeneralName... names) {
            return java.util.Arrays.stream(names).map(GeneralSubtree::new).toArray(GeneralSubtree[]::new);
        }

        private static GeneralSubtree[] permittedOf(NameConstraints constraints) {
            return constraints.getPermittedSubtrees();
        }

        private static GeneralSubtree[] excludedOf(NameConstraints constraints) {
            return constraints.getExcludedSubtrees();
        }

        Cert issue() {
            try {
                KeyPair signer = issuer == null ? key : issuer.keyPair();
                X500Principal issuerDn = issuerName != null ? new X500Principal(issuerName)
                    : issuer == null ? new X500Principal(subject) : issuer.certificate().getSubjectX500Principal();
                X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerDn, serial,
                    Date.from(notBefore), Date.from(notAfter), new X500Principal(subject), key.getPublic());
                JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
                if (ski) {
                    builder.addExtension(Extension.subjectKeyIdentifier, skiCritical,
                        utils.createSubjectKeyIdentifier(key.getPublic()));
                }
                if (aki) {
                    builder.addExtension(Extension.authorityKeyIdentifier, akiCritical,
                        utils.createAuthorityKeyIdentifier(signer.getPublic()));
                }
                if (ca != null) {
                    builder.addExtension(Extension.basicConstraints, bcCritical,
                        ca && pathLen != null ? new BasicConstraints(pathLen) : new BasicConstraints(ca));
                }
                if (keyUsage != null) {
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
                }
                if (emptySan) {
                    builder.addExtension(Extension.subjectAlternativeName, sanCritical, new DERSequence());
                } else if (!sans.isEmpty()) {
                    builder.addExtension(Extension.subjectAlternativeName, sanCritical,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
                }
                if (!ekus.isEmpty()) {
                    builder.addExtension(Extension.extendedKeyUsage, false,
                        new org.bouncycastle.asn1.x509.ExtendedKeyUsage(ekus.toArray(KeyPurposeId[]::new)));
                }
                if (nameConstraints != null) {
                    builder.addExtension(Extension.nameConstraints, true, nameConstraints);
                }
                if (policyConstraints) {
                    builder.addExtension(Extension.policyConstraints, true,
                        new DERSequence(new org.bouncycastle.asn1.DERTaggedObject(false, 0, new ASN1Integer(0))));
                }
                for (Object[] e : extra) {
                    builder.addExtension(new ASN1ObjectIdentifier((String) e[0]), (Boolean) e[1], (ASN1Encodable) e[2]);
                }
                X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
                return new Cert(certificate, key);
            } catch (Exception e) {
                throw new IllegalStateException("cannot forge " + subject, e);
            }
        }
    }

    /** A leaf for {@code host} below {@code intermediates} stacked intermediates under {@code root}, presented leaf first. */
    static List<X509Certificate> longChain(Cert root, int intermediates, String host) {
        List<X509Certificate> chain = new ArrayList<>();
        Cert issuer = root;
        for (int i = 0; i < intermediates; i++) {
            issuer = issuedBy(issuer, "CN=Level " + i).ca().issue();
            chain.add(issuer.x509());
        }
        java.util.Collections.reverse(chain);
        chain.add(0, issuedBy(issuer, "CN=" + host).leaf().dns(host).issue().x509());
        return chain;
    }

    static GeneralName dnsName(String name) {
        return new GeneralName(GeneralName.dNSName, Objects.requireNonNull(name));
    }
}
