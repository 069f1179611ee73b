package dev.jamestls.sandbox.james;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.dnsservice.api.DNSService;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import dev.jamestls.james.outbound.DeliveryDns;
import dev.jamestls.outbound.DestinationDns;
import dev.jamestls.policy.DomainName;

/**
 * The ordinary DNS questions of a delivery (the MX hosts of {@code sts.example}, the address of its MX host) go to the
 * sandbox's loopback DNS server ({@code jamestls.dns.port}): James's own DNS service can only ask port 53, which the
 * sandbox cannot serve without root. Answers are not validated here, as James's DNS service does not validate them.
 */
public final class SandboxDeliveryDns extends DeliveryDns {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final SimpleResolver resolver;
    private final Cache cache = new Cache(DClass.IN);

    @Inject
    public SandboxDeliveryDns(DNSService dns) {
        super(dns);
        this.resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(),
            SandboxRoutes.port(PublishedDestination.DNS_PORT_PROPERTY)));
        resolver.setTimeout(TIMEOUT);
    }

    @Override
    public List<String> mxHosts(DomainName domain) throws DestinationDns.DnsLookupException {
        Lookup lookup = lookup(domain.ascii(), Type.MX);
        Record[] records = lookup.run();
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL:
                return Arrays.stream(records).map(MXRecord.class::cast).sorted(Comparator.comparingInt(MXRecord::getPriority))
                    .map(mx -> mx.getTarget().toString(true)).toList();
            case Lookup.TYPE_NOT_FOUND:
                // RFC 5321 §5.1: no MX records, the domain itself is the implicit MX (as James's DNS service answers).
                return List.of(domain.ascii());
            default:
                throw new DestinationDns.DnsLookupException("MX lookup of " + domain.ascii() + " at the sandbox's DNS server "
                    + resolver.getAddress() + " failed: " + lookup.getErrorString(), null);
        }
    }

    @Override
    public List<InetAddress> addresses(String host) throws UnknownHostException {
        List<InetAddress> addresses = new ArrayList<>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Lookup lookup = lookup(host, type);
            Record[] records = lookup.run();
            if (lookup.getResult() == Lookup.SUCCESSFUL) {
                for (Record record : records) {
                    addresses.add(record instanceof ARecord a ? a.getAddress() : ((AAAARecord) record).getAddress());
                }
            }
        }
        if (addresses.isEmpty()) {
            throw new UnknownHostException(host + ": no address at the sandbox's DNS server " + resolver.getAddress());
        }
        return List.copyOf(addresses);
    }

    private Lookup lookup(String name, int type) {
        try {
            Lookup lookup = new Lookup(Name.fromString(name, Name.root), type);
            lookup.setResolver(resolver);
            lookup.setCache(cache);
            lookup.setSearchPath(List.of());
            return lookup;
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name, e);
        }
    }
}
