package dev.jamestls.policy;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.tls.TlsProtocol;

/**
 * What mail from a sender domain must show when it arrives.
 *
 * @param requireTls mail must arrive over TLS (RFC 3207 STARTTLS or implicit TLS)
 * @param minimumProtocol lowest acceptable protocol when TLS is used; never below TLS 1.2 (RFC 8996)
 * @param clientCertificate the partner certificate requirement, if any
 * @param allowRelay a client whose certificate verifies may relay to any recipient; needs a certificate requirement
 * @param partnerIps when not empty, the partner may only connect from these ranges
 * @param failure whether refusals are temporary (4xx, the partner retries) or permanent (5xx)
 */
public record InboundRequirement(
    boolean requireTls,
    TlsProtocol minimumProtocol,
    Optional<ClientCertificateRequirement> clientCertificate,
    boolean allowRelay,
    List<IpRange> partnerIps,
    Failure failure) {

    /** Opportunistic: TLS offered, clear text accepted, TLS ≥ 1.2 when used. */
    public static final InboundRequirement OPPORTUNISTIC =
        new InboundRequirement(false, TlsProtocol.LOWEST_ACCEPTABLE, Optional.empty(), false, List.of(),
            Failure.TEMPORARY);

    public InboundRequirement {
        MinimumProtocols.require(Objects.requireNonNull(minimumProtocol, "minimumProtocol"));
        Objects.requireNonNull(clientCertificate, "clientCertificate");
        partnerIps = List.copyOf(partnerIps);
        Objects.requireNonNull(failure, "failure");
        if (allowRelay && clientCertificate.isEmpty()) {
            throw new IllegalArgumentException(
                "allowRelay needs a client certificate requirement: relay is granted to a verified certificate, never to a domain name");
        }
        if (clientCertificate.isPresent() && !requireTls) {
            throw new IllegalArgumentException("a client certificate requirement needs requireTls=\"true\": certificates only exist over TLS");
        }
    }

    /** True when the partner is restricted to IP ranges and {@code address} lies outside all of them. */
    public boolean excludes(InetAddress address) {
        return !partnerIps.isEmpty() && partnerIps.stream().noneMatch(range -> range.contains(address));
    }
}
