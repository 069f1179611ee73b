package dev.jamestls.mtasts;

import dev.jamestls.policy.DomainName;

/**
 * Fetches a domain's MTA-STS policy (RFC 8461 §3.3). Injected so that the cache can be tested with a
 * server on loopback. Never throws for network trouble: that is a {@link StsFetchResult.Failed}.
 */
@FunctionalInterface
public interface StsPolicyFetcher {
    /**
     * @param domain the policy domain (the policy host is {@code mta-sts.<domain>})
     * @param id the {@code id} of the domain's TXT record, recorded in the policy
     */
    StsFetchResult fetch(DomainName domain, String id);
}
