package dev.jamestls.admin;

import java.net.InetAddress;
import java.util.List;

/** The DNS lookups a probe needs. Injected so that tests answer from a loopback stub. */
public interface Resolver {
    /**
     * The mail exchangers of {@code domain}, lowest preference first; the domain itself as an implicit MX
     * when it has address records but no MX (RFC 5321 §5.1).
     *
     * @throws AdminException when the domain does not exist, publishes a null MX (RFC 7505), or DNS fails
     */
    List<MxHost> mx(String domain) throws AdminException;

    /** The IPv4 and IPv6 addresses of {@code host}. */
    List<InetAddress> addresses(String host) throws AdminException;

    /** Where the answers come from, printable. */
    String describe();
}
