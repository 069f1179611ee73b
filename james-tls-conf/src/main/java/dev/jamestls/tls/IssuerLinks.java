package dev.jamestls.tls;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** Issuer links by name and signature (RFC 5280 §6.1.3 (a)(1)–(4), without the rest of path validation). */
public final class IssuerLinks {
    private IssuerLinks() {
    }

    public static boolean selfSigned(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal()) && signs(certificate, certificate);
    }

    public static Optional<X509Certificate> issuerAmong(X509Certificate certificate, List<X509Certificate> candidates) {
        for (X509Certificate candidate : candidates) {
            if (candidate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal()) && signs(candidate, certificate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static boolean signs(X509Certificate issuer, X509Certificate certificate) {
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
