package dev.jamestls.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TlsProtocolTest {
    @ParameterizedTest
    @CsvSource({"TLSv1.2,TLS_1_2", "tlsv1.3,TLS_1_3", "' TLSv1.1 ',TLS_1_1", "TLSv1,TLS_1_0"})
    void parsesJsseSpellingCaseInsensitively(String input, TlsProtocol expected) {
        assertThat(TlsProtocol.parse(input)).isEqualTo(expected);
    }

    @Test
    void unknownProtocolNamesTheValueAndTheAcceptedOnes() {
        assertThatThrownBy(() -> TlsProtocol.parse("TLSv9"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("unknown TLS protocol 'TLSv9'; accepted: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3");
    }

    @Test
    void ordersVersions() {
        assertThat(TlsProtocol.TLS_1_3.isAtLeast(TlsProtocol.TLS_1_2)).isTrue();
        assertThat(TlsProtocol.TLS_1_1.isAtLeast(TlsProtocol.LOWEST_ACCEPTABLE)).isFalse();
    }

    @Test
    void clearTextFactsCannotCarryAProtocol() {
        assertThatThrownBy(() -> new TlsFacts(TlsChannel.NONE, java.util.Optional.of("TLSv1.3"),
            java.util.Optional.empty(), java.util.List.of()))
            .hasMessage("a clear-text session has no protocol, cipher or peer certificate");
        assertThat(TlsFacts.CLEAR_TEXT.meets(TlsProtocol.TLS_1_2)).isFalse();
    }
}
