package dev.jamestls.dns;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.revocation.ExpiringCache;

/**
 * The answers of {@link ValidatingDns}, keyed by question (name and type), each kept for its own lifetime
 * and at most {@code maxEntries} of them: the least recently used answer goes first.
 *
 * <p>Lifetimes, decided by {@link #lifetime}:
 * <ul>
 *   <li>records: their smallest TTL (RFC 2181 §5.2 treats an RRset's TTLs as one), at most a day;</li>
 *   <li>no records (NXDOMAIN, NODATA): the negative TTL, the smaller of the SOA's TTL and its MINIMUM
 *       (RFC 2308 §5), at most an hour (RFC 2308 §5 suggests one to three hours as the cap); none when
 *       the answer carried no SOA (RFC 2308 §5: such answers are not cached);</li>
 *   <li>{@link DnssecStatus#BOGUS}: 30 seconds, the "BAD cache" of RFC 4035 §4.7, so a broken or attacked
 *       zone is not validated again for every mail, yet a fixed zone is seen soon;</li>
 *   <li>{@link DnssecStatus#FAILED}: 5 seconds (RFC 9520 §3.2 wants resolution failures cached at least a
 *       second, at most five minutes): a dead resolver then costs one timeout per question every few
 *       seconds, not one per recipient, and the next delivery retry sees a recovered one.</li>
 * </ul>
 * Thread-safe: the storage is {@link ExpiringCache}, one lock (a lookup costs far more than the lock).
 *
 * @param <V> what is cached per question
 */
final class DnsCache<V> {
    static final Duration MAX_POSITIVE = Duration.ofDays(1);
    static final Duration MAX_NEGATIVE = Duration.ofHours(1);
    static final Duration BOGUS = Duration.ofSeconds(30);
    static final Duration FAILED = Duration.ofSeconds(5);

    /** One question: the lower-case absolute name and the RR type number. */
    record Question(String name, int type) {
    }

    /** A cached value and when it stops being served. */
    record Entry<V>(V value, Instant expires) {
    }

    private final ExpiringCache<Question, Entry<V>> entries;

    /** @throws IllegalArgumentException when {@code maxEntries} is not positive */
    DnsCache(int maxEntries) {
        this.entries = new ExpiringCache<>(maxEntries);
    }

    /** How long an answer may be served from the cache. */
    static Duration lifetime(DnsAnswer<?> answer) {
        return switch (answer.status()) {
            case SECURE, INSECURE -> min(answer.ttl(), answer.records().isEmpty() ? MAX_NEGATIVE : MAX_POSITIVE);
            case BOGUS -> BOGUS;
            case FAILED -> FAILED;
        };
    }

    Optional<Entry<V>> get(Question question, Instant now) {
        return entries.get(question, now);
    }

    /** Keeps {@code value} until {@code expires}; a lifetime of zero keeps nothing. */
    void put(Question question, V value, Instant expires, Instant now) {
        entries.put(question, new Entry<>(Objects.requireNonNull(value, "value"), expires), expires, now);
    }

    int size() {
        return entries.size();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
