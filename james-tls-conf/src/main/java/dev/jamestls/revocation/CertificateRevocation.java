package dev.jamestls.revocation;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The revocation status of one certificate and where it came from.
 *
 * @param subject RFC 2253 subject of the certificate
 * @param status the status
 * @param source "OCSP http://...", "CRL http://...", "local CRL" or "none"
 * @param detail why (printable, no key material)
 * @param nextUpdate when the answer should be asked for again, if the answer said
 */
public record CertificateRevocation(String subject, RevocationStatus status, String source, String detail,
                                    Optional<Instant> nextUpdate) {
    public CertificateRevocation {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(nextUpdate, "nextUpdate");
    }

    /** One line: {@code 'CN=x': GOOD via OCSP http://... (detail)}. */
    public String describe() {
        return "'" + subject + "': " + status + " via " + source + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
