package dev.jamestls.tlsrpt;

import dev.jamestls.outbound.PolicySource;
import dev.jamestls.tls.Spelled;

/** RFC 8460 §4.4 {@code policy-type}: "the only three valid choices are tlsa, sts, and ... no-policy-found". */
public enum PolicyType implements Spelled {
    /** A DANE TLSA policy (RFC 7672). */
    TLSA,
    /** An MTA-STS policy (RFC 8461). */
    STS,
    /** Neither applied: the attempt is reported without a policy. */
    NO_POLICY_FOUND;

    /**
     * The type of the policy that decided an attempt: DANE is {@code tlsa}, MTA-STS is {@code sts}; an
     * administrator's rule or the defaults are no published policy, so {@code no-policy-found}.
     */
    public static PolicyType of(PolicySource source) {
        return switch (source) {
            case DANE -> TLSA;
            case MTA_STS -> STS;
            case CONNECTOR, DEFAULT -> NO_POLICY_FOUND;
        };
    }

    public static PolicyType parse(String value) {
        return Spelled.parse(PolicyType.class, "policy-type", value);
    }

    @Override
    public String toString() {
        return spelling();
    }
}
