package dev.jamestls.outbound;

import java.util.Objects;

import dev.jamestls.policy.DomainName;

/**
 * One host to try, in order.
 *
 * @param host the host name connected to (the SNI name and, under {@code verify}, the name checked)
 * @param port the TCP port (25, or a smart host's)
 * @param source where it came from
 * @param preference position in the list, 0 first
 */
public record DeliveryTarget(DomainName host, int port, TargetSource source, int preference) {
    public DeliveryTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(source, "source");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range 1..65535");
        }
        if (preference < 0) {
            throw new IllegalArgumentException("preference must be 0 or more: " + preference);
        }
    }

    /**
     * Postfix's {@code nexthop}: the name a {@code nexthop} or {@code dot-nexthop} match stands for. On an MX
     * route it is the recipient domain (the MX name comes from DNS and is not trusted under {@code secure});
     * on a smart-host route it is the smart host's name, which the administrator configured: the smart host's
     * certificate names the relay, not each recipient domain it relays for (Postfix TLS_README, "nexthop").
     */
    public DomainName nexthop(DomainName recipientDomain) {
        return source == TargetSource.SMART_HOST ? host : recipientDomain;
    }

    @Override
    public String toString() {
        return host.ascii() + ":" + port;
    }
}
