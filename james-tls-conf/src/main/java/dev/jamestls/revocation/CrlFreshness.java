package dev.jamestls.revocation;

import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.Optional;

/** Whether a CRL may be used at a given time (RFC 5280 §5.1.2.4–5, §6.3.3 (a)). Pure. */
public final class CrlFreshness {
    private CrlFreshness() {
    }

    /** Why {@code crl} cannot be used at {@code now}, or empty when it can. */
    public static Optional<String> problem(X509CRL crl, Instant now, RevocationSettings settings) {
        Instant thisUpdate = crl.getThisUpdate().toInstant();
        if (thisUpdate.isAfter(now.plus(settings.clockSkew()))) {
            return Optional.of("thisUpdate " + thisUpdate + " is in the future (now " + now + ")");
        }
        if (crl.getNextUpdate() != null) {
            Instant nextUpdate = crl.getNextUpdate().toInstant();
            // RFC 5280 §6.3.3 (a)(2): a CRL past its nextUpdate is not current.
            if (nextUpdate.isBefore(now.minus(settings.clockSkew()))) {
                return Optional.of("nextUpdate " + nextUpdate + " has passed (now " + now + ")");
            }
            return Optional.empty();
        }
        // RFC 5280 §5.1.2.5 requires nextUpdate; without one, only a recent CRL is trusted.
        if (thisUpdate.plus(settings.maxAgeWithoutNextUpdate()).isBefore(now)) {
            return Optional.of("no nextUpdate and thisUpdate " + thisUpdate + " is older than "
                + settings.maxAgeWithoutNextUpdate() + " (now " + now + ")");
        }
        return Optional.empty();
    }

    /** When a usable CRL must be fetched again: its nextUpdate, or thisUpdate plus the maximum age. */
    public static Instant expiry(X509CRL crl, RevocationSettings settings) {
        return crl.getNextUpdate() != null ? crl.getNextUpdate().toInstant()
            : crl.getThisUpdate().toInstant().plus(settings.maxAgeWithoutNextUpdate());
    }
}
