package dev.jamestls.revocation;

import java.net.URI;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Fetched CRLs (by distribution point URL) and verified OCSP answers (by
 * certificate SHA-256), each kept until its {@code nextUpdate}, never longer
 * than {@code maxTtl}, at most {@code maxEntries} of each.
 */
public final class RevocationCache {
    private final ExpiringCache<URI, X509CRL> crls;
    private final ExpiringCache<String, OcspVerdict> ocsp;
    private final Duration maxTtl;

    public RevocationCache(int maxEntries, Duration maxTtl) {
        this.crls = new ExpiringCache<>(maxEntries);
        this.ocsp = new ExpiringCache<>(maxEntries);
        this.maxTtl = Objects.requireNonNull(maxTtl, "maxTtl");
        if (maxTtl.isNegative() || maxTtl.isZero()) {
            throw new IllegalArgumentException("maxTtl must be positive: " + maxTtl);
        }
    }

    /** 1000 entries each, one day at most. */
    public static RevocationCache defaults() {
        return new RevocationCache(1000, Duration.ofDays(1));
    }

    public Optional<X509CRL> crl(URI url, Instant now) {
        return crls.get(url, now);
    }

    public void putCrl(URI url, X509CRL crl, Instant expiry, Instant now) {
        crls.put(url, crl, earliest(expiry, now), now);
    }

    public Optional<OcspVerdict> ocsp(String certificateSha256, Instant now) {
        return ocsp.get(certificateSha256, now);
    }

    public void putOcsp(String certificateSha256, OcspVerdict verdict, Instant expiry, Instant now) {
        ocsp.put(certificateSha256, verdict, earliest(expiry, now), now);
    }

    private Instant earliest(Instant expiry, Instant now) {
        Instant cap = now.plus(maxTtl);
        return expiry.isBefore(cap) ? expiry : cap;
    }
}
