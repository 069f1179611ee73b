package dev.jamestls.dane;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.TBSCertificate;

/**
 * Whether a certificate matches a TLSA record (RFC 6698 §2.1.2-2.1.3). Pure.
 *
 * <p>Selector Cert(0) selects the DER certificate, SPKI(1) the DER SubjectPublicKeyInfo exactly as the
 * certificate carries it; matching type Full(0) compares the selected bytes, SHA2-256(1) and SHA2-512(2)
 * their digest. Comparisons take constant time. A record that is not {@link TlsaRecord#usable() usable}
 * matches nothing: which usage applies to which certificate of a chain is the caller's decision.
 */
public final class TlsaMatch {
    private static final int PREFIX_OCTETS = 8;

    private TlsaMatch() {
    }

    /** Whether {@code certificate} matches {@code record}'s selector, matching type and data. */
    public static boolean matches(TlsaRecord record, X509Certificate certificate) {
        if (!record.usable()) {
            return false;
        }
        return MessageDigest.isEqual(associationData(record.selector(), record.matchingType(), certificate), record.data());
    }

    /** A presented certificate that a DANE-TA(2) record names as trust anchor, with the record. */
    public record Anchor(X509Certificate certificate, TlsaRecord record) {
    }

    /**
     * The DANE-EE(3) record the leaf (the first certificate presented) matches, if any: RFC 7672 §3.1.1. A
     * matching certificate anywhere else in the chain does not count.
     */
    public static Optional<TlsaRecord> endEntity(List<TlsaRecord> records, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return Optional.empty();
        }
        return matching(records, TlsaRecord.DANE_EE, chain.get(0));
    }

    /**
     * The presented certificates that DANE-TA(2) records match, in the order presented: RFC 7672 §3.1.2, which
     * asks the server to present its trust anchor (one published only in DNS, in full or as a bare key, which
     * RFC 7671 §5.2 lets a client use, is not used). The leaf counts only when it is self-issued (RFC 5280 §3.2): a trust anchor
     * is an issuer, and a server's own certificate is published as DANE-EE(3).
     */
    public static List<Anchor> trustAnchors(List<TlsaRecord> records, List<X509Certificate> chain) {
        List<Anchor> anchors = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            if (i == 0 && !selfIssued(certificate)) {
                continue;
            }
            matching(records, TlsaRecord.DANE_TA, certificate).ifPresent(record -> anchors.add(new Anchor(certificate, record)));
        }
        return anchors;
    }

    /** The first record of {@code usage} that {@code certificate} matches. */
    public static Optional<TlsaRecord> matching(List<TlsaRecord> records, int usage, X509Certificate certificate) {
        return records.stream().filter(record -> record.usage() == usage && matches(record, certificate)).findFirst();
    }

    private static boolean selfIssued(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
    }

    /**
     * The certificate association data of {@code certificate} for a selector and matching type (what a
     * TLSA record publishes, RFC 6698 §2.1.4).
     *
     * @throws IllegalArgumentException for a selector or matching type other than 0-1 and 0-2, or a certificate
     *     that cannot be encoded
     */
    public static byte[] associationData(int selector, int matchingType, X509Certificate certificate) {
        byte[] selected = switch (selector) {
            case TlsaRecord.SELECTOR_CERT -> der(certificate);
            case TlsaRecord.SELECTOR_SPKI -> subjectPublicKeyInfo(certificate);
            default -> throw new IllegalArgumentException("TLSA selector " + selector + " is not 0 (Cert) or 1 (SPKI)");
        };
        return switch (matchingType) {
            case TlsaRecord.MATCH_FULL -> selected;
            case TlsaRecord.MATCH_SHA256 -> digest("SHA-256", selected);
            case TlsaRecord.MATCH_SHA512 -> digest("SHA-512", selected);
            default -> throw new IllegalArgumentException("TLSA matching type " + matchingType
                + " is not 0 (Full), 1 (SHA2-256) or 2 (SHA2-512)");
        };
    }

    /**
     * A record in short presentation form for messages: usage, selector, matching type and the first
     * {@value #PREFIX_OCTETS} octets of the data in hex, with the length when the data is the full content
     * ({@code 3 1 1 0123456789abcdef…}, {@code 2 0 0 3082…  (1207 octets)}).
     */
    public static String compact(TlsaRecord record) {
        byte[] data = record.data();
        String hex = HexFormat.of().formatHex(data, 0, Math.min(data.length, PREFIX_OCTETS));
        String text = record.usage() + " " + record.selector() + " " + record.matchingType() + " " + hex;
        if (data.length <= PREFIX_OCTETS) {
            return text;
        }
        return text + "…" + (record.matchingType() == TlsaRecord.MATCH_FULL ? " (" + data.length + " octets)" : "");
    }

    private static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate '" + certificate.getSubjectX500Principal().getName()
                + "' cannot be encoded", e);
        }
    }

    /** The SubjectPublicKeyInfo as it appears in the certificate, not as the JDK's key object re-encodes it. */
    private static byte[] subjectPublicKeyInfo(X509Certificate certificate) {
        try {
            return TBSCertificate.getInstance(certificate.getTBSCertificate()).getSubjectPublicKeyInfo()
                .getEncoded(ASN1Encoding.DER);
        } catch (CertificateEncodingException | IOException | RuntimeException e) {
            throw new IllegalArgumentException("SubjectPublicKeyInfo of certificate '"
                + certificate.getSubjectX500Principal().getName() + "' cannot be read", e);
        }
    }

    private static byte[] digest(String algorithm, byte[] input) {
        try {
            return MessageDigest.getInstance(algorithm).digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is mandatory in every JRE", e);
        }
    }
}
