package dev.jamestls.outbound;

import java.util.Objects;
import java.util.Optional;

import dev.jamestls.verify.TlsRptResultType;

/**
 * One attempt, classified.
 *
 * @param verdict what the attempt means for the delivery
 * @param resultType the RFC 8460 §4.3 failure type when TLS or the certificate fell short of the rule,
 *     also when the rule only records it ({@code may}, {@code encrypt}, testing mode)
 * @param reason what was expected and what the peer offered or presented, one line
 */
public record AttemptClassification(AttemptVerdict verdict, Optional<TlsRptResultType> resultType, String reason) {
    public AttemptClassification {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(reason, "reason");
        if (verdict == AttemptVerdict.TLS_NOT_SECURED && resultType.isEmpty()) {
            throw new IllegalArgumentException("a TLS failure needs its RFC 8460 result type");
        }
    }
}
