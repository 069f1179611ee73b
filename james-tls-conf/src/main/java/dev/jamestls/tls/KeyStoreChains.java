package dev.jamestls.tls;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server key material of a key store as James's {@code <tls>} names it ({@code <keystore>},
 * {@code <keystoreType>}, {@code <secret>}), read the one same way by the listeners, the expiry watch,
 * {@code check} and {@code facts}.
 */
public final class KeyStoreChains {
    private KeyStoreChains() {
    }

    /** Loads a key store of {@code type} ({@code JKS}, {@code PKCS12}) from {@code in}. */
    public static KeyStore load(InputStream in, String type, char[] secret) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        store.load(in, secret);
        return store;
    }

    /**
     * The certificate chain of every private key entry, by alias in the store's order, leaf first as stored; entries
     * without an X.509 chain (secret keys, trusted certificates) are left out.
     */
    public static Map<String, List<X509Certificate>> keyEntryChains(KeyStore store) throws KeyStoreException {
        Map<String, List<X509Certificate>> chains = new LinkedHashMap<>();
        for (String alias : Collections.list(store.aliases())) {
            Certificate[] chain = store.isKeyEntry(alias) ? store.getCertificateChain(alias) : null;
            if (chain != null && chain.length > 0 && Arrays.stream(chain).allMatch(X509Certificate.class::isInstance)) {
                chains.put(alias, Arrays.stream(chain).map(X509Certificate.class::cast).toList());
            }
        }
        return chains;
    }
}
