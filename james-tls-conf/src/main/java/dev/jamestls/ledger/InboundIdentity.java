package dev.jamestls.ledger;

import dev.jamestls.tls.Spelled;

/**
 * How an inbound session named its partner. The partner domain is always the {@code MAIL FROM} domain (the domain
 * the inbound rule resolves, and the one outbound mail to the partner is recorded under); this says whether a client
 * certificate that verified for one of the policy's connectors backed it, or nothing did.
 */
public enum InboundIdentity implements Spelled {
    /** A client certificate verified for a connector of the policy. */
    VERIFIED_CLIENT_CERTIFICATE,
    /** Only the sender domain the client stated: anyone can state it. */
    UNVERIFIED_SENDER_DOMAIN
}
