package dev.jamestls.james.attributes;

import dev.jamestls.tls.Spelled;

/** Who, if anyone, verified the client certificate of the session a mail arrived on. */
public enum ClientVerification implements Spelled {
    /** The client presented no certificate. */
    NONE,
    /**
     * The listener's own TLS configuration required and verified the certificate
     * (James's {@code <clientAuth>} trust store): JSSE accepted the chain.
     */
    LISTENER,
    /**
     * A certificate was presented on a listener that asks for one without
     * requiring it; JSSE did not judge it. Partner rules verify it themselves.
     */
    UNVERIFIED;

    public static ClientVerification parse(String value) {
        return Spelled.parse(ClientVerification.class, "client verification", value);
    }
}
