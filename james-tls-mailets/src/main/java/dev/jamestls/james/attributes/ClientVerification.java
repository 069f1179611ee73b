package dev.jamestls.james.attributes;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Who, if anyone, verified the client certificate of the session a mail arrived on. */
public enum ClientVerification {
    /** The client presented no certificate. */
    NONE("none"),
    /**
     * The listener's own TLS configuration required and verified the certificate
     * (James's {@code <clientAuth>} trust store): JSSE accepted the chain.
     */
    LISTENER("listener"),
    /**
     * A certificate was presented on a listener that asks for one without
     * requiring it; JSSE did not judge it. Partner rules verify it themselves.
     */
    UNVERIFIED("unverified");

    private final String spelling;

    ClientVerification(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    public static ClientVerification parse(String value) {
        return Arrays.stream(values())
            .filter(v -> v.spelling.equals(value))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("unknown client verification '" + value + "'; accepted: "
                + Arrays.stream(values()).map(ClientVerification::spelling).collect(Collectors.joining(", "))));
    }
}
