package dev.jamestls.admin;

import java.util.Objects;

/**
 * One mail exchanger of a domain (RFC 5321 §5.1).
 *
 * @param preference lower is tried first
 * @param host the exchanger's host name, lower case, no trailing dot
 * @param implicit true when the domain has no MX record and its own address records are used (RFC 5321 §5.1)
 */
public record MxHost(int preference, String host, boolean implicit) {
    public MxHost {
        Objects.requireNonNull(host, "host");
        if (preference < 0 || preference > 65535) {
            throw new IllegalArgumentException("MX preference out of range 0..65535: " + preference);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("MX host is empty (a null MX, RFC 7505, is not an exchanger)");
        }
    }
}
