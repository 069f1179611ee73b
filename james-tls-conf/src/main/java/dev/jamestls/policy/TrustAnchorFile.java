package dev.jamestls.policy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import dev.jamestls.tls.PemFiles;

/**
 * A trust-anchor file as it was read: the certificates and the SHA-256 of the very
 * bytes they were parsed from. A partner's requirement, an outbound rule (Postfix
 * {@code tafile=}) and a component's {@code trustAnchors} hold this value, never the
 * path alone, so equal requirements mean equal anchors: after a reload, a file that
 * lost or gained a CA makes a different requirement, and no cache keyed by
 * requirements (verification outcomes, TLS contexts, pooled connections) can serve
 * the old anchors.
 *
 * @param file where the anchors were read from (for messages and {@code explain})
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

    /**
     * Reads a file named in the configuration.
     *
     * @param written the value as written in the configuration, for messages
     * @throws IllegalArgumentException naming the value and the accepted form when the file is missing or not certificates
     */
    public static TrustAnchorFile read(Path file, String written) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("trust anchor file '" + written + "' not found (looked at " + file + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("trust anchor file '" + written + "' cannot be read: " + e.getMessage());
        }
        List<X509Certificate> certificates;
        try {
            certificates = PemFiles.parseCertificates(new ByteArrayInputStream(bytes), written);
        } catch (IOException e) {
            throw new IllegalArgumentException("trust anchor file '" + written + "' does not parse as certificates; accepted: PEM CERTIFICATE blocks");
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("trust anchor file '" + written + "' holds no certificate; accepted: PEM CERTIFICATE blocks");
        }
        return new TrustAnchorFile(file, ContentDigest.of(bytes), certificates);
    }

    /** {@code cas.pem (2 anchors, sha256 0f3a…)}: what {@code explain} prints. */
    public String describe() {
        return file.getFileName() + " (" + certificates.size() + " anchor" + (certificates.size() == 1 ? "" : "s")
            + ", sha256 " + digest.sha256().substring(0, 16) + "…)";
    }
}
