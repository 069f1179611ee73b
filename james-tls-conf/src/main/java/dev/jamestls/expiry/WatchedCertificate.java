package dev.jamestls.expiry;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import dev.jamestls.tls.CertificatePins;

/**
 * One certificate under watch.
 *
 * @param sha256 lower-case hex SHA-256 of the DER certificate: the key, so that a renewed certificate under the
 *     same subject is a new certificate
 * @param role what it is to us
 * @param subject its subject DN (RFC 2253), peer-supplied for partner and destination certificates
 * @param notAfter the end of its validity (RFC 5280 §4.1.2.5)
 */
public record WatchedCertificate(String sha256, CertificateRole role, String subject, Instant notAfter) {
    /** Length of {@link #shortId()}: enough to tell certificates apart in a metric name. */
    public static final int SHORT_ID_LENGTH = 16;

    public WatchedCertificate {
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(notAfter, "notAfter");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 is not 64 lower-case hex digits: " + sha256);
        }
    }

    public static WatchedCertificate of(X509Certificate certificate, CertificateRole role) {
        return new WatchedCertificate(CertificatePins.certificateSha256(certificate), role,
            certificate.getSubjectX500Principal().getName(), certificate.getNotAfter().toInstant());
    }

    /** The first {@value #SHORT_ID_LENGTH} hex digits of {@link #sha256()}. */
    public String shortId() {
        return sha256.substring(0, SHORT_ID_LENGTH);
    }

    /** Whole days from {@code now} to {@link #notAfter()}, rounded down; negative once expired. */
    public long daysLeft(Instant now) {
        return Math.floorDiv(Duration.between(now, notAfter).getSeconds(), Duration.ofDays(1).getSeconds());
    }

    /** The same certificate in another role. */
    WatchedCertificate withRole(CertificateRole other) {
        return new WatchedCertificate(sha256, other, subject, notAfter);
    }
}
