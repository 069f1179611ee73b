package dev.jamestls.tls;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * TLS protocol versions in ascending order, spelt as JSSE names them
 * ({@code SSLSession#getProtocol()}). TLS 1.0 and 1.1 are known so that a peer
 * using them can be named and refused (RFC 8996), never so they can be allowed.
 */
public enum TlsProtocol {
    TLS_1_0("TLSv1"),
    TLS_1_1("TLSv1.1"),
    TLS_1_2("TLSv1.2"),
    TLS_1_3("TLSv1.3");

    /** RFC 8996: the lowest version any rule may require or allow. */
    public static final TlsProtocol LOWEST_ACCEPTABLE = TLS_1_2;

    private static final TlsProtocol[] VALUES = values();

    private final String jsseName;

    TlsProtocol(String jsseName) {
        this.jsseName = jsseName;
    }

    public String jsseName() {
        return jsseName;
    }

    public boolean isAtLeast(TlsProtocol other) {
        return compareTo(other) >= 0;
    }

    /** The JSSE name of a negotiated session, if it is one of ours ("NONE" and SSLv3 are not). */
    public static Optional<TlsProtocol> fromJsseName(String name) {
        for (TlsProtocol protocol : VALUES) {
            if (protocol.jsseName.equals(name)) {
                return Optional.of(protocol);
            }
        }
        return Optional.empty();
    }

    /**
     * Strict parse of a configured value: the JSSE spelling ({@code TLSv1.2}), case-insensitive.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static TlsProtocol parse(String value) {
        String trimmed = value == null ? "" : value.trim();
        return Arrays.stream(values())
            .filter(p -> p.jsseName.toLowerCase(Locale.ROOT).equals(trimmed.toLowerCase(Locale.ROOT)))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException(
                "unknown TLS protocol '" + value + "'; accepted: " + acceptedNames()));
    }

    public static String acceptedNames() {
        return Arrays.stream(values()).map(TlsProtocol::jsseName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return jsseName;
    }
}
