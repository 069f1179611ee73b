package dev.jamestls.policy;

import dev.jamestls.tls.TlsProtocol;

/** RFC 8996: TLS 1.0 and 1.1 can never be a configured minimum. */
public final class MinimumProtocols {
    private MinimumProtocols() {
    }

    /**
     * Parses a configured minimum protocol.
     *
     * @throws IllegalArgumentException for unknown names and for TLS 1.0/1.1
     */
    public static TlsProtocol parse(String value) {
        return require(TlsProtocol.parse(value));
    }

    public static TlsProtocol require(TlsProtocol protocol) {
        if (!protocol.isAtLeast(TlsProtocol.LOWEST_ACCEPTABLE)) {
            throw new IllegalArgumentException("minimum protocol " + protocol.jsseName()
                + " is not allowed (RFC 8996 deprecates TLS 1.0 and 1.1); accepted: TLSv1.2, TLSv1.3");
        }
        return protocol;
    }
}
