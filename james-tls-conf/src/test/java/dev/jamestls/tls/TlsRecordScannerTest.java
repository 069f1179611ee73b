package dev.jamestls.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a refused handshake leaves on the wire, read from records fed whole or a byte at a time. */
class TlsRecordScannerTest {
    // Record header: type, version, length (RFC 8446 §5.1); alert: level, description (§6).
    static final String FATAL_PROTOCOL_VERSION = "15 0303 0002 02 46";
    static final String WARNING_PROTOCOL_VERSION = "15 0303 0002 01 46";
    static final String FATAL_HANDSHAKE_FAILURE = "15 0301 0002 02 28";
    // ServerHello (type 2), 3-byte length, legacy_version, then the rest of the message (truncated here).
    static final String SERVER_HELLO_TLS11 = "16 0302 0008 02 000026 0302 aabb";
    static final String SERVER_HELLO_TLS10 = "16 0301 0008 02 000026 0301 aabb";
    static final String SERVER_HELLO_TLS12 = "16 0303 0008 02 000026 0303 aabb";
    static final String CHANGE_CIPHER_SPEC = "14 0303 0001 01";
    static final String APPLICATION_DATA = "17 0303 0003 aabbcc";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // reason | records | fatal alert | legacy ServerHello version
        "peer refuses our versions with a fatal alert | " + FATAL_PROTOCOL_VERSION + " | protocol_version | -",
        "a warning is not a refusal | " + WARNING_PROTOCOL_VERSION + " | - | -",
        "another fatal alert is named as it is | " + FATAL_HANDSHAKE_FAILURE + " | handshake_failure | -",
        "peer answers with TLS 1.1 | " + SERVER_HELLO_TLS11 + " | - | TLSv1.1",
        "peer answers with TLS 1.0 | " + SERVER_HELLO_TLS10 + " | - | TLSv1",
        "TLS 1.2 (and 1.3's legacy_version) is no legacy version | " + SERVER_HELLO_TLS12 + " | - | -",
        "after ChangeCipherSpec an alert is encrypted and not read | " + CHANGE_CIPHER_SPEC + FATAL_PROTOCOL_VERSION + " | - | -",
        "after application data an alert is encrypted and not read | " + APPLICATION_DATA + FATAL_PROTOCOL_VERSION + " | - | -",
        "an alert record longer than two bytes is encrypted | 15 0303 0004 02 46 0000 | - | -",
        "the first fatal alert counts | " + FATAL_HANDSHAKE_FAILURE + FATAL_PROTOCOL_VERSION + " | handshake_failure | -",
        "a ServerHello after another handshake record is not the first | 16 0303 0001 0b " + SERVER_HELLO_TLS11 + " | - | -",
        "not TLS at all (an SMTP reply) | 3232 3020 6d78 | - | -",
        "an unknown alert code is no alert | 15 0303 0002 02 fe | - | -",
    })
    void readsAlertsAndVersionsFromClearTextRecords(String reason, String records, String alert, String version) {
        byte[] bytes = HexFormat.of().parseHex(records.replace(" ", ""));
        for (boolean byteAtATime : new boolean[] {false, true}) {
            TlsRecordScanner scanner = new TlsRecordScanner();
            if (byteAtATime) {
                for (int i = 0; i < bytes.length; i++) {
                    scanner.feed(bytes, i, 1);
                }
            } else {
                scanner.feed(bytes, 0, bytes.length);
            }
            assertThat(scanner.fatalAlert().map(TlsAlert::rfcName)).as(reason).isEqualTo(optional(alert));
            assertThat(scanner.legacyServerHelloVersion().map(TlsProtocol::jsseName)).as(reason).isEqualTo(optional(version));
        }
    }

    @ParameterizedTest(name = "stops after {0} bytes")
    @CsvSource({"65536", "70000"})
    void readsBoundedInput(int length) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] handshake = HexFormat.of().parseHex("16030300" + "04" + "0b000000");
        while (bytes.size() < length) {
            bytes.write(handshake, 0, handshake.length);
        }
        bytes.writeBytes(HexFormat.of().parseHex(FATAL_PROTOCOL_VERSION.replace(" ", "")));
        TlsRecordScanner scanner = new TlsRecordScanner();

        scanner.feed(bytes.toByteArray(), 0, bytes.size());

        assertThat(scanner.fatalAlert()).as("an alert past the bound is not read").isEmpty();
    }

    private static Optional<String> optional(String value) {
        return value.equals("-") ? Optional.empty() : Optional.of(value);
    }
}
