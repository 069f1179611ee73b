package dev.jamestls.verify;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The JDK's default trust anchors ({@code cacerts}, or {@code javax.net.ssl.trustStore} when set):
 * what chains are checked against when no anchor file is configured.
 */
public final class JdkTrustAnchors {
    private JdkTrustAnchors() {
    }

    /** Whether {@code certificate} is one of the JVM's anchors, compared by content (SHA-256 of its encoding). */
    public static boolean contains(X509Certificate certificate) {
        return Digests.SET.contains(digest(certificate));
    }

    private static final class Digests {
        static final Set<String> SET = certificates().stream().map(JdkTrustAnchors::digest).collect(Collectors.toUnmodifiableSet());
    }

    private static String digest(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 of a certificate: " + e.getMessage(), e);
        }
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
