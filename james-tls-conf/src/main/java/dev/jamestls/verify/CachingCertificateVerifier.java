package dev.jamestls.verify;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.revocation.ExpiringCache;
import dev.jamestls.revocation.JdkHttpFetcher;

/**
 * Caches outcomes per (SHA-256 of each presented certificate, requirement) so
 * that a partner connecting often pays for verification once. An outcome is
 * kept until the earliest of its {@link VerificationOutcome#validUntil()}
 * (certificate expiry, CRL/OCSP nextUpdate) and {@code maxTtl}; temporary
 * outcomes are never cached. At most {@code maxEntries} outcomes (LRU).
 */
public final class CachingCertificateVerifier implements ChainVerifier {
    private record Key(List<String> chainSha256, CertificateRequirement requirement) {
    }

    private final ChainVerifier delegate;
    private final Clock clock;
    private final Duration maxTtl;
    private final ExpiringCache<Key, VerificationOutcome> cache;

    public CachingCertificateVerifier(ChainVerifier delegate, Clock clock, int maxEntries, Duration maxTtl) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxTtl = Objects.requireNonNull(maxTtl, "maxTtl");
        if (maxTtl.isNegative() || maxTtl.isZero()) {
            throw new IllegalArgumentException("maxTtl must be positive: " + maxTtl);
        }
        this.cache = new ExpiringCache<>(maxEntries);
    }

    /**
     * What the James components use: revocation fetched over HTTP with the default timeouts and
     * size limit, up to 10,000 cached outcomes, each kept at most an hour.
     */
    public static CachingCertificateVerifier forServer(Clock clock) {
        return new CachingCertificateVerifier(CertificateVerifier.withRevocation(clock, JdkHttpFetcher.DEFAULT),
            clock, 10_000, Duration.ofHours(1));
    }

    @Override
    public VerificationOutcome verify(List<X509Certificate> presentedChain, CertificateRequirement requirement) {
        Instant now = clock.instant();
        Optional<Key> key = key(presentedChain, requirement);
        if (key.isPresent()) {
            Optional<VerificationOutcome> cached = cache.get(key.get(), now);
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        VerificationOutcome outcome = delegate.verify(presentedChain, requirement);
        if (key.isPresent() && !outcome.temporary()) {
            Instant cap = now.plus(maxTtl);
            cache.put(key.get(), outcome, outcome.validUntil().isBefore(cap) ? outcome.validUntil() : cap, now);
        }
        return outcome;
    }

    /** Number of cached outcomes (for metrics and tests). */
    public int size() {
        return cache.size();
    }

    private static Optional<Key> key(List<X509Certificate> chain, CertificateRequirement requirement) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<String> hashes = new ArrayList<>(chain.size());
            for (X509Certificate certificate : chain) {
                hashes.add(Base64.getEncoder().encodeToString(digest.digest(certificate.getEncoded())));
            }
            return Optional.of(new Key(hashes, requirement));
        } catch (CertificateEncodingException e) {
            return Optional.empty(); // not cacheable; the delegate reports the malformed certificate
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }
}
