package dev.jamestls.revocation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Revocation status of each certificate of a path, leaf first (the trust anchor is not checked). */
public record RevocationReport(List<CertificateRevocation> certificates) {
    public static final RevocationReport NOT_CHECKED = new RevocationReport(List.of());

    public RevocationReport {
        certificates = List.copyOf(certificates);
    }

    public Optional<CertificateRevocation> firstRevoked() {
        return first(RevocationStatus.REVOKED);
    }

    public Optional<CertificateRevocation> firstUnknown() {
        return first(RevocationStatus.UNKNOWN);
    }

    /** The earliest {@code nextUpdate} of the answers used: results built on them must be recomputed then. */
    public Optional<Instant> earliestNextUpdate() {
        return certificates.stream().flatMap(c -> c.nextUpdate().stream()).min(Instant::compareTo);
    }

    private Optional<CertificateRevocation> first(RevocationStatus status) {
        return certificates.stream().filter(c -> c.status() == status).findFirst();
    }
}
