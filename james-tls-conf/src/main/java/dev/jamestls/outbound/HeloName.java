package dev.jamestls.outbound;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.IpRange;

/**
 * The name we give in EHLO. RFC 5321 §4.1.1.1: the client's fully-qualified domain name, or an address literal
 * when it has none.
 * <p>
 * Without a configured name we take this host's name. When the host has no usable name, that is an error at
 * startup, not a silent {@code localhost}: James's own RemoteDelivery falls back to {@code localhost}, but many
 * receivers refuse that greeting permanently (Postfix {@code reject_non_fqdn_helo_hostname}: 504 5.5.2), so every
 * mail would bounce for a reason the administrator only finds in the DSNs. This host's name does not change while
 * James runs, so the error at init is as good as one at every delivery, and the fix is one parameter.
 */
public final class HeloName {
    static final String ACCEPTED = "accepted: heloName set to the fully-qualified domain name this server's outbound address has in DNS, "
        + "e.g. mx.example.com (RFC 5321 §4.1.1.1)";

    /** This host's name, as DNS gives it: a name, or its address in text when there is no reverse name. */
    @FunctionalInterface
    public interface LocalHostName {
        String get() throws UnknownHostException;
    }

    private HeloName() {
    }

    /**
     * @param configured the {@code heloName} parameter; empty or blank means not set
     * @param localHost asked only when nothing is configured
     * @throws IllegalArgumentException when nothing is configured and this host has no fully-qualified name
     */
    public static String choose(Optional<String> configured, LocalHostName localHost) {
        Optional<String> set = configured.map(String::strip).filter(value -> !value.isEmpty());
        if (set.isPresent()) {
            return set.get();
        }
        String name;
        try {
            name = localHost.get();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("heloName is not set and this host's name is unknown (" + e.getMessage() + "); " + ACCEPTED, e);
        }
        byte[] numeric = IpRange.numericAddress(name);
        if (numeric != null) {
            try {
                return addressLiteral(InetAddress.getByAddress(numeric));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("numericAddress gives 4 or 16 bytes", e);
            }
        }
        Optional<DomainName> domain = DomainName.tryParse(name);
        if (domain.isEmpty() || domain.get().labelCount() < 2 || isLocalhost(domain.get())) {
            throw new IllegalArgumentException("heloName is not set and this host's name '" + name
                + "' is not a fully-qualified domain name; " + ACCEPTED);
        }
        return domain.get().ascii();
    }

    /** RFC 5321 §4.1.3: an address where a domain is expected, IPv6 tagged. */
    public static String addressLiteral(InetAddress address) {
        return address instanceof Inet6Address ? "[IPv6:" + address.getHostAddress() + "]" : "[" + address.getHostAddress() + "]";
    }

    // RFC 6761 §6.3 (localhost and the names below it), and the localhost.localdomain of many /etc/hosts files.
    private static boolean isLocalhost(DomainName name) {
        String ascii = name.ascii();
        return ascii.equals("localhost") || ascii.endsWith(".localhost") || ascii.startsWith("localhost.");
    }
}
