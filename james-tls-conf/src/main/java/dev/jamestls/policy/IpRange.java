package dev.jamestls.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 CIDR range ({@code 192.0.2.0/24}, {@code 2001:db8::/32}; a bare
 * address is a /32 or /128). A network address with host bits set is an error:
 * {@code 192.0.2.1/24} is almost always a typo for a single host or for {@code .0/24}.
 *
 * @param network the network address bytes (4 or 16)
 * @param prefixLength the number of network bits
 */
public record IpRange(byte[] network, int prefixLength) {

    public IpRange {
        Objects.requireNonNull(network, "network");
        network = network.clone();
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("an IP network has 4 or 16 bytes, not " + network.length);
        }
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range 0.." + network.length * 8);
        }
    }

    /**
     * Parses CIDR notation. Only numeric addresses are accepted: no name is ever resolved.
     *
     * @throws IllegalArgumentException naming the value and the problem
     */
    public static IpRange parse(String value) {
        String trimmed = value == null ? "" : value.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = numericAddress(address);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP range '" + value
                + "'; accepted: IPv4 or IPv6 CIDR such as 192.0.2.0/24 or 2001:db8::/32");
        }
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            String digits = trimmed.substring(slash + 1);
            if (!digits.matches("\\d{1,3}") || Integer.parseInt(digits) > bytes.length * 8) {
                throw new IllegalArgumentException("not an IP range '" + value + "': prefix length must be 0.." + bytes.length * 8);
            }
            prefix = Integer.parseInt(digits);
        }
        byte[] masked = mask(bytes, prefix);
        if (!Arrays.equals(masked, bytes)) {
            throw new IllegalArgumentException("IP range '" + value + "' has host bits set; did you mean "
                + format(masked) + "/" + prefix + "?");
        }
        return new IpRange(bytes, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        return candidate.length == network.length && Arrays.equals(mask(candidate, prefixLength), network);
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpRange range && range.prefixLength == prefixLength && Arrays.equals(range.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefixLength;
    }

    /** A numeric IPv4 or IPv6 address, or null; never a DNS lookup. */
    public static byte[] numericAddress(String text) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.contains(":")) {
            if (!text.matches("[0-9A-Fa-f:.]+")) {
                return null;
            }
        } else if (!text.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            return null;
        }
        try {
            // Numeric literal: getByName does not query DNS for it.
            byte[] bytes = InetAddress.getByName(text).getAddress();
            if (!text.contains(":")) {
                for (String part : text.split("\\.")) {
                    if (Integer.parseInt(part) > 255) {
                        return null;
                    }
                }
            }
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] result = address.clone();
        for (int i = 0; i < result.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            result[i] = (byte) (result[i] & (0xff << (8 - bits)));
        }
        return result;
    }

    private static String format(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
