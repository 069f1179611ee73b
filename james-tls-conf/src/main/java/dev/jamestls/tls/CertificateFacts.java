package dev.jamestls.tls;

import java.io.IOException;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * What one certificate says about itself, in printable form: no key material.
 *
 * @param subject RFC 2253 subject DN
 * @param issuer RFC 2253 issuer DN
 * @param serialHex serial number, lower-case hex
 * @param notBefore start of validity (RFC 5280 §4.1.2.5)
 * @param notAfter end of validity
 * @param dnsNames subjectAltName dNSName entries (RFC 5280 §4.2.1.6)
 * @param emailNames subjectAltName rfc822Name entries
 * @param sha256 hex SHA-256 of the DER certificate
 * @param spkiSha256 base64 SHA-256 of the SubjectPublicKeyInfo (RFC 7469 pin form)
 * @param keyAlgorithm "RSA", "EC", "Ed25519", ...
 * @param keySize key strength in bits (RSA modulus, EC field size), 0 when unknown
 * @param signatureAlgorithm e.g. "SHA256withRSA"
 * @param crlUrls URIs of the CRL distribution points (RFC 5280 §4.2.1.13)
 * @param ocspUrls OCSP responder URIs from authorityInfoAccess (RFC 5280 §4.2.2.1)
 * @param caIssuerUrls caIssuers URIs from authorityInfoAccess
 */
public record CertificateFacts(
    String subject,
    String issuer,
    String serialHex,
    Instant notBefore,
    Instant notAfter,
    List<String> dnsNames,
    List<String> emailNames,
    String sha256,
    String spkiSha256,
    String keyAlgorithm,
    int keySize,
    String signatureAlgorithm,
    List<String> crlUrls,
    List<String> ocspUrls,
    List<String> caIssuerUrls) {

    private static final int SAN_RFC822 = 1;
    private static final int SAN_DNS = 2;
    private static final String OID_OCSP = "1.3.6.1.5.5.7.48.1";
    private static final String OID_CA_ISSUERS = "1.3.6.1.5.5.7.48.2";

    public CertificateFacts {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(serialHex, "serialHex");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        dnsNames = List.copyOf(dnsNames);
        emailNames = List.copyOf(emailNames);
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(spkiSha256, "spkiSha256");
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
        Objects.requireNonNull(signatureAlgorithm, "signatureAlgorithm");
        crlUrls = List.copyOf(crlUrls);
        ocspUrls = List.copyOf(ocspUrls);
        caIssuerUrls = List.copyOf(caIssuerUrls);
    }

    public static CertificateFacts of(X509Certificate certificate) {
        return new CertificateFacts(
            certificate.getSubjectX500Principal().getName(),
            certificate.getIssuerX500Principal().getName(),
            certificate.getSerialNumber().toString(16),
            certificate.getNotBefore().toInstant(),
            certificate.getNotAfter().toInstant(),
            subjectAltNames(certificate, SAN_DNS),
            subjectAltNames(certificate, SAN_RFC822),
            CertificatePins.certificateSha256(certificate),
            CertificatePins.spkiSha256(certificate),
            certificate.getPublicKey().getAlgorithm(),
            keySize(certificate.getPublicKey()),
            certificate.getSigAlgName(),
            urls(certificate, Extension.cRLDistributionPoints, CertificateFacts::crlUrls),
            urls(certificate, Extension.authorityInfoAccess, access -> accessUrls(access, OID_OCSP)),
            urls(certificate, Extension.authorityInfoAccess, access -> accessUrls(access, OID_CA_ISSUERS)));
    }

    public static List<CertificateFacts> ofChain(List<? extends X509Certificate> chain) {
        return chain.stream().map(CertificateFacts::of).toList();
    }

    /** The subject's CN, or the whole subject DN when it has no CN. */
    public String subjectCommonName() {
        return commonName(subject);
    }

    public boolean isSelfIssued() {
        return subject.equals(issuer);
    }

    /** The first CN of an RFC 2253 DN, or the whole DN when it has none. */
    public static String commonName(String dn) {
        try {
            for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(dn).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            return dn;
        }
        return dn;
    }

    private static List<String> subjectAltNames(X509Certificate certificate, int type) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return List.of();
            }
            List<String> result = new ArrayList<>();
            for (List<?> name : names) {
                if (name.size() >= 2 && Integer.valueOf(type).equals(name.get(0)) && name.get(1) instanceof String value) {
                    result.add(value);
                }
            }
            return result;
        } catch (CertificateParsingException e) {
            // A malformed SAN extension is reported as "no names": name checks then fail closed.
            return List.of();
        }
    }

    private static int keySize(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECPublicKey ec) {
            return ec.getParams().getOrder().bitLength();
        }
        if (key instanceof DSAPublicKey dsa) {
            // RFC 3279 §2.3.2: parameters may be inherited from the issuer, then they are absent here.
            return dsa.getParams() == null ? 0 : dsa.getParams().getP().bitLength();
        }
        return switch (key.getAlgorithm()) {
            case "Ed25519", "EdDSA", "X25519" -> 255;
            case "Ed448", "X448" -> 448;
            default -> 0;
        };
    }

    /**
     * The URLs {@code read} finds in the extension {@code oid}; none when the certificate lacks it or it is garbage
     * (no usable URL: revocation checks then report no CRL distribution point or no OCSP responder there).
     */
    private static List<String> urls(X509Certificate certificate, ASN1ObjectIdentifier oid, Function<ASN1Primitive, List<String>> read) {
        byte[] value = certificate.getExtensionValue(oid.getId());
        if (value == null) {
            return List.of();
        }
        try {
            return read.apply(ASN1Primitive.fromByteArray(DEROctetString.getInstance(value).getOctets()));
        } catch (IOException | IllegalArgumentException e) {
            return List.of();
        }
    }

    /** RFC 5280 §4.2.1.13: the URIs of the full names of the distribution points. */
    private static List<String> crlUrls(ASN1Primitive crlDistributionPoints) {
        List<String> urls = new ArrayList<>();
        for (DistributionPoint point : CRLDistPoint.getInstance(crlDistributionPoints).getDistributionPoints()) {
            DistributionPointName name = point.getDistributionPoint();
            if (name != null && name.getType() == DistributionPointName.FULL_NAME) {
                for (GeneralName general : GeneralNames.getInstance(name.getName()).getNames()) {
                    if (general.getTagNo() == GeneralName.uniformResourceIdentifier) {
                        urls.add(general.getName().toString());
                    }
                }
            }
        }
        return urls;
    }

    /** RFC 5280 §4.2.2.1: the URI locations of the access descriptions with {@code methodOid}. */
    private static List<String> accessUrls(ASN1Primitive authorityInfoAccess, String methodOid) {
        List<String> urls = new ArrayList<>();
        for (AccessDescription description : AuthorityInformationAccess.getInstance(authorityInfoAccess).getAccessDescriptions()) {
            GeneralName location = description.getAccessLocation();
            if (description.getAccessMethod().getId().equals(methodOid)
                && location.getTagNo() == GeneralName.uniformResourceIdentifier) {
                urls.add(location.getName().toString());
            }
        }
        return urls;
    }
}
