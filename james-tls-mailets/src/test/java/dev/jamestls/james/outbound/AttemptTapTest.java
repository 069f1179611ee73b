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

    @Test
    void underAMandatoryLevelTheGreetingCommandsPassAndATransactionCommandIsRefusedBeforeAnyByteLeaves() throws IOException {
        AttemptTap tap = new AttemptTap(true);
        OutputStream out = tap.tapOutput(wire);

        send(out, "EHLO mx.example.com\r\nNOOP\r\nRSET\r\nHELO mx.example.com\r\nSTARTTLS\r\n");
        assertThatThrownBy(() -> send(out, "MAIL FROM:<a@example.com>\r\n"))
            .isInstanceOf(IOException.class)
            .hasMessage("clear-text guard: refused to send 'MAIL' before TLS is established (the rule requires TLS; SPEC §2)");

        assertThat(wire()).isEqualTo("EHLO mx.example.com\r\nNOOP\r\nRSET\r\nHELO mx.example.com\r\nSTARTTLS\r\n");
        assertThat(tap.clearTransactionBytes()).isZero();
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
        assertThat(tap.clearTransactionBytes()).isEqualTo("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@partner.example>\r\n".length());
        assertThat(tap.politeQuitDue()).isFalse();
    }

    @Test
    void theEhloReplyTellsWhetherStartTlsIsOffered() throws IOException {
        AttemptTap tap = new AttemptTap(true);
        OutputStream out = tap.tapOutput(wire);
        receive(tap, "220 mx.partner.example ESMTP\r\n");
        assertThat(tap.ehloDone()).as("the greeting is not the EHLO reply").isFalse();

        send(out, "EHLO mx.example.com\r\n");
        receive(tap, "250-mx.partner.example\r\n250-starttls\r\n250 SIZE 10240000\r\n");

        assertThat(tap.ehloDone()).isTrue();
        assertThat(tap.startTlsOffered()).as("capabilities are case-insensitive").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"250-STARTTLSX\r\n250 SIZE\r\n", "250-SIZE\r\n250 8BITMIME\r\n", "250-8BITMIME STARTTLS\r\n250 SIZE\r\n"})
    void onlyAStartTlsCapabilityLineCountsAsAnOffer(String reply) throws IOException {
        AttemptTap tap = new AttemptTap(true);
        send(tap.tapOutput(wire), "EHLO mx.example.com\r\n");

        receive(tap, reply);

        assertThat(tap.ehloDone()).isTrue();
        assertThat(tap.startTlsOffered()).isFalse();
    }

    @Test
    void aNewEhloForgetsTheLastReplyUntilItsOwnArrives() throws IOException {
        AttemptTap tap = new AttemptTap(true);
        OutputStream out = tap.tapOutput(wire);
        send(out, "EHLO mx.example.com\r\n");
        receive(tap, "250-mx.partner.example\r\n250 STARTTLS\r\n");
        assertThat(tap.startTlsOffered()).isTrue();

        send(out, "EHLO mx.example.com\r\n");

        assertThat(tap.ehloDone()).isFalse();
        assertThat(tap.startTlsOffered()).isFalse();
    }

    @Test
    void theStartTlsReplyIsTheFinalLineOfTheAnswer() throws IOException {
        AttemptTap tap = new AttemptTap(true);
        OutputStream out = tap.tapOutput(wire);
        send(out, "EHLO mx.example.com\r\n");
        receive(tap, "250 STARTTLS\r\n");
        assertThat(tap.startTlsSent()).isFalse();

        send(out, "STARTTLS\r\n");
        receive(tap, "454-4.7.0 TLS not available\r\n454 4.7.0 try later\r\n");

        assertThat(tap.startTlsSent()).isTrue();
        assertThat(tap.startTlsReply()).contains("454 4.7.0 try later");
    }

    @Test
    void aPoliteQuitIsDueAfterEhloInClearTextOnlyOnceAndNeverOverTls() throws Exception {
        AttemptTap quitting = new AttemptTap(true);
        OutputStream out = quitting.tapOutput(wire);
        assertThat(quitting.politeQuitDue()).as("before EHLO").isFalse();
        send(out, "EHLO mx.example.com\r\n");
        receive(quitting, "250 mx.partner.example\r\n");
        assertThat(quitting.politeQuitDue()).isTrue();
        send(out, "QUIT\r\n");
        assertThat(quitting.politeQuitDue()).as("QUIT already sent").isFalse();

        AttemptTap secured = new AttemptTap(true);
        send(secured.tapOutput(new ByteArrayOutputStream()), "EHLO mx.example.com\r\n");
        receive(secured, "250 STARTTLS\r\n");
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
        assertThat(tap.clearTransactionBytes()).isZero();
    }

    @Test
    void aTlsVersionRefusalIsReadFromTheHandshakeRecords() throws Exception {
        AttemptTap serverHello = new AttemptTap(true);
        serverHello.tlsLayered(unconnectedTlsSocket());
        serverHello.tapInput(new ByteArrayInputStream(hex("16 0302 0008 02 000026 0302 aabb"))).readAllBytes();
        assertThat(serverHello.protocolVersionRefusal()).contains("the peer chose TLSv1.1 in its ServerHello");

        AttemptTap peerAlert = new AttemptTap(true);
        peerAlert.tlsLayered(unconnectedTlsSocket());
        peerAlert.tapInput(new ByteArrayInputStream(hex("15 0303 0002 02 46"))).readAllBytes();
        assertThat(peerAlert.protocolVersionRefusal()).contains("the peer sent alert protocol_version");

        AttemptTap ourAlert = new AttemptTap(true);
        ourAlert.tlsLayered(unconnectedTlsSocket());
        ourAlert.tapOutput(wire).write(hex("15 0303 0002 02 46"));
        assertThat(ourAlert.protocolVersionRefusal()).contains("we sent alert protocol_version to the peer's version");

        AttemptTap otherFailure = new AttemptTap(true);
        otherFailure.tlsLayered(unconnectedTlsSocket());
        otherFailure.tapInput(new ByteArrayInputStream(hex("15 0301 0002 02 28"))).readAllBytes();
        assertThat(otherFailure.protocolVersionRefusal()).as("handshake_failure is not a version refusal").isEmpty();
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
