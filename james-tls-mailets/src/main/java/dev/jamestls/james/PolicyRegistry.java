package dev.jamestls.james;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.HashMap;
import java.util.Optional;

import dev.jamestls.policy.file.PolicyException;
import dev.jamestls.policy.file.ReloadingPolicy;

/**
 * One live-reloaded policy per file for every James component that reads it (inbound hooks and
 * mailets, outbound delivery), so they all see the same rules at the same time.
 */
public final class PolicyRegistry {
    static final Duration RELOAD_INTERVAL = Duration.ofSeconds(5);
    private static final Map<Path, Shared> POLICIES = new HashMap<>();

    /** A loaded policy and how many components use it. */
    private static final class Shared {
        private final ReloadingPolicy policy;
        private int users;

        Shared(ReloadingPolicy policy) {
            this.policy = policy;
        }
    }

    private PolicyRegistry() {
    }

    /**
     * The shared policy of {@code policyFile}, loaded (and watched) on first use. Every call must be
     * matched by one {@link #release(Path)} when the component is destroyed, so the watcher stops with
     * the last user (James calls {@code destroy()} on hooks and mailets at shutdown).
     *
     * @throws IllegalArgumentException with every problem of the file (file, line, column) when it does not load
     */
    public static synchronized ReloadingPolicy policy(Path policyFile) {
        Path key = policyFile.toAbsolutePath().normalize();
        Shared shared = POLICIES.get(key);
        if (shared == null) {
            shared = new Shared(load(key));
            POLICIES.put(key, shared);
        }
        shared.users++;
        return shared.policy;
    }

    /**
     * The policy of {@code policyFile} if a component loaded it, without becoming one of its users: an
     * administrator's tool (or a test) can call {@link ReloadingPolicy#reloadIfChanged()} on it to apply
     * an edit now instead of at the next periodic check.
     */
    public static synchronized Optional<ReloadingPolicy> loaded(Path policyFile) {
        return Optional.ofNullable(POLICIES.get(policyFile.toAbsolutePath().normalize())).map(shared -> shared.policy);
    }

    /** One user of {@code policyFile} is done with it; the last one stops its watcher. */
    public static synchronized void release(Path policyFile) {
        Path key = policyFile.toAbsolutePath().normalize();
        Shared shared = POLICIES.get(key);
        if (shared != null && --shared.users <= 0) {
            POLICIES.remove(key);
            shared.policy.close();
        }
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
