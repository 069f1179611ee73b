package dev.jamestls.admin;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

import dev.jamestls.policy.IpRange;

/**
 * DNS over the JDK's JNDI DNS provider ({@code jdk.naming.dns}): MX, A and AAAA queries to one
 * given server ({@code 127.0.0.1:5353}) or, without one, to the servers of the system's resolver
 * configuration. No library needed; timeouts per query.
 */
public final class JndiResolver implements Resolver {
    private static final String FACTORY = "com.sun.jndi.dns.DnsContextFactory";

    private final Optional<String> server;
    private final Duration timeout;

    private JndiResolver(Optional<String> server, Duration timeout) {
        this.server = server;
        this.timeout = timeout;
    }

    /** The system's DNS servers. */
    public static JndiResolver system(Duration timeout) {
        return new JndiResolver(Optional.empty(), timeout);
    }

    /**
     * One DNS server, {@code address:port} with a numeric address (no lookup is needed to reach it).
     *
     * @throws IllegalArgumentException naming the value and the accepted form
     */
    public static JndiResolver server(String addressAndPort, Duration timeout) {
        String[] parts = addressAndPort(addressAndPort);
        String host = parts[0].contains(":") ? "[" + parts[0] + "]" : parts[0];
        return new JndiResolver(Optional.of(host + ":" + parts[1]), timeout);
    }

    /**
     * {@code address:port} with a numeric address, as {@link #server} takes it, for other resolvers.
     *
     * @throws IllegalArgumentException naming the value and the accepted form
     */
    public static InetSocketAddress socketAddress(String addressAndPort) {
        String[] parts = addressAndPort(addressAndPort);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(IpRange.numericAddress(parts[0])), Integer.parseInt(parts[1]));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a numeric address of " + IpRange.numericAddress(parts[0]).length + " octets", e);
        }
    }

    /** The address (without brackets) and the port (default 53). */
    private static String[] addressAndPort(String addressAndPort) {
        int colon = addressAndPort.lastIndexOf(':');
        String address = colon < 0 ? addressAndPort : addressAndPort.substring(0, colon);
        String port = colon < 0 ? "53" : addressAndPort.substring(colon + 1);
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        if (IpRange.numericAddress(address) == null || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535
            || Integer.parseInt(port) == 0) {
            throw new IllegalArgumentException("DNS server '" + addressAndPort + "' is not address:port; accepted: 127.0.0.1:53, [::1]:5353");
        }
        return new String[] {address, port};
    }

    @Override
    public String describe() {
        return server.map(s -> "DNS server " + s).orElse("the system's DNS servers");
    }

    @Override
    public List<MxHost> mx(String domain) throws AdminException {
        Attributes attributes = query(domain, "MX");
        List<MxHost> hosts = new ArrayList<>();
        Attribute mx = attributes.get("MX");
        if (mx != null) {
            try {
                NamingEnumeration<?> values = mx.getAll();
                while (values.hasMore()) {
                    String value = String.valueOf(values.next()).trim();
                    String[] parts = value.split("\\s+");
                    if (parts.length != 2 || !parts[0].matches("[0-9]{1,5}")) {
                        throw new AdminException("MX record of " + domain + " is not 'preference host': '" + value + "'");
                    }
                    String host = hostName(parts[1]);
                    if (host.isEmpty()) {
                        // RFC 7505 §3: a single MX of "." means the domain accepts no mail.
                        throw new AdminException(domain + " publishes a null MX (RFC 7505): it accepts no mail");
                    }
                    hosts.add(new MxHost(Integer.parseInt(parts[0]), host, false));
                }
            } catch (NamingException e) {
                throw new AdminException("MX lookup of " + domain + " via " + describe() + " failed: " + e.getMessage(), e);
            }
        }
        if (hosts.isEmpty()) {
            // RFC 5321 §5.1: no MX, the domain's own address records are the implicit MX.
            if (addresses(domain).isEmpty()) {
                throw new AdminException(domain + " has no MX and no address record");
            }
            return List.of(new MxHost(0, hostName(domain), true));
        }
        hosts.sort(Comparator.comparingInt(MxHost::preference));
        return List.copyOf(hosts);
    }

    @Override
    public List<InetAddress> addresses(String host) throws AdminException {
        if (server.isEmpty()) {
            try {
                return List.of(InetAddress.getAllByName(host));
            } catch (UnknownHostException e) {
                throw new AdminException("no address for " + host + ": " + e.getMessage(), e);
            }
        }
        List<InetAddress> result = new ArrayList<>();
        // One query per type: a query for several types is sent as ANY, which servers may answer minimally (RFC 8482).
        for (String type : List.of("A", "AAAA")) {
            Attribute attribute = query(host, type).get(type);
            if (attribute == null) {
                continue;
            }
            try {
                NamingEnumeration<?> values = attribute.getAll();
                while (values.hasMore()) {
                    String literal = String.valueOf(values.next()).trim();
                    byte[] bytes = IpRange.numericAddress(literal);
                    if (bytes == null) {
                        throw new AdminException(type + " record of " + host + " is not an address: '" + literal + "'");
                    }
                    result.add(InetAddress.getByAddress(host, bytes));
                }
            } catch (NamingException | UnknownHostException e) {
                throw new AdminException(type + " lookup of " + host + " via " + describe() + " failed: " + e.getMessage(), e);
            }
        }
        return List.copyOf(result);
    }

    private Attributes query(String name, String type) throws AdminException {
        Hashtable<String, String> environment = new Hashtable<>();
        environment.put(Context.INITIAL_CONTEXT_FACTORY, FACTORY);
        environment.put(Context.PROVIDER_URL, server.map(s -> "dns://" + s).orElse("dns:"));
        environment.put("com.sun.jndi.dns.timeout.initial", String.valueOf(Math.max(1, timeout.toMillis())));
        environment.put("com.sun.jndi.dns.timeout.retries", "1");
        DirContext context = null;
        try {
            context = new InitialDirContext(environment);
            return context.getAttributes(name.endsWith(".") ? name : name + ".", new String[] {type});
        } catch (NameNotFoundException e) {
            throw new AdminException(name + " does not exist (NXDOMAIN from " + describe() + ")", e);
        } catch (NamingException e) {
            throw new AdminException(type + " lookup of " + name + " via " + describe() + " failed: "
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } finally {
            if (context != null) {
                try {
                    context.close();
                } catch (NamingException e) {
                    // Closing a DNS context releases nothing that could fail visibly.
                }
            }
        }
    }

    private static String hostName(String name) {
        String value = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return value.toLowerCase(Locale.ROOT);
    }
}
