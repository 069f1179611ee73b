package dev.jamestls.tls;

import java.util.ArrayList;
import java.util.List;

/**
 * What is weak about a cipher suite, read from its JSSE name
 * ({@code TLS_<key exchange>_WITH_<cipher>_<mac>}, RFC 5246 Appendix A.5).
 * The seed model is forward secrecy on every connection with an AEAD cipher
 * (RFC 9325 §4.2): TLS 1.3 suites have both by construction (RFC 8446 §2);
 * in TLS 1.2 only ephemeral key exchange (ECDHE, DHE) is forward secret, and
 * CBC mode is the source of padding-oracle attacks (Lucky Thirteen).
 */
public final class CipherSuites {
    private CipherSuites() {
    }

    /** The suite's weaknesses in words, empty for a forward-secret AEAD suite. */
    public static List<String> weaknesses(String suite) {
        if (isTls13(suite)) {
            return List.of();
        }
        List<String> weaknesses = new ArrayList<>();
        if (!suite.startsWith("TLS_ECDHE_") && !suite.startsWith("TLS_DHE_")) {
            weaknesses.add(suite.startsWith("TLS_RSA_")
                ? "no forward secrecy (static-RSA key exchange)"
                : "no forward secrecy (no ephemeral key exchange)");
        }
        if (suite.contains("_CBC_")) {
            weaknesses.add("CBC mode");
        } else if (!suite.contains("_GCM_") && !suite.contains("_CHACHA20_POLY1305_") && !suite.contains("_CCM")) {
            weaknesses.add("no AEAD cipher");
        }
        return List.copyOf(weaknesses);
    }

    /** RFC 8446 §B.4: TLS 1.3 suites name only the AEAD and the hash. */
    private static boolean isTls13(String suite) {
        return !suite.contains("_WITH_") && (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_"));
    }
}
