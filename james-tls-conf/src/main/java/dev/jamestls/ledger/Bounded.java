package dev.jamestls.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Immutable copies in order, and bounded additions: the ledger never grows with what peers send. */
final class Bounded {
    /** The key counts fall under once a map of counts is full. */
    static final String OTHER = "(other)";

    private Bounded() {
    }

    static <K, V> Map<K, V> copy(Map<K, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /**
     * {@code a + b}, at most {@link Long#MAX_VALUE}: counts are the peer's text (RFC 8460 §4.4 puts no bound on them),
     * and a sum that wraps around would turn a hostile report's counts negative.
     */
    static long sum(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** {@code values} with {@code value} last (moved there if present), the oldest dropped beyond {@code max}. */
    static List<String> recent(List<String> values, String value, int max) {
        List<String> result = new ArrayList<>(values);
        result.remove(value);
        result.add(value);
        while (result.size() > max) {
            result.remove(0);
        }
        return List.copyOf(result);
    }

    /** {@code counts} with one more for {@code key}; a new key beyond {@code max} keys is counted under {@value #OTHER}. */
    static Map<String, Long> increment(Map<String, Long> counts, String key, int max) {
        Map<String, Long> result = new LinkedHashMap<>(counts);
        String counted = result.containsKey(key) || result.size() < max - 1 ? key : OTHER;
        result.merge(counted, 1L, Bounded::sum);
        return copy(result);
    }
}
