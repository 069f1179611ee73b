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
        return certificates.stream().filter(c -> c.status() == RevocationStatus.REVOKED).findFirst();
    }

    /** The first certificate whose status could not be established ({@link RevocationStatus#undetermined()}). */
    public Optional<CertificateRevocation> firstUndetermined() {
        return certificates.stream().filter(c -> c.status().undetermined()).findFirst();
    }

    /** The earliest {@code nextUpdate} of the answers used: results built on them must be recomputed then. */
    public Optional<Instant> earliestNextUpdate() {
        return certificates.stream().flatMap(c -> c.nextUpdate().stream()).min(Instant::compareTo);
    }
}
