package dev.jamestls.inbound;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import dev.jamestls.tls.TlsFacts;

/**
 * What the evaluator knows of the SMTP session.
 *
 * @param facts TLS facts of the session as it is now
 * @param peerChain the client's certificates (leaf first) as presented, empty when none
 * @param clientAddress the connecting client's IP address
 * @param sessionId names the session in replies and log lines, so a short reply leads to the full detail
 */
public record InboundSession(TlsFacts facts, List<X509Certificate> peerChain, InetAddress clientAddress, String sessionId) {
    public InboundSession {
        Objects.requireNonNull(facts, "facts");
        peerChain = List.copyOf(peerChain);
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(sessionId, "sessionId");
    }
}
