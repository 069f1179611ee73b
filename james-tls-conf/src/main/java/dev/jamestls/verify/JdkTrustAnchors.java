package dev.jamestls.verify;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The JDK's default trust anchors ({@code cacerts}, or {@code javax.net.ssl.trustStore} when set):
 * what chains are checked against when no anchor file is configured.
 */
public final class JdkTrustAnchors {
    private JdkTrustAnchors() {
    }

    public static List<X509Certificate> certificates() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return Arrays.stream(factory.getTrustManagers())
                .filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast)
                .flatMap(manager -> Arrays.stream(manager.getAcceptedIssuers()))
                .toList();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's default trust anchors cannot be read", e);
        }
    }
}
