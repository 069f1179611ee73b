package dev.jamestls.james;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The JDK's default trust anchors (its cacerts), for partners without their own anchors. */
public final class JdkAnchors {
    private JdkAnchors() {
    }

    public static List<X509Certificate> defaults() {
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
