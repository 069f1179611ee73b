package dev.jamestls.tlsrpt;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which {@code https:} report destinations may be POSTed to. A {@code rua} is published by the domain a report is
 * about (RFC 8460 §3), so it is the remote domain's choice: without a rule, a published
 * {@code https://127.0.0.1:8000/...} or a name that resolves to an internal address would make James POST to its own
 * WebAdmin or to another service of the internal network (RFC 8460 §7 asks senders to weigh such abuse).
 *
 * <p>{@link #PUBLIC_ONLY}, the default: the port is 443 (or absent), and every address the host name resolves to is a
 * public unicast address: not unspecified, loopback, private (RFC 1918, RFC 4193 ULA), shared (RFC 6598), link-local
 * (RFC 3927, including cloud metadata at 169.254.169.254; RFC 4291 fe80::/10), site-local or multicast. The check is on
 * the resolved addresses, not the name. A name that rebinds to an internal address between this check and the connection
 * gets no report either: the POST follows a TLS handshake that validates the name (RFC 6125), which an internal server
 * cannot do for a name the remote domain chose. {@link #ANY} (an administrator's opt-in for tests and intranets) lets
 * any destination through.
 */
public final class ReportDestinations {
    /** RFC 8460 §5.4 posts over HTTPS: its default port. Another port is refused by {@link #PUBLIC_ONLY}. */
    public static final int HTTPS_PORT = 443;

    /** How a host name becomes addresses. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    /** The system resolver. */
    public static final Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
    /** Only port 443 of public addresses, resolved by the system. */
    public static final ReportDestinations PUBLIC_ONLY = new ReportDestinations(Optional.of(SYSTEM));
    /** Any destination (opt-in). */
    public static final ReportDestinations ANY = new ReportDestinations(Optional.empty());

    private final Optional<Resolver> resolver;

    private ReportDestinations(Optional<Resolver> resolver) {
        this.resolver = resolver;
    }

    /** Only port 443 of public addresses, resolved by {@code resolver} (tests). */
    public static ReportDestinations publicOnly(Resolver resolver) {
        return new ReportDestinations(Optional.of(Objects.requireNonNull(resolver, "resolver")));
    }

    /** Why {@code endpoint} gets no report: a permanent or temporary outcome; empty when it may be posted to. */
    public Optional<ReportSending.Outcome> refusal(URI endpoint) {
        if (resolver.isEmpty()) {
            return Optional.empty();
        }
        if (endpoint.getPort() != -1 && endpoint.getPort() != HTTPS_PORT) {
            return Optional.of(ReportSending.Outcome.refused("port " + endpoint.getPort() + " is not " + HTTPS_PORT
                + " (destinations other than public HTTPS servers are refused)"));
        }
        String host = endpoint.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        List<InetAddress> addresses;
        try {
            addresses = resolver.get().resolve(host);
        } catch (UnknownHostException e) {
            return Optional.of(ReportSending.Outcome.failed("host name " + host + " does not resolve"));
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                return Optional.of(ReportSending.Outcome.refused(host + " resolves to " + address.getHostAddress()
                    + ", not a public address (destinations other than public HTTPS servers are refused)"));
            }
        }
        if (addresses.isEmpty()) {
            return Optional.of(ReportSending.Outcome.failed("host name " + host + " has no address"));
        }
        return Optional.empty();
    }

    /** Whether {@code address} is public unicast (see the class comment). */
    public static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
            || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        if (address instanceof Inet4Address) {
            return first != 0 // RFC 1122 §3.2.1.3: "this network"
                && !(first == 100 && second >= 64 && second < 128) // RFC 6598 shared address space
                && !(first == 255 && second == 255); // RFC 919 limited broadcast
        }
        if (address instanceof Inet6Address) {
            return (first & 0xfe) != 0xfc // RFC 4193 unique local fc00::/7
                && !isMappedOrCompatible(bytes);
        }
        return false;
    }

    /** ::ffff:0:0/96 (RFC 4291 §2.5.5.2) or ::/96, which the JDK does not turn into IPv4: refused, whatever they embed. */
    private static boolean isMappedOrCompatible(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return (bytes[10] == 0 && bytes[11] == 0) || (bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff);
    }
}
