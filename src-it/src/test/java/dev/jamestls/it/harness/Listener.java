package dev.jamestls.it.harness;

import java.util.Objects;

/**
 * One SMTP listener of the test James.
 *
 * @param name identifies it in the test (and becomes its JMX name)
 * @param tls how clients get TLS on it
 * @param requireClientCertificate James's {@code <clientAuth>}: a certificate
 *     trusted by the test root is required on every TLS session
 * @param certificateWanted served by our certificate-wanted listener instead of James's
 */
public record Listener(String name, Tls tls, boolean requireClientCertificate, boolean certificateWanted) {

    public enum Tls { NONE, STARTTLS, IMPLICIT }

    public Listener {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tls, "tls");
        if ((requireClientCertificate || certificateWanted) && tls == Tls.NONE) {
            throw new IllegalArgumentException("a listener without TLS cannot ask for a client certificate");
        }
        if (requireClientCertificate && certificateWanted) {
            throw new IllegalArgumentException("a listener either requires or wants a client certificate");
        }
    }

    public static Listener startTls(String name) {
        return new Listener(name, Tls.STARTTLS, false, false);
    }

    public static Listener implicitTls(String name) {
        return new Listener(name, Tls.IMPLICIT, false, false);
    }

    public static Listener plain(String name) {
        return new Listener(name, Tls.NONE, false, false);
    }

    public Listener requiringClientCertificate() {
        return new Listener(name, tls, true, false);
    }

    /**
     * Served by james-tls's certificate-wanted listener ({@code conf/tls-smtpserver.xml},
     * {@code CertificateWantedSmtpModule}): asks for a client certificate, does not require one.
     */
    public Listener wantingClientCertificate() {
        return new Listener(name, tls, false, true);
    }
}
