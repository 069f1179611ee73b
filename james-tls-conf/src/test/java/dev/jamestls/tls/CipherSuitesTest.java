package dev.jamestls.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.policy.CipherPreset;

class CipherSuitesTest {
    static Stream<Arguments> suites() {
        return Stream.of(
            Arguments.of("TLS 1.3: forward secret and AEAD by construction", "TLS_AES_128_GCM_SHA256", List.of()),
            Arguments.of("TLS 1.3 ChaCha20", "TLS_CHACHA20_POLY1305_SHA256", List.of()),
            Arguments.of("ECDHE with GCM", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", List.of()),
            Arguments.of("ECDHE with ChaCha20-Poly1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", List.of()),
            Arguments.of("DHE with GCM is forward secret too", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", List.of()),
            Arguments.of("static RSA with GCM: AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256",
                List.of("no forward secrecy (static-RSA key exchange)")),
            Arguments.of("static RSA with CBC: openssl's AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA",
                List.of("no forward secrecy (static-RSA key exchange)", "CBC mode")),
            Arguments.of("ECDHE with CBC", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", List.of("CBC mode")),
            Arguments.of("static ECDH", "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", List.of("no forward secrecy (no ephemeral key exchange)")),
            Arguments.of("a stream cipher is no AEAD", "TLS_ECDHE_RSA_WITH_RC4_128_SHA", List.of("no AEAD cipher")),
            Arguments.of("no encryption at all", "TLS_RSA_WITH_NULL_SHA256",
                List.of("no forward secrecy (static-RSA key exchange)", "no AEAD cipher")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void namesWhatIsWeakAboutASuite(String reason, String suite, List<String> weaknesses) {
        assertThat(CipherSuites.weaknesses(suite)).isEqualTo(weaknesses);
    }

    @Test
    void theModernPresetHasNoWeaknessWhileTheJdkDefaultsHave() throws Exception {
        assertThat(CipherPreset.MODERN.suites()).allSatisfy(suite -> assertThat(CipherSuites.weaknesses(suite)).isEmpty());
        String[] jdkDefault = SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites();
        assertThat(Stream.of(jdkDefault).filter(suite -> !CipherSuites.weaknesses(suite).isEmpty()))
            .as("the JDK default offers what the listeners' <supportedCipherSuites> must leave out").isNotEmpty();
    }
}
