package dev.jamestls.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Reads {@link TlsFacts} off a JSSE session. */
public final class SslSessions {
    private SslSessions() {
    }

    /**
     * Facts of an established session; {@code channel} says how it was entered, {@code peerChain}
     * is the session's {@link #peerChain} (read once by the caller: JSSE answers "none" with an exception).
     */
    public static TlsFacts facts(TlsChannel channel, SSLSession session, List<X509Certificate> peerChain) {
        return TlsFacts.encrypted(channel, session.getProtocol(), session.getCipherSuite(), CertificateFacts.ofChain(peerChain));
    }

    /** The peer's X.509 chain, leaf first; empty when the peer presented none. */
    public static List<X509Certificate> peerChain(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return Arrays.stream(chain)
                .filter(X509Certificate.class::isInstance)
                .map(X509Certificate.class::cast)
                .toList();
        } catch (SSLPeerUnverifiedException e) {
            // RFC 5246 §7.4.6 / RFC 8446 §4.4.2: a client may send no certificate.
            return List.of();
        }
    }
}
