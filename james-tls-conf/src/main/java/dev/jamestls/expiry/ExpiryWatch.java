package dev.jamestls.expiry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The certificates we watch for expiry and the warnings already given about them.
 *
 * <p>Our own certificates ({@link #watchOwn}) are replaced as a whole at each reading of the listeners'
 * key material; certificates seen from peers ({@link #seen}) are kept up to a capacity, the least recently seen
 * dropped first. Every certificate is keyed by the SHA-256 of its DER encoding, never by a name: a renewed
 * certificate is a new one and gets its warnings anew.
 *
 * <p>{@link #due()} gives, for each certificate, the warning of the tightest threshold it has reached (or of its
 * expiry), at most once per threshold: a certificate first seen 10 days before expiry gets the 14-day warning,
 * not the 30-day one too, and the 7-day one later. Thread-safe.
 */
public final class ExpiryWatch {
    /** Days before {@code notAfter} at which a warning is due. */
    public static final List<Integer> DEFAULT_THRESHOLDS = List.of(30, 14, 7);
    /** How many peer certificates are kept. */
    public static final int DEFAULT_SEEN_CAPACITY = 1_000;

    private final Clock clock;
    private final List<Integer> thresholds;
    private final Map<String, WatchedCertificate> own = new LinkedHashMap<>();
    private final LinkedHashMap<String, WatchedCertificate> seen;
    /** By SHA-256: the tightest threshold already warned about ({@link ExpiryWarning#EXPIRED} the last). */
    private final Map<String, Integer> warned = new HashMap<>();

    /**
     * @param thresholdDays distinct positive day counts, in any order
     * @param seenCapacity how many peer certificates to keep, at least 1
     */
    public ExpiryWatch(Clock clock, List<Integer> thresholdDays, int seenCapacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (thresholdDays.isEmpty() || thresholdDays.stream().anyMatch(t -> t == null || t <= 0)
            || thresholdDays.stream().distinct().count() != thresholdDays.size()) {
            throw new IllegalArgumentException("expiry thresholds must be distinct positive day counts: " + thresholdDays);
        }
        if (seenCapacity < 1) {
            throw new IllegalArgumentException("seen-certificate capacity must be at least 1: " + seenCapacity);
        }
        this.thresholds = thresholdDays.stream().sorted(Comparator.reverseOrder()).toList();
        this.seen = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, WatchedCertificate> eldest) {
                if (size() > seenCapacity) {
                    warned.remove(eldest.getKey());
                    return true;
                }
                return false;
            }
        };
    }

    public static ExpiryWatch withDefaults(Clock clock) {
        return new ExpiryWatch(clock, DEFAULT_THRESHOLDS, DEFAULT_SEEN_CAPACITY);
    }

    /** The thresholds, largest first. */
    public List<Integer> thresholds() {
        return thresholds;
    }

    /**
     * Replaces our own certificates. A certificate listed under several roles (one key store behind several
     * listeners) is kept once, its roles' places joined. A certificate no longer listed is forgotten, with its
     * warnings.
     */
    public synchronized void watchOwn(List<WatchedCertificate> certificates) {
        Map<String, WatchedCertificate> fresh = new LinkedHashMap<>();
        for (WatchedCertificate certificate : certificates) {
            fresh.merge(certificate.sha256(), certificate, (a, b) -> a.role().where().equals(b.role().where()) ? a
                : a.withRole(new CertificateRole(a.role().origin(), a.role().where() + ", " + b.role().where())));
        }
        own.keySet().stream().filter(k -> !fresh.containsKey(k) && !seen.containsKey(k)).toList().forEach(warned::remove);
        own.clear();
        own.putAll(fresh);
        fresh.keySet().forEach(seen::remove);
    }

    /** A peer's certificate seen now (a certificate of ours is not also kept as a peer's). */
    public synchronized void seen(WatchedCertificate certificate) {
        if (!own.containsKey(certificate.sha256())) {
            seen.put(certificate.sha256(), certificate);
        }
    }

    /** Every certificate watched: ours first, then the peers' from least to most recently seen. */
    public synchronized List<WatchedCertificate> certificates() {
        List<WatchedCertificate> all = new ArrayList<>(own.values());
        all.addAll(seen.values());
        return all;
    }

    /** The certificate with this SHA-256 (hex), if watched; does not count as seeing it. */
    public synchronized Optional<WatchedCertificate> find(String sha256) {
        WatchedCertificate ours = own.get(sha256);
        return ours != null ? Optional.of(ours) : seen.values().stream().filter(c -> c.sha256().equals(sha256)).findFirst();
    }

    /** Days left of the certificate with this SHA-256 (rounded down, negative once expired), if watched. */
    public OptionalLong daysLeft(String sha256) {
        Optional<WatchedCertificate> certificate = find(sha256);
        return certificate.isPresent() ? OptionalLong.of(certificate.get().daysLeft(clock.instant())) : OptionalLong.empty();
    }

    /** The warnings due now, each remembered so that it is not due again. */
    public synchronized List<ExpiryWarning> due() {
        Instant now = clock.instant();
        List<ExpiryWarning> due = new ArrayList<>();
        for (WatchedCertificate certificate : certificates()) {
            OptionalInt reached = reached(certificate, now);
            if (reached.isEmpty()) {
                continue;
            }
            Integer before = warned.get(certificate.sha256());
            if (before == null || reached.getAsInt() < before) {
                warned.put(certificate.sha256(), reached.getAsInt());
                due.add(new ExpiryWarning(certificate, reached.getAsInt(), certificate.daysLeft(now)));
            }
        }
        return due;
    }

    /** The tightest threshold {@code certificate} has reached at {@code now}, {@link ExpiryWarning#EXPIRED} once expired. */
    private OptionalInt reached(WatchedCertificate certificate, Instant now) {
        if (!now.isBefore(certificate.notAfter())) {
            return OptionalInt.of(ExpiryWarning.EXPIRED);
        }
        Duration left = Duration.between(now, certificate.notAfter());
        OptionalInt reached = OptionalInt.empty();
        for (int threshold : thresholds) {
            if (left.compareTo(Duration.ofDays(threshold)) <= 0) {
                reached = OptionalInt.of(threshold);
            }
        }
        return reached;
    }
}
