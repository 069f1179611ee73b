package dev.jamestls.james;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.jamestls.policy.file.PolicyException;
import dev.jamestls.policy.file.ReloadingPolicy;

/**
 * One live-reloaded policy per file for every James component that reads it (inbound hooks and
 * mailets, outbound delivery), so they all see the same rules at the same time.
 */
public final class PolicyRegistry {
    static final Duration RELOAD_INTERVAL = Duration.ofSeconds(5);
    private static final Map<Path, ReloadingPolicy> POLICIES = new ConcurrentHashMap<>();

    private PolicyRegistry() {
    }

    /**
     * @throws IllegalArgumentException with every problem of the file (file, line, column) when it does not load
     */
    public static ReloadingPolicy policy(Path policyFile) {
        return POLICIES.computeIfAbsent(policyFile.toAbsolutePath().normalize(), PolicyRegistry::load);
    }

    private static ReloadingPolicy load(Path file) {
        try {
            ReloadingPolicy loaded = ReloadingPolicy.load(file, Clock.systemUTC());
            loaded.startWatching(RELOAD_INTERVAL);
            return loaded;
        } catch (PolicyException e) {
            throw new IllegalArgumentException("TLS policy " + file + " does not load:\n" + e.getMessage(), e);
        }
    }
}
