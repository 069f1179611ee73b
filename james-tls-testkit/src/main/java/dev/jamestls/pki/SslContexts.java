package dev.jamestls.pki;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** JSSE contexts from generated material: a key (optional) and the anchors to trust. */
public final class SslContexts {
    private static final char[] TRANSIENT_PASSWORD = "transient".toCharArray();

    private SslContexts() {
    }

    /**
     * A TLS context presenting {@code identity} (when present, leaf and
     * intermediates without the root) and trusting
     * exactly {@code trustAnchors} (the JDK's default anchors when empty).
     */
    public static SSLContext context(Optional<IssuedCertificate> identity, List<X509Certificate> trustAnchors) {
        try {
            KeyManagerFactory keyManagers = null;
            if (identity.isPresent()) {
                keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                // Present the chain without its root, as TLS peers normally do (RFC 8446 §4.4.2).
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("identity", identity.get().keyPair().getPrivate(), TRANSIENT_PASSWORD,
                    identity.get().presentedChain().toArray(java.security.cert.Certificate[]::new));
                keyManagers.init(store, TRANSIENT_PASSWORD);
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trustAnchors.isEmpty() ? null : PemFiles.trustStore(trustAnchors));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build TLS context", e);
        }
    }

    public static KeyStore keyStore(IssuedCertificate identity, String alias, char[] password) {
        return PemFiles.pkcs12(identity, alias, password);
    }
}
