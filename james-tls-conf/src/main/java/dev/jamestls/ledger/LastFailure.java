package dev.jamestls.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * The last time TLS with a partner fell short.
 *
 * @param at when
 * @param direction inbound (a policy violation) or outbound (an attempt that did not deliver)
 * @param kind the violation's kind (inbound) or the attempt's verdict (outbound)
 * @param reason both sides, escaped peer text, bounded
 */
public record LastFailure(Instant at, Direction direction, String kind, String reason) {
    public LastFailure {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }
}
