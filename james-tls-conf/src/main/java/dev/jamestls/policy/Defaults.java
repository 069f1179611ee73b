package dev.jamestls.policy;

import java.util.Objects;

/**
 * The behaviour for everything no rule names (SPEC §1.1).
 *
 * @param inbound requirement for senders no connector claims
 * @param outbound requirement for recipient domains no connector or table names
 * @param mtaSts whether a recipient domain no connector or table names, and that has no usable DANE records, is
 *     delivered to under its published MTA-STS policy (RFC 8461), when it publishes one
 */
public record Defaults(InboundRequirement inbound, OutboundRequirement outbound, boolean mtaSts) {
    /** Opportunistic in and out, TLS ≥ 1.2 when TLS is used. */
    public static final Defaults OPPORTUNISTIC = new Defaults(InboundRequirement.OPPORTUNISTIC, OutboundRequirement.OPPORTUNISTIC);

    /** Defaults that do not look for MTA-STS policies. */
    public Defaults(InboundRequirement inbound, OutboundRequirement outbound) {
        this(inbound, outbound, false);
    }

    public Defaults {
        Objects.requireNonNull(inbound, "inbound");
        Objects.requireNonNull(outbound, "outbound");
        if (inbound.clientCertificate().isPresent() || !inbound.partnerIps().isEmpty()) {
            throw new IllegalArgumentException("defaults cannot require a client certificate or partner IPs: those belong to a connector");
        }
        if (!outbound.smartHosts().isEmpty()) {
            throw new IllegalArgumentException("defaults cannot name smart hosts: configure James's gateway instead");
        }
    }
}
