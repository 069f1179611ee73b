package dev.jamestls.admin;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.tls.HandshakeFailure;
import dev.jamestls.verify.VerificationOutcome;

/**
 * What one SMTP server did when probed.
 *
 * @param host the host name connected to (MX name or the given host)
 * @param address the address connected to
 * @param port the port
 * @param steps every step, in order
 * @param sessionFailure why no SMTP session was established (connect, greeting, EHLO), if so
 * @param starttlsOffered whether EHLO listed STARTTLS (RFC 3207 §4)
 * @param tlsFailure why TLS was not established although offered (STARTTLS refused, handshake failure), if so
 * @param protocol negotiated protocol, when TLS was established
 * @param cipherSuite negotiated cipher suite, when TLS was established
 * @param presented the server's chain as presented, leaf first; empty without TLS
 * @param verifyOutcome the verification core's outcome for the handshake's own requirement (recorded during the handshake)
 * @param handshakeFailure how the TLS handshake failed, if it did
 * @param sessionOverTls whether the server answered EHLO over TLS (RFC 3207 §4.2), i.e. a mail transaction could start
 */
public record TargetProbe(String host, InetAddress address, int port, List<ProbeStep> steps, Optional<String> sessionFailure,
                          boolean starttlsOffered, Optional<String> tlsFailure, Optional<String> protocol,
                          Optional<String> cipherSuite, List<X509Certificate> presented,
                          Optional<VerificationOutcome> verifyOutcome, Optional<HandshakeFailure> handshakeFailure,
                          boolean sessionOverTls) {
    public TargetProbe {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(address, "address");
        steps = List.copyOf(steps);
        Objects.requireNonNull(sessionFailure, "sessionFailure");
        Objects.requireNonNull(tlsFailure, "tlsFailure");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        presented = List.copyOf(presented);
        Objects.requireNonNull(verifyOutcome, "verifyOutcome");
        Objects.requireNonNull(handshakeFailure, "handshakeFailure");
    }

    public boolean tlsEstablished() {
        return protocol.isPresent();
    }

    /** {@code host [address]:port}. */
    public String label() {
        return host + " [" + address.getHostAddress() + "]:" + port;
    }
}
