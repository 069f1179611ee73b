package dev.jamestls.james.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;

import dev.jamestls.outbound.DestinationDns;
import dev.jamestls.policy.DomainName;

/**
 * Who answers the ordinary DNS questions of a delivery (the MX hosts of a domain DANE does not cover, the addresses of
 * a host): James's {@link DNSService}. Production uses this class as is (Guice creates it just in time). Test-only
 * seam, like {@link DeliveryEndpoints}: James's DNS service asks port 53 only, so the sandbox binds a subclass that
 * asks its loopback DNS server; it is not an admin-facing parameter. DNSSEC-validated lookups go to
 * {@code dnssecResolver} whatever is bound here.
 */
public class DeliveryDns implements DeliveryRound.Resolver {
    private final DNSService dns;

    @Inject
    public DeliveryDns(DNSService dns) {
        this.dns = dns;
    }

    @Override
    public List<String> mxHosts(DomainName domain) throws DestinationDns.DnsLookupException {
        try {
            return List.copyOf(dns.findMXRecords(domain.ascii()));
        } catch (TemporaryResolutionException e) {
            throw new DestinationDns.DnsLookupException("MX lookup of " + domain.ascii() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<InetAddress> addresses(String host) throws UnknownHostException {
        return List.copyOf(dns.getAllByName(host));
    }
}
