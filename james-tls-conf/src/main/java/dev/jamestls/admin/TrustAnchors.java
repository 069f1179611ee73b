package dev.jamestls.admin;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import dev.jamestls.tls.PemFiles;
import dev.jamestls.verify.JdkTrustAnchors;

/**
 * The certificates a chain is checked against.
 *
 * @param certificates the anchors
 * @param label where they come from, printable ("JDK default trust store", "anchors.pem")
 */
public record TrustAnchors(List<X509Certificate> certificates, String label) {
    public TrustAnchors {
        certificates = List.copyOf(certificates);
        Objects.requireNonNull(label, "label");
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no trust anchors in " + label);
        }
    }

    /** The JDK's default trust store ({@code cacerts}, or {@code javax.net.ssl.trustStore} when set). */
    public static TrustAnchors jdkDefault() {
        return new TrustAnchors(JdkTrustAnchors.certificates(), "JDK default trust store");
    }

    /** Every certificate of a PEM file. */
    public static TrustAnchors fromPem(Path file) throws AdminException {
        try {
            return new TrustAnchors(PemFiles.readCertificates(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new AdminException("trust anchor file " + file + " not found");
        } catch (IOException e) {
            throw new AdminException(e.getMessage(), e);
        }
    }
}
