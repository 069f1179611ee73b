package dev.jamestls.tlsrpt;

import java.util.List;
import java.util.Objects;

/**
 * RFC 8460 §4.4 {@code policy}: which policy the sessions were judged against.
 *
 * @param type {@code policy-type}
 * @param strings {@code policy-string}: the TLSA records or the MTA-STS policy's lines; empty when absent
 * @param domain {@code policy-domain}, in A-labels
 * @param mxHosts {@code mx-host}: the MX host names or MTA-STS {@code mx} patterns the policy applies to; empty
 *        when absent
 */
public record ReportedPolicy(PolicyType type, List<String> strings, String domain, List<String> mxHosts) {
    public ReportedPolicy {
        Objects.requireNonNull(type, "type");
        strings = List.copyOf(strings);
        Objects.requireNonNull(domain, "domain");
        if (domain.isEmpty()) {
            throw new IllegalArgumentException("policy-domain must not be empty");
        }
        mxHosts = List.copyOf(mxHosts);
    }
}
