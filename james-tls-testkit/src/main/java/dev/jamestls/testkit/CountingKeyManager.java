package dev.jamestls.testkit;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

import dev.jamestls.pki.IssuedCertificate;

/**
 * A client's key manager presenting one identity (its chain as presented, without the root) and counting
 * how often a handshake asked for a certificate: a resumed TLS session (RFC 8446 §2.2, RFC 5077) asks for
 * none, so the count tells a full handshake from a resumption.
 */
public final class CountingKeyManager extends X509ExtendedKeyManager {
    private static final char[] TRANSIENT = "transient".toCharArray();

    private final X509KeyManager delegate;
    private final AtomicInteger choices = new AtomicInteger();

    public CountingKeyManager(IssuedCertificate identity) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", identity.keyPair().getPrivate(), TRANSIENT,
                identity.presentedChain().toArray(java.security.cert.Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, TRANSIENT);
            delegate = (X509KeyManager) factory.getKeyManagers()[0];
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the client's key manager", e);
        }
    }

    /** How many handshakes asked for the client's certificate. */
    public int choices() {
        return choices.get();
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        choices.incrementAndGet();
        return delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        choices.incrementAndGet();
        return delegate.chooseClientAlias(keyType, issuers, null);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate.getPrivateKey(alias);
    }
}
