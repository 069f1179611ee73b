package dev.jamestls.james.listener;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS-layer trust manager of the certificate-wanted listener: it lets any
 * presented client chain complete the handshake (its sessions are marked as the
 * listener's by {@link AskingListenerContext}, so the chain is reported as
 * unverified). This is identification, not trust: no
 * rule ever trusts a chain because of this class; {@code InboundTlsPolicyHook}
 * verifies it against the connector's requirement (anchors, names, issuer,
 * pins, revocation) before anything is granted.
 */
final class RecordingClientTrustManager extends X509ExtendedTrustManager {
    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // Recorded, not judged: the partner rules verify the chain.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // Recorded, not judged: the partner rules verify the chain.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // Recorded, not judged: the partner rules verify the chain.
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("this trust manager only serves the server side of the certificate-wanted listener");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("this trust manager only serves the server side of the certificate-wanted listener");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager only serves the server side of the certificate-wanted listener");
    }

    /** An empty certificate_authorities list: clients may offer any certificate (RFC 8446 §4.2.4). */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }
}
