package dev.jamestls.mtasts;

import java.util.Objects;

/** What one attempt to fetch and parse a domain's MTA-STS policy gave: the policy, or why not. */
public sealed interface StsFetchResult {
    /** The policy was fetched over HTTPS and parsed. */
    record Fetched(StsPolicy policy) implements StsFetchResult {
        public Fetched {
            Objects.requireNonNull(policy, "policy");
        }
    }

    /** The fetch or the parse failed, as an RFC 8460 result type. */
    record Failed(StsProblem problem) implements StsFetchResult {
        public Failed {
            Objects.requireNonNull(problem, "problem");
        }
    }
}
