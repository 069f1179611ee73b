package dev.jamestls.mtasts;

import java.util.Objects;
import java.util.Optional;

import dev.jamestls.policy.DomainName;

/**
 * What MTA-STS discovery found for a recipient domain (RFC 8461 §3, §5).
 *
 * @param domain the policy domain
 * @param policy the policy that applies now: fresh, or cached and unexpired; empty when the domain has none
 *     (no TXT record and nothing cached, or a fetch failed with nothing cached: RFC 8461 §5 delivers as
 *     without a policy then)
 * @param problem why a fetch or refresh failed; present with a cached policy when a refresh failed
 */
public record StsDiscovery(DomainName domain, Optional<StsPolicy> policy, Optional<StsProblem> problem) {
    public StsDiscovery {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(problem, "problem");
    }

    public static StsDiscovery none(DomainName domain) {
        return new StsDiscovery(domain, Optional.empty(), Optional.empty());
    }
}
