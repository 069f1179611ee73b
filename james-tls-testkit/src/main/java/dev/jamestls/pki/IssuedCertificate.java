package dev.jamestls.pki;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate with its key pair and the chain above it.
 *
 * @param certificate the certificate itself
 * @param keyPair its key pair
 * @param issuerChain the certificates above it, nearest issuer first, root last
 *     (empty for a self-signed root)
 */
public record IssuedCertificate(X509Certificate certificate, KeyPair keyPair, List<X509Certificate> issuerChain) {

    public IssuedCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(keyPair, "keyPair");
        issuerChain = List.copyOf(issuerChain);
    }

    /** Leaf first, then every issuer up to and including the root. */
    public List<X509Certificate> fullChain() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(certificate), issuerChain.stream()).toList();
    }

    /** Leaf first, the issuers without the root: what a TLS peer normally sends (RFC 8446 §4.4.2). */
    public List<X509Certificate> presentedChain() {
        List<X509Certificate> full = fullChain();
        return full.size() > 1 ? full.subList(0, full.size() - 1) : full;
    }

    public X509Certificate root() {
        return issuerChain.isEmpty() ? certificate : issuerChain.get(issuerChain.size() - 1);
    }
}
