package dev.jamestls.policy;

import dev.jamestls.tls.Spelled;

/**
 * Whether a refusal lets the other side retry (SPEC §2). Outbound: what a delivery that
 * cannot be secured becomes. Inbound: which reply class a connector's refusals use.
 */
public enum Failure implements Spelled {
    /**
     * Outbound: stay queued and retry; bounce (4.7.5) only when the retry schedule is exhausted.
     * Inbound: 4xx replies (451 4.7.0, 450 4.7.1): the partner's MTA keeps the mail and retries.
     */
    TEMPORARY,
    /** Outbound: bounce at once with 5.7.10 (RFC 7372). Inbound: 5xx replies (530 5.7.0, 550 5.7.1). */
    PERMANENT;

    public static Failure parse(String value) {
        return Spelled.parse(Failure.class, "failure", value);
    }

    @Override
    public String toString() {
        return spelling();
    }
}
