package dev.jamestls.james.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The clear-text watch of one SMTP connection: the guard that keeps transaction bytes off the wire before TLS
 * under a mandatory level (SPEC §2), what the EHLO and STARTTLS replies said, when a polite QUIT is due
 * (RFC 5321 §4.1.1.10), and how a TLS version refusal is read from the handshake records (RFC 8996).
 */
class AttemptTapTest {
    final ByteArrayOutputStream wire = new ByteArrayOutputStream();

    static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
    }

    static void receive(AttemptTap tap, String text) throws IOException {
        try (InputStream in = tap.tapInput(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))) {
            in.readAllBytes();
        }
    }

    static SSLSocket unconnectedTlsSocket() throws Exception {
        return (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket();
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    String wire() {
        return wire.toString(StandardCharsets.US_ASCII);
    }

    /** A guarded tap that sent EHLO and read {@code reply}; what it lets through lands in {@link #wire}. */
    AttemptTap afterEhlo(String reply) throws IOException {
        AttemptTap tap = new AttemptTap(true);
        send(tap.tapOutput(wire), "EHLO mx.example.com\r\n");
        receive(tap, reply);
        return tap;
    }

    /** A tap over TLS that read {@code records} from the peer. */
    static AttemptTap overTlsAfterReading(String records) throws Exception {
        AttemptTap tap = new AttemptTap(true);
        tap.tlsLayered(unconnectedTlsSocket());
        tap.tapInput(new ByteArrayInputStream(hex(records))).readAllBytes();
        return tap;
    }

    @Test
    void underAMandatoryLevelTheGreetingCommandsPassAndATransactionCommandIsRefusedBeforeAnyByteLeaves() throws IOException {
        AttemptTap tap = new AttemptTap(true);
        OutputStream out = tap.tapOutput(wire);

        send(out, "EHLO mx.example.com\r\nNOOP\r\nRSET\r\nHELO mx.example.com\r\nSTARTTLS\r\n");
        assertThatThrownBy(() -> send(out, "MAIL FROM:<a@example.com>\r\n"))
            .isInstanceOf(IOException.class)
            .hasMessage("clear-text guard: refused to send 'MAIL' before TLS is established (the rule requires TLS; SPEC §2)");

        assertThat(wire()).isEqualTo("EHLO mx.example.com\r\nNOOP\r\nRSET\r\nHELO mx.example.com\r\nSTARTTLS\r\n");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"MAIL FROM:<a@example.com>", "mail from:<a@example.com>", "RCPT TO:<b@partner.example>", "DATA", "BDAT 10 LAST",
        "Subject: hello"})
    void everyOtherLineIsRefusedInClearText(String line) {
        OutputStream out = new AttemptTap(true).tapOutput(wire);

        assertThatThrownBy(() -> send(out, line + "\r\n")).isInstanceOf(IOException.class).hasMessageStartingWith("clear-text guard: refused");
        assertThat(wire.size()).isZero();
    }

    @Test
    void aLineIsHeldUntilItsEndSoASplitWriteCannotSlipThrough() throws IOException {
        AttemptTap tap = new AttemptTap(true);
        OutputStream out = tap.tapOutput(wire);

        send(out, "MA");
        assertThat(wire.size()).as("nothing leaves before the verb is known").isZero();
        assertThatThrownBy(() -> send(out, "IL FROM:<a@example.com>\r\n")).isInstanceOf(IOException.class);
        assertThat(wire.size()).isZero();
    }

    @Test
    void withoutTheGuardClearTextTransactionBytesAreCountedAndNoQuitIsDueInsideATransaction() throws IOException {
        AttemptTap tap = new AttemptTap(false);
        OutputStream out = tap.tapOutput(wire);
        send(out, "EHLO mx.example.com\r\n");
        receive(tap, "250-mx.partner.example\r\n250 SIZE 10240000\r\n");
        assertThat(tap.politeQuitDue()).isTrue();

        send(out, "MAIL FROM:<a@example.com>\r\nRCPT TO:<b@partner.example>\r\n");

        assertThat(wire()).endsWith("RCPT TO:<b@partner.example>\r\n");
        assertThat(tap.politeQuitDue()).isFalse();
    }

    @Test
    void theGreetingIsNotTheEhloReply() throws IOException {
        AttemptTap tap = new AttemptTap(true);
        receive(tap, "220 mx.partner.example ESMTP\r\n");

        assertThat(tap.ehloDone()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // reason | EHLO reply lines | STARTTLS offered
        "offered | 250-mx.partner.example;250-STARTTLS;250 SIZE 10240000 | true",
        "capabilities are case-insensitive | 250-mx.partner.example;250-starttls;250 SIZE | true",
        "offered on the last line | 250-mx.partner.example;250 STARTTLS | true",
        "not offered | 250-SIZE;250 8BITMIME | false",
        "another keyword starting with STARTTLS | 250-STARTTLSX;250 SIZE | false",
        "STARTTLS as a parameter of another keyword | 250-8BITMIME STARTTLS;250 SIZE | false",
    })
    void onlyAStartTlsCapabilityLineOfTheEhloReplyCountsAsAnOffer(String reason, String lines, boolean offered) throws IOException {
        AttemptTap tap = afterEhlo(String.join("\r\n", lines.split(";")) + "\r\n");

        assertThat(tap.ehloDone()).as(reason).isTrue();
        assertThat(tap.startTlsOffered()).as(reason).isEqualTo(offered);
    }

    @Test
    void aNewEhloForgetsTheLastReplyUntilItsOwnArrives() throws IOException {
        AttemptTap tap = afterEhlo("250-mx.partner.example\r\n250 STARTTLS\r\n");
        assertThat(tap.startTlsOffered()).isTrue();

        send(tap.tapOutput(wire), "EHLO mx.example.com\r\n");

        assertThat(tap.ehloDone()).isFalse();
        assertThat(tap.startTlsOffered()).isFalse();
    }

    @Test
    void theStartTlsReplyIsTheFinalLineOfTheAnswer() throws IOException {
        AttemptTap tap = afterEhlo("250 STARTTLS\r\n");
        assertThat(tap.startTlsSent()).isFalse();

        send(tap.tapOutput(wire), "STARTTLS\r\n");
        receive(tap, "454-4.7.0 TLS not available\r\n454 4.7.0 try later\r\n");

        assertThat(tap.startTlsSent()).isTrue();
        assertThat(tap.startTlsReply()).contains("454 4.7.0 try later");
    }

    @Test
    void aPoliteQuitIsDueAfterEhloInClearTextOnlyOnceAndNeverOverTls() throws Exception {
        assertThat(new AttemptTap(true).politeQuitDue()).as("before EHLO").isFalse();
        AttemptTap quitting = afterEhlo("250 mx.partner.example\r\n");
        assertThat(quitting.politeQuitDue()).isTrue();
        send(quitting.tapOutput(wire), "QUIT\r\n");
        assertThat(quitting.politeQuitDue()).as("QUIT already sent").isFalse();

        AttemptTap secured = afterEhlo("250 STARTTLS\r\n");
        SSLSocket socket = unconnectedTlsSocket();
        secured.tlsLayered(socket);
        assertThat(secured.tlsLayered()).isTrue();
        assertThat(secured.sslSocket()).contains(socket);
        assertThat(secured.politeQuitDue()).isFalse();
    }

    @Test
    void onceTlsIsLayeredTheBytesAreTlsRecordsAndPassUnchecked() throws Exception {
        AttemptTap tap = new AttemptTap(true);
        OutputStream out = tap.tapOutput(wire);
        tap.tlsLayered(unconnectedTlsSocket());

        send(out, "MAIL FROM:<a@example.com>\r\n");

        assertThat(wire()).isEqualTo("MAIL FROM:<a@example.com>\r\n");
    }

    @Test
    void aTlsVersionRefusalIsReadFromTheHandshakeRecords() throws Exception {
        assertThat(overTlsAfterReading("16 0302 0008 02 000026 0302 aabb").protocolVersionRefusal())
            .contains("the peer chose TLSv1.1 in its ServerHello");
        assertThat(overTlsAfterReading("15 0303 0002 02 46").protocolVersionRefusal()).contains("the peer sent alert protocol_version");
        assertThat(overTlsAfterReading("15 0301 0002 02 28").protocolVersionRefusal()).as("handshake_failure is not a version refusal")
            .isEmpty();

        AttemptTap ourAlert = overTlsAfterReading("");
        ourAlert.tapOutput(wire).write(hex("15 0303 0002 02 46"));
        assertThat(ourAlert.protocolVersionRefusal()).contains("we sent alert protocol_version to the peer's version");
    }

    @Test
    void aCertificateRequestIsRecordedWithWhatWeAnswered() {
        AttemptTap answered = new AttemptTap(true);
        assertThat(answered.clientCertificateRequest()).isEmpty();

        answered.clientCertificateRequested(List.of("EC", "RSA"), Optional.empty());

        assertThat(answered.clientCertificateRequest()).contains(List.of("EC", "RSA"));
        assertThat(answered.presentedIdentity()).as("asked, but we had no certificate to give").isEmpty();
    }
}
