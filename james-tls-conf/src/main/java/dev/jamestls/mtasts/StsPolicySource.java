package dev.jamestls.mtasts;

import dev.jamestls.policy.DomainName;

/**
 * Where delivery asks for a domain's MTA-STS policy: TXT discovery, HTTPS fetch and the cache behind one
 * call. Never throws for network trouble: that is a {@link StsProblem} in the discovery.
 */
@FunctionalInterface
public interface StsPolicySource {
    StsDiscovery discover(DomainName domain);
}
