package dev.jamestls.pki;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** JSSE contexts and PKCS#12 stores from generated material: a key (optional) and the anchors to trust. */
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
                keyManagers.init(keyEntry(identity.get(), identity.get().presentedChain(), "identity", TRANSIENT_PASSWORD),
                    TRANSIENT_PASSWORD);
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trustAnchors.isEmpty() ? null : trustStore(trustAnchors));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build TLS context", e);
        }
    }

    /** A PKCS#12 key store holding one key entry with its full chain. */
    public static KeyStore keyStore(IssuedCertificate identity, String alias, char[] password) {
        try {
            return keyEntry(identity, identity.fullChain(), alias, password);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build PKCS#12 store for " + alias, e);
        }
    }

    private static KeyStore keyEntry(IssuedCertificate identity, List<X509Certificate> chain, String alias, char[] password)
        throws GeneralSecurityException, java.io.IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(alias, identity.keyPair().getPrivate(), password, chain.toArray(java.security.cert.Certificate[]::new));
        return store;
    }

    /** A PKCS#12 trust store holding the given certificates as trusted entries. */
    public static KeyStore trustStore(List<X509Certificate> anchors) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int index = 0;
            for (X509Certificate anchor : anchors) {
                store.setCertificateEntry("anchor-" + index++, anchor);
            }
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build trust store", e);
        }
    }
}
