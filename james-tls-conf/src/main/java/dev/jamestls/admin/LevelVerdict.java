package dev.jamestls.admin;

import java.util.Objects;
import java.util.Optional;

import dev.jamestls.outbound.AttemptClassification;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.verify.VerificationOutcome;
import dev.jamestls.tls.Spelled;

/**
 * Whether a probed server would satisfy one outbound level (SPEC §1.3), and why.
 *
 * @param level the level
 * @param result pass, fail, or not evaluated (an input is missing, e.g. no pin for {@code fingerprint})
 * @param reason the deciding fact, printable
 * @param outcome the verification core's outcome, for the levels that verify a certificate
 * @param classification what delivery would record for its attempt under this level (verdict, RFC 8460 result type)
 */
public record LevelVerdict(OutboundLevel level, Result result, String reason, Optional<VerificationOutcome> outcome,
                           Optional<AttemptClassification> classification) {
    /** Spelt as in the output. */
    public enum Result implements Spelled {
        PASS, FAIL, NOT_EVALUATED;

        @Override
        public String spelling() {
            return this == NOT_EVALUATED ? "n/a" : Spelled.super.spelling();
        }

        @Override
        public String toString() {
            return spelling();
        }
    }

    public LevelVerdict {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(classification, "classification");
    }
}
