package dev.jamestls.outbound;

import dev.jamestls.policy.RuleKind;
import dev.jamestls.tls.Spelled;

/**
 * Which policy decided how a destination is authenticated, strongest first (SPEC §5; RFC 8461 §2: DANE wins over
 * MTA-STS when a domain publishes both): an administrator's explicit rule (a connector or a table entry), the
 * destination's DANE records, its MTA-STS policy, or the defaults.
 */
public enum PolicySource implements Spelled {
    CONNECTOR,
    DANE,
    MTA_STS,
    DEFAULT;

    /** The source of a rule from the policy file: connectors and table entries are the administrator's explicit rules. */
    public static PolicySource of(RuleKind kind) {
        return kind == RuleKind.DEFAULTS ? DEFAULT : CONNECTOR;
    }

    @Override
    public String toString() {
        return spelling();
    }
}
