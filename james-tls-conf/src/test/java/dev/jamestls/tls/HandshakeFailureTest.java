package dev.jamestls.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketException;
import java.security.cert.CertificateException;
import java.util.Optional;
import java.util.stream.Stream;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The JDK's wording of one handshake failure changes between 17 updates; what we report must not. */
class HandshakeFailureTest {
    static Stream<Arguments> failures() {
        return Stream.of(
            Arguments.of("peer alert, JDK 17.0.15 wording", new SSLHandshakeException("Received fatal alert: protocol_version"),
                Optional.of(TlsAlert.PROTOCOL_VERSION), "peer sent alert protocol_version"),
            Arguments.of("peer alert, later JDK wording with the alert prefix",
                new SSLHandshakeException("(protocol_version) Received fatal alert: protocol_version"),
                Optional.of(TlsAlert.PROTOCOL_VERSION), "peer sent alert protocol_version"),
            Arguments.of("peer alert as a plain SSLException", new SSLException("Received fatal alert: certificate_required"),
                Optional.of(TlsAlert.CERTIFICATE_REQUIRED), "peer sent alert certificate_required"),
            Arguments.of("peer alert wrapped, e.g. by JavaMail", new IOException("Could not convert socket to TLS",
                new SSLHandshakeException("(bad_certificate) Received fatal alert: bad_certificate")),
                Optional.of(TlsAlert.BAD_CERTIFICATE), "peer sent alert bad_certificate"),
            Arguments.of("our own refusal, older wording", new SSLHandshakeException("No appropriate protocol"),
                Optional.empty(), "No appropriate protocol"),
            Arguments.of("our own refusal, alert prefix of later updates dropped",
                new SSLHandshakeException("(handshake_failure) No appropriate protocol"), Optional.empty(), "No appropriate protocol"),
            Arguments.of("a parenthesis that is no alert stays", new SSLHandshakeException("(not_an_alert) something"),
                Optional.empty(), "(not_an_alert) something"),
            Arguments.of("an unknown alert name is not guessed", new SSLHandshakeException("Received fatal alert: made_up"),
                Optional.empty(), "Received fatal alert: made_up"),
            Arguments.of("certificate failure from our trust manager",
                withCause(new SSLHandshakeException("(certificate_unknown) untrusted"), new CertificateException("untrusted")),
                Optional.empty(), "untrusted"),
            Arguments.of("a reset without a TLS exception", new SocketException("Connection reset"),
                Optional.empty(), HandshakeFailure.CONNECTION_CLOSED),
            Arguments.of("a reset during the handshake, as the JDK reports it",
                new SSLException("Connection reset", new SocketException("Connection reset")),
                Optional.empty(), HandshakeFailure.CONNECTION_CLOSED),
            Arguments.of("end of stream during the handshake, as the JDK reports it",
                withCause(new SSLHandshakeException("Remote host terminated the handshake"), new java.io.EOFException("SSL peer shut down incorrectly")),
                Optional.empty(), HandshakeFailure.CONNECTION_CLOSED),
            Arguments.of("an alert wins over the closed connection that followed it",
                withCause(new SSLHandshakeException("Received fatal alert: bad_certificate"), new SocketException("Broken pipe")),
                Optional.of(TlsAlert.BAD_CERTIFICATE), "peer sent alert bad_certificate"),
            Arguments.of("no TLS exception at all: the failure's own detail", new IOException("Stream closed"),
                Optional.empty(), "Stream closed"),
            Arguments.of("no message: the exception's name", new SSLHandshakeException(null), Optional.empty(), "SSLHandshakeException"));
    }

    private static Throwable withCause(Throwable failure, Throwable cause) {
        return failure.initCause(cause);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void namesThePeersAlertTheSameWayOnEveryJdkUpdate(String reason, Throwable failure, Optional<TlsAlert> alert, String described) {
        HandshakeFailure read = HandshakeFailure.of(failure);

        assertThat(read.peerAlert()).isEqualTo(alert);
        assertThat(read.describe()).isEqualTo(described);
    }
}
