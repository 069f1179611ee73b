package dev.jamestls.policy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import dev.jamestls.pki.PemFiles;

/**
 * A partner's trust-anchor file as the policy read it: the certificates and the
 * SHA-256 of the very bytes they were parsed from. A requirement holds this value,
 * never the path alone, so that equal requirements mean equal anchors: after a
 * reload, a file that lost or gained a CA makes a different requirement, and no
 * cache keyed by requirements can serve the old anchors.
 *
 * @param file where the anchors were read from (for messages)
 * @param digest SHA-256 of the bytes the certificates were parsed from
 * @param certificates the anchors, in file order; at least one
 */
public record TrustAnchorFile(Path file, ContentDigest digest, List<X509Certificate> certificates) {

    public TrustAnchorFile {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(digest, "digest");
        certificates = List.copyOf(certificates);
        if (!digest.readable()) {
            throw new IllegalArgumentException("trust anchors " + file + " have no content digest");
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("trust anchor file " + file + " holds no certificate; accepted: PEM CERTIFICATE blocks");
        }
    }

    /**
     * Reads {@code file} once: the digest and the certificates come from the same bytes.
     *
     * @throws IOException when the file cannot be read or holds something other than certificates
     * @throws IllegalArgumentException when it holds no certificate
     */
    public static TrustAnchorFile read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        List<X509Certificate> certificates = PemFiles.parseCertificates(new ByteArrayInputStream(bytes), file.toString());
        return new TrustAnchorFile(file, ContentDigest.of(bytes), certificates);
    }
}
