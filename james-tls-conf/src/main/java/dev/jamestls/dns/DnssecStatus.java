package dev.jamestls.dns;

import dev.jamestls.tls.Spelled;

/**
 * What DNSSEC validation says about one answer (RFC 4033 §5, RFC 4035 §4.3).
 */
public enum DnssecStatus implements Spelled {
    /** Validated from the trust anchor down: records, or their proven absence, can be relied on. */
    SECURE,
    /** Proven to lie below an unsigned delegation: the answer is ordinary, unauthenticated DNS. */
    INSECURE,
    /** Signatures missing, wrong or expired where the chain of trust says they must be: never used. */
    BOGUS,
    /** No answer to judge: SERVFAIL, a timeout, an unreachable resolver. Retried later. */
    FAILED;

    @Override
    public String toString() {
        return spelling();
    }
}
