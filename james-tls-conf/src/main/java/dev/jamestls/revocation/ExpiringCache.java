package dev.jamestls.revocation;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A bounded least-recently-used map whose entries expire at an instant given
 * on insertion. Thread-safe (one lock; entries are small and operations O(1)).
 */
public final class ExpiringCache<K, V> {
    private record Entry<V>(V value, Instant expiry) {
    }

    private final int maxEntries;
    private final LinkedHashMap<K, Entry<V>> entries;

    public ExpiringCache(int maxEntries) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("cache size must be positive: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                return size() > ExpiringCache.this.maxEntries;
            }
        };
    }

    /** The value stored under {@code key} if it has not expired at {@code now}. */
    public synchronized Optional<V> get(K key, Instant now) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!now.isBefore(entry.expiry())) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    /** Stores {@code value} until {@code expiry}; an already expired value is not stored. */
    public synchronized void put(K key, V value, Instant expiry, Instant now) {
        Objects.requireNonNull(value, "value");
        if (expiry.isAfter(now)) {
            entries.put(key, new Entry<>(value, expiry));
        } else {
            entries.remove(key);
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized void clear() {
        entries.clear();
    }
}
