package dev.jamestls.outbound;

import dev.jamestls.tls.Spelled;

/**
 * What the sender's own TLS demand on a message (RFC 8689) made of one attempt, as recorded on the attempt
 * ({@code senderDemand=} in its log line and the mail's attempts attribute).
 */
public enum SenderDemandOutcome implements Spelled {
    /** REQUIRETLS: the host's TLS is authenticated; its EHLO reply after STARTTLS must list REQUIRETLS (§4.2.1). */
    REQUIRETLS_AUTHENTICATED,
    /** REQUIRETLS: the host's TLS would not be authenticated, so it was not connected to (§4.2.1 steps 1-3). */
    REQUIRETLS_UNAUTHENTICATED,
    /**
     * {@code TLS-Required: No}: the TLS requirement of the destination's published policy (DANE, MTA-STS) is recorded,
     * not enforced; the administrator's own rule applies (§4.2.2).
     */
    TLS_REQUIRED_NO_POLICY_IGNORED,
    /** {@code TLS-Required: No}: the connector says {@code honourTlsRequiredNo="true"}; its requirement is recorded, not enforced. */
    TLS_REQUIRED_NO_CONNECTOR_OPTED_IN,
    /** {@code TLS-Required: No}: the administrator's rule is enforced as configured (the header never lowers it, SPEC §5). */
    TLS_REQUIRED_NO_RULE_KEPT;

    @Override
    public String toString() {
        return spelling();
    }
}
