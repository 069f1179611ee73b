package dev.jamestls.policy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import dev.jamestls.pki.PemFiles;

/**
 * A rule's own trust-anchor file (Postfix {@code tafile=}), read when the policy is read: the
 * certificates and the SHA-256 of the file's bytes. Equality is by content (digest and certificates)
 * and by where it was read from; whatever is derived from it (TLS contexts, pooled connections) is
 * therefore keyed by what the file held when it was read, never by its name alone. A change of the
 * file is a new policy (the policy reload watches it).
 *
 * @param path where it was read from, for messages and {@code explain}
 * @param certificates the anchors, in file order; at least one
 * @param sha256 lower-case hex SHA-256 of the file's bytes
 */
public record TrustAnchorFile(Path path, List<X509Certificate> certificates, String sha256) {
    public TrustAnchorFile {
        Objects.requireNonNull(path, "path");
        certificates = List.copyOf(certificates);
        Objects.requireNonNull(sha256, "sha256");
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("trust anchor file " + path + " holds no certificate; accepted: PEM CERTIFICATE blocks");
        }
    }

    /**
     * Reads {@code path}.
     *
     * @param written the value as written in the configuration, for messages
     * @throws IllegalArgumentException naming the value and the accepted form when the file is missing or not certificates
     */
    public static TrustAnchorFile read(Path path, String written) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("trust anchor file '" + written + "' not found (looked at " + path + ")");
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
        return new TrustAnchorFile(path, certificates, sha256(bytes));
    }

    /** {@code cas.pem (2 anchors, sha256 0f3a…)}: what {@code explain} prints. */
    public String describe() {
        return path.getFileName() + " (" + certificates.size() + " anchor" + (certificates.size() == 1 ? "" : "s")
            + ", sha256 " + sha256.substring(0, 16) + "…)";
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }
}
