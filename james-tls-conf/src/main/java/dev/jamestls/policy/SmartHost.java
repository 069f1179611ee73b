package dev.jamestls.policy;

import java.util.Objects;

/**
 * A relay host that takes the place of MX lookup, written as Postfix does:
 * {@code [mail.partner.example]:587} (brackets mean: no MX lookup), port 25 when omitted.
 *
 * @param host the host name, normalised
 * @param port the TCP port
 */
public record SmartHost(DomainName host, int port) {
    public static final int SMTP_PORT = 25;

    public SmartHost {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range 1..65535");
        }
    }

    /**
     * Parses {@code [host]} or {@code [host]:port}.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static SmartHost parse(String value) {
        String trimmed = value == null ? "" : value.trim();
        int close = trimmed.indexOf(']');
        if (!trimmed.startsWith("[") || close < 0) {
            throw new IllegalArgumentException("not a smart host '" + value + "'; accepted: [host] or [host]:port");
        }
        String host = trimmed.substring(1, close);
        String rest = trimmed.substring(close + 1);
        int port = SMTP_PORT;
        if (!rest.isEmpty()) {
            if (!rest.matches(":\\d{1,5}")) {
                throw new IllegalArgumentException("not a smart host '" + value + "'; accepted: [host] or [host]:port");
            }
            port = Integer.parseInt(rest.substring(1));
        }
        try {
            return new SmartHost(DomainName.parse(host), port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a smart host '" + value + "': " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "[" + host + "]:" + port;
    }
}
