package dev.jamestls.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Fingerprints of certificates. The pin form is the base64 SHA-256 of the
 * DER SubjectPublicKeyInfo (RFC 7469 §2.4, the form Postfix, OkHttp and
 * MTA-STS tooling print); the certificate fingerprint is hex SHA-256 of the
 * whole DER certificate.
 */
public final class CertificatePins {
    private static final int SHA256_LENGTH = 32;

    private CertificatePins() {
    }

    /** {@code base64(sha256(SubjectPublicKeyInfo))}, e.g. {@code "r/mIkG3eEpVdm+u/ko/cwxzOMo1bk4TyHIlByibiA5E="}. */
    public static String spkiSha256(X509Certificate certificate) {
        return Base64.getEncoder().encodeToString(sha256(certificate.getPublicKey().getEncoded()));
    }

    /** Lower-case hex SHA-256 of the DER certificate. */
    public static String certificateSha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(sha256(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded: " + certificate.getSubjectX500Principal(), e);
        }
    }

    /**
     * Whether {@code pin} is a well-formed SPKI pin: base64 (standard alphabet,
     * padded) of exactly 32 bytes.
     */
    public static boolean isWellFormedPin(String pin) {
        if (pin == null || pin.length() != 44) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(pin).length == SHA256_LENGTH;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }
}
