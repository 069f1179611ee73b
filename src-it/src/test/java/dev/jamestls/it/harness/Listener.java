package dev.jamestls.it.harness;

import java.util.Objects;

/**
 * One SMTP listener of the test James.
 *
 * @param name identifies it in the test (and becomes its JMX name)
 * @param tls how clients get TLS on it
 * @param requireClientCertificate James's {@code <clientAuth>}: a certificate
 *     trusted by the test root is required on every TLS session
 */
public record Listener(String name, Tls tls, boolean requireClientCertificate) {

    public enum Tls { NONE, STARTTLS, IMPLICIT }

    public Listener {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tls, "tls");
        if (requireClientCertificate && tls == Tls.NONE) {
            throw new IllegalArgumentException("a listener without TLS cannot require a client certificate");
        }
    }

    public static Listener startTls(String name) {
        return new Listener(name, Tls.STARTTLS, false);
    }

    public static Listener implicitTls(String name) {
        return new Listener(name, Tls.IMPLICIT, false);
    }

    public static Listener plain(String name) {
        return new Listener(name, Tls.NONE, false);
    }

    public Listener requiringClientCertificate() {
        return new Listener(name, tls, true);
    }
}
