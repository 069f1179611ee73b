package dev.jamestls.policy;

import java.util.List;

import dev.jamestls.tls.Spelled;

/**
 * Named cipher-suite presets, as JSSE suite names in preference order (the
 * OkHttp {@code ConnectionSpec} idea). TLS 1.3 suites are forward secret by
 * construction (RFC 8446 §2); the TLS 1.2 ones listed here all use (EC)DHE.
 */
public enum CipherPreset implements Spelled {
    /** AEAD with forward secrecy only: TLS 1.3 suites and ECDHE with AES-GCM or ChaCha20-Poly1305. */
    MODERN(List.of(
        "TLS_AES_256_GCM_SHA384",
        "TLS_AES_128_GCM_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")),
    /** The default (SPEC §1.3): every forward-secret suite, adding DHE and CBC-mode ECDHE for older peers. */
    FORWARD_SECRET(concat(MODERN.suites, List.of(
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"))),
    /**
     * Forward-secret suites first, then static-RSA AES suites for partners that have nothing
     * better. Meant for a narrow, expiring exception rule (SPEC §2), never for defaults.
     */
    COMPATIBLE(concat(FORWARD_SECRET.suites, List.of(
        "TLS_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_CBC_SHA256",
        "TLS_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_RSA_WITH_AES_256_CBC_SHA",
        "TLS_RSA_WITH_AES_128_CBC_SHA")));

    private final List<String> suites;

    CipherPreset(List<String> suites) {
        this.suites = List.copyOf(suites);
    }

    /** JSSE cipher suite names in preference order. */
    public List<String> suites() {
        return suites;
    }

    public static CipherPreset parse(String value) {
        return Spelled.parse(CipherPreset.class, "cipher preset", value);
    }

    public static String accepted() {
        return Spelled.accepted(CipherPreset.class);
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
    }

    @Override
    public String toString() {
        return spelling();
    }
}
