package dev.jamestls.it.harness;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.dnsservice.api.DNSService;

/**
 * A DNS that knows only what a test tells it and answers only with loopback
 * addresses: no test ever asks the machine's resolver (SPEC §4).
 */
public class FakeDns implements DNSService {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final Map<String, List<String>> mxRecords = new ConcurrentHashMap<>();
    private final Map<String, List<InetAddress>> addresses = new ConcurrentHashMap<>();

    public FakeDns() {
        for (String name : List.of("localhost", "james.local")) {
            addresses.put(name, List.of(LOOPBACK));
        }
    }

    /** MX hosts of {@code domain}, most preferred first. */
    public FakeDns mx(String domain, String... hosts) {
        mxRecords.put(key(domain), List.of(hosts));
        return this;
    }

    /** {@code host} resolves to 127.0.0.1. */
    public FakeDns loopbackHost(String host) {
        addresses.put(key(host), List.of(LOOPBACK));
        return this;
    }

    @Override
    public Collection<String> findMXRecords(String hostname) {
        return mxRecords.getOrDefault(key(hostname), List.of());
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
        return List.of();
    }

    @Override
    public Collection<InetAddress> getAllByName(String host) throws UnknownHostException {
        List<InetAddress> known = addresses.get(key(host));
        if (known != null) {
            return known;
        }
        if (host.startsWith("127.") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            // An IPv4 literal (also a netmask, as James's NetMatcher asks): parsed, never looked up.
            return List.of(InetAddress.getByName(host));
        }
        throw new UnknownHostException(host + " (the test DNS knows only loopback names)");
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
        return getAllByName(host).iterator().next();
    }

    @Override
    public InetAddress getLocalHost() {
        return LOOPBACK;
    }

    @Override
    public String getHostName(InetAddress address) {
        return address.isLoopbackAddress() ? "localhost" : address.getHostAddress();
    }

    private static String key(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
