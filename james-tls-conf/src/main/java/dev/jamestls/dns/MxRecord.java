package dev.jamestls.dns;

import java.util.Objects;

/**
 * One MX record (RFC 5321 §5.1).
 *
 * @param preference lower is tried first
 * @param exchange the host name, without the trailing dot; {@code "."} for the root (RFC 7505 null MX)
 */
public record MxRecord(int preference, String exchange) {
    public MxRecord {
        Objects.requireNonNull(exchange, "exchange");
        if (preference < 0 || preference > 65535) {
            throw new IllegalArgumentException("MX preference " + preference + " out of range 0..65535");
        }
    }
}
