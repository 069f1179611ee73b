package dev.jamestls.verify;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The RFC 5280 §6.1.1 inputs of path validation besides anchors and time.
 *
 * @param initialPolicies acceptable certificate policy OIDs; empty means any-policy (RFC 5280 §6.1.1 (c))
 * @param explicitPolicyRequired initial-explicit-policy (§6.1.1 (f))
 * @param policyMappingInhibited initial-policy-mapping-inhibit (§6.1.1 (e))
 * @param anyPolicyInhibited initial-any-policy-inhibit (§6.1.1 (g))
 */
public record PathOptions(Set<String> initialPolicies, boolean explicitPolicyRequired,
                          boolean policyMappingInhibited, boolean anyPolicyInhibited) {
    /** What a mail server wants: any policy, no policy constraints of its own. */
    public static final PathOptions DEFAULT = new PathOptions(Set.of(), false, false, false);

    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");

    public PathOptions {
        initialPolicies = Set.copyOf(initialPolicies);
        for (String policy : initialPolicies) {
            if (!OID.matcher(policy).matches()) {
                throw new IllegalArgumentException("initial policy '" + policy + "' is not an OID (e.g. 2.5.29.32.0)");
            }
        }
    }
}
