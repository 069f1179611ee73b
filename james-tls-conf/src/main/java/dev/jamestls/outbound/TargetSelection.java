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
 * of MXs is returned, the address is treated as if it was associated with an implicit MX RR"). A domain
 * whose only MX is the root name {@code .} (RFC 7505 null MX) accepts no mail: there is no target at all.
 */
public final class TargetSelection {
    private TargetSelection() {
    }

    /**
     * @throws DestinationDns.DnsLookupException when MX lookup fails (the delivery is retried)
     * @throws NullMxException when the recipient domain publishes a null MX (the mail is bounced, nothing is connected)
     */
    public static List<DeliveryTarget> select(OutboundResolution resolution, DestinationDns dns)
        throws DestinationDns.DnsLookupException, NullMxException {
        List<SmartHost> smartHosts = resolution.requirement().smartHosts();
        List<DeliveryTarget> targets = new ArrayList<>();
        if (!smartHosts.isEmpty()) {
            for (SmartHost host : smartHosts) {
                targets.add(new DeliveryTarget(host.host(), host.port(), TargetSource.SMART_HOST, targets.size()));
            }
            return List.copyOf(targets);
        }
        return mxTargets(resolution.recipientDomain(), dns.mxHosts(resolution.recipientDomain()));
    }

    /**
     * The hosts of an MX answer, in the order given (most preferred first): duplicates and names that are not host
     * names dropped, trailing dots removed; the domain itself when there is none (implicit MX).
     *
     * @throws NullMxException when the only exchange is the root name (RFC 7505)
     */
    public static List<DeliveryTarget> mxTargets(DomainName domain, List<String> exchanges) throws NullMxException {
        List<DeliveryTarget> targets = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        boolean nullMx = false;
        for (String mx : exchanges) {
            String name = mx.strip();
            if (name.equals(".") || name.isEmpty()) {
                // RFC 7505 §3: the null MX's exchange is the root name (James's DNS service returns it as ".").
                nullMx = true;
                continue;
            }
            Optional<DomainName> host = DomainName.tryParse(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
            // A name that is not a host name cannot be tried.
            if (host.isPresent() && seen.add(host.get().ascii())) {
                targets.add(new DeliveryTarget(host.get(), SmartHost.SMTP_PORT, TargetSource.MX, targets.size()));
            }
        }
        if (targets.isEmpty() && nullMx) {
            // RFC 7505 §3-4: no implicit MX fallback; the domain accepts no mail. (A null MX published next to
            // usable MX hosts breaks RFC 7505 §3; those hosts are tried.)
            throw new NullMxException(domain);
        }
        if (targets.isEmpty()) {
            targets.add(new DeliveryTarget(domain, SmartHost.SMTP_PORT, TargetSource.IMPLICIT_MX, 0));
        }
        return List.copyOf(targets);
    }

    /** The recipient domain publishes a null MX (RFC 7505): it accepts no mail. */
    public static final class NullMxException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient DomainName domain;

        public NullMxException(DomainName domain) {
            super(domain.ascii() + " publishes a null MX (RFC 7505): it accepts no mail");
            this.domain = domain;
        }

        public DomainName domain() {
            return domain;
        }
    }
}
