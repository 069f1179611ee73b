package dev.jamestls.revocation;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one OCSP response says about one certificate, after verification.
 *
 * @param status GOOD, REVOKED or UNKNOWN (the response is unusable or says "unknown")
 * @param detail why, printable
 * @param nextUpdate the response's nextUpdate, if any (RFC 6960 §4.2.2.1)
 */
public record OcspVerdict(RevocationStatus status, String detail, Optional<Instant> nextUpdate) {
    public OcspVerdict {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(nextUpdate, "nextUpdate");
        if (status == RevocationStatus.NOT_CHECKABLE || status == RevocationStatus.UNREACHABLE) {
            throw new IllegalArgumentException("an OCSP response is GOOD, REVOKED or UNKNOWN, not " + status);
        }
    }

    static OcspVerdict unknown(String detail) {
        return new OcspVerdict(RevocationStatus.UNKNOWN, detail, Optional.empty());
    }
}
