package dev.jamestls.mtasts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import dev.jamestls.policy.DomainName;

/**
 * A domain's MTA-STS policy (RFC 8461 §3.2), as fetched.
 *
 * @param mode enforce, testing or none
 * @param mx the {@code mx} patterns, lower case: a host name, or {@code *.} and a domain (one label)
 * @param maxAge how long the policy may be cached, at most 31557600 seconds (RFC 8461 §3.2)
 * @param id the {@code id} of the TXT record (RFC 8461 §3.1) the policy was fetched for
 * @param fetchedAt when it was fetched
 */
public record StsPolicy(StsMode mode, List<String> mx, Duration maxAge, String id, Instant fetchedAt) {
    /** RFC 8461 §3.2: {@code max_age} "up to 31557600". */
    public static final Duration MAX_AGE_LIMIT = Duration.ofSeconds(31_557_600);

    public StsPolicy {
        Objects.requireNonNull(mode, "mode");
        mx = mx.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        if (maxAge.isNegative() || maxAge.compareTo(MAX_AGE_LIMIT) > 0) {
            throw new IllegalArgumentException("max_age " + maxAge.toSeconds() + " out of range 0.." + MAX_AGE_LIMIT.toSeconds());
        }
        if (mode != StsMode.NONE && mx.isEmpty()) {
            throw new IllegalArgumentException("an MTA-STS policy in mode " + mode + " needs at least one mx pattern");
        }
    }

    /** When the cached policy stops applying (RFC 8461 §5.1). */
    public Instant expires() {
        return fetchedAt.plus(maxAge);
    }

    /**
     * Whether {@code host} matches one of the {@code mx} patterns (RFC 8461 §4.1): a pattern is the host
     * name itself, or {@code *.} followed by a domain, matching exactly one more label on the left.
     */
    public boolean mxMatches(DomainName host) {
        String name = host.ascii();
        for (String pattern : mx) {
            if (pattern.startsWith("*.")) {
                String suffix = pattern.substring(1);
                if (name.endsWith(suffix) && name.length() > suffix.length()
                    && name.substring(0, name.length() - suffix.length()).indexOf('.') < 0) {
                    return true;
                }
            } else if (name.equals(pattern)) {
                return true;
            }
        }
        return false;
    }
}
