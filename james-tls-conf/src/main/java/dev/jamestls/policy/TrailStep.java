package dev.jamestls.policy;

import java.util.Objects;

import dev.jamestls.tls.Spelled;

/**
 * One rule considered while resolving, and why it won or lost (for {@code explain}).
 *
 * @param kind connector, domain table or defaults
 * @param rule the connector name, {@code table:line key}, or {@code defaults}
 * @param matchedBy the pattern that matched ({@code *.partner.example}), or a dash
 * @param outcome applied, outranked or expired
 * @param reason one sentence
 */
public record TrailStep(RuleKind kind, String rule, String matchedBy, Outcome outcome, String reason) {

    public enum Outcome implements Spelled {
        APPLIED,
        OUTRANKED,
        EXPIRED;

        @Override
        public String toString() {
            return spelling();
        }
    }

    public TrailStep {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(matchedBy, "matchedBy");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return outcome + ": " + kind + " " + rule + " (" + matchedBy + "): " + reason;
    }
}
