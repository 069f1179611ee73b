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
 */
public record InboundSession(TlsFacts facts, List<X509Certificate> peerChain, InetAddress clientAddress) {
    public InboundSession {
        Objects.requireNonNull(facts, "facts");
        peerChain = List.copyOf(peerChain);
        Objects.requireNonNull(clientAddress, "clientAddress");
    }
}
