package dev.jamestls.policy;

import java.util.Objects;

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

    public enum Outcome {
        APPLIED("applied"),
        OUTRANKED("outranked"),
        EXPIRED("expired");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
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
