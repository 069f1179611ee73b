package dev.jamestls.outbound;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.SmartHost;

/**
 * The hosts a delivery tries, in order: the rule's smart hosts (no MX lookup), else the recipient
 * domain's MX hosts in preference order, else the domain itself (RFC 5321 §5.1: "If an empty list
 * of MXs is returned, the address is treated as if it was associated with an implicit MX RR").
 */
public final class TargetSelection {
    private TargetSelection() {
    }

    /**
     * @throws DestinationDns.DnsLookupException when MX lookup fails (the delivery is retried)
     */
    public static List<DeliveryTarget> select(OutboundResolution resolution, DestinationDns dns)
        throws DestinationDns.DnsLookupException {
        List<SmartHost> smartHosts = resolution.requirement().smartHosts();
        List<DeliveryTarget> targets = new ArrayList<>();
        if (!smartHosts.isEmpty()) {
            for (SmartHost host : smartHosts) {
                targets.add(new DeliveryTarget(host.host(), host.port(), TargetSource.SMART_HOST, targets.size()));
            }
            return List.copyOf(targets);
        }
        DomainName domain = resolution.recipientDomain();
        Set<String> seen = new LinkedHashSet<>();
        for (String mx : dns.mxHosts(domain)) {
            Optional<DomainName> host = DomainName.tryParse(mx.endsWith(".") ? mx.substring(0, mx.length() - 1) : mx);
            // A name that is not a host name cannot be tried; null MX (RFC 7505) is not handled yet.
            if (host.isPresent() && seen.add(host.get().ascii())) {
                targets.add(new DeliveryTarget(host.get(), SmartHost.SMTP_PORT, TargetSource.MX, targets.size()));
            }
        }
        if (targets.isEmpty()) {
            targets.add(new DeliveryTarget(domain, SmartHost.SMTP_PORT, TargetSource.IMPLICIT_MX, 0));
        }
        return List.copyOf(targets);
    }
}
