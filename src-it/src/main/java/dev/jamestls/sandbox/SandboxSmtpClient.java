package dev.jamestls.sandbox;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import org.apache.commons.net.smtp.SMTPReply;
import org.apache.commons.net.smtp.SMTPSClient;

import dev.jamestls.pki.SslContexts;
import dev.jamestls.tls.HandshakeFailure;

/**
 * Sends one mail to a James on 127.0.0.1 over clear text, STARTTLS or implicit
 * TLS (commons-net {@link SMTPSClient}), trusting only the given CA, and
 * records the dialogue. Never throws for what the server does: a refusal or a
 * failed handshake is an {@link SmtpOutcome} that says so.
 *
 * <p>The server certificate is checked against the CA, not against a host
 * name: the sandbox is reached as 127.0.0.1 and its certificate names
 * {@code james.local}.
 */
public final class SandboxSmtpClient {
    private static final String HOST = "127.0.0.1";

    private final X509Certificate trustAnchor;
    private final String heloName;
    private final Duration timeout;

    public SandboxSmtpClient(X509Certificate trustAnchor, String heloName, Duration timeout) {
        this.trustAnchor = Objects.requireNonNull(trustAnchor, "trustAnchor");
        this.heloName = Objects.requireNonNull(heloName, "heloName");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    public SmtpOutcome send(SmtpSubmission submission) {
        SSLContext context = SslContexts.context(submission.clientCertificate(), List.of(trustAnchor));
        SessionExposingClient client = new SessionExposingClient(submission.security() == SmtpSecurity.IMPLICIT_TLS, context);
        if (!submission.protocols().isEmpty()) {
            client.setEnabledProtocols(submission.protocols().toArray(String[]::new));
        }
        client.setConnectTimeout((int) timeout.toMillis());
        client.setDefaultTimeout((int) timeout.toMillis());
        List<String> transcript = new ArrayList<>();
        try {
            client.connect(HOST, submission.port());
            client.setSoTimeout((int) timeout.toMillis());
            transcript.add("S: " + reply(client));
            if (!SMTPReply.isPositiveCompletion(client.getReplyCode())) {
                return refused(client, transcript);
            }
            if (!command(client, transcript, "EHLO", heloName)) {
                return refused(client, transcript);
            }
            if (submission.security() == SmtpSecurity.STARTTLS) {
                transcript.add("C: STARTTLS");
                boolean upgraded = client.execTLS();
                transcript.add("S: " + reply(client));
                if (!upgraded) {
                    return refused(client, transcript);
                }
                // RFC 3207 §4.2: forget what was learnt before TLS, greet again.
                if (!command(client, transcript, "EHLO", heloName)) {
                    return refused(client, transcript);
                }
            }
            if (!command(client, transcript, "MAIL", "FROM:<" + submission.sender() + ">")
                || !command(client, transcript, "RCPT", "TO:<" + submission.recipient() + ">")) {
                return refused(client, transcript);
            }
            transcript.add("C: DATA ... .");
            boolean accepted = client.sendShortMessageData(submission.message());
            String lastReply = reply(client);
            transcript.add("S: " + lastReply);
            Optional<SSLSession> session = client.tlsSession();
            quietly(() -> client.quit());
            return new SmtpOutcome(accepted, lastReply,
                session.map(SSLSession::getProtocol), session.map(SSLSession::getCipherSuite), transcript);
        } catch (IOException e) {
            String failure = "no reply: " + describe(e);
            transcript.add("!  " + failure);
            return new SmtpOutcome(false, failure, Optional.empty(), Optional.empty(), transcript);
        } finally {
            quietly(client::disconnect);
        }
    }

    private static boolean command(SMTPSClient client, List<String> transcript, String verb, String argument) throws IOException {
        transcript.add("C: " + verb + " " + argument);
        client.sendCommand(verb, argument);
        transcript.add("S: " + reply(client));
        return SMTPReply.isPositiveCompletion(client.getReplyCode());
    }

    private static SmtpOutcome refused(SessionExposingClient client, List<String> transcript) {
        String lastReply = reply(client);
        Optional<SSLSession> session = client.tlsSession();
        quietly(() -> client.quit());
        return new SmtpOutcome(false, lastReply,
            session.map(SSLSession::getProtocol), session.map(SSLSession::getCipherSuite), transcript);
    }

    /** The reply's lines joined by " / ", without line ends. */
    private static String reply(SMTPSClient client) {
        return String.join(" / ", client.getReplyStrings());
    }

    /** A TLS failure by the alert the server sent (the same on every JDK update), anything else by its exception chain. */
    private static String describe(Throwable error) {
        if (error instanceof SSLException || error instanceof java.net.SocketException) {
            return "TLS handshake failed: " + HandshakeFailure.of(error).describe();
        }
        StringBuilder text = new StringBuilder(error.getClass().getSimpleName()).append(": ").append(error.getMessage());
        Throwable cause = error.getCause();
        for (int depth = 0; cause != null && depth < 3; depth++, cause = cause.getCause()) {
            text.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void quietly(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            // Closing a connection the server already dropped: nothing to report.
        }
    }

    /** Exposes the TLS session of the connection, which commons-net keeps to itself. */
    private static final class SessionExposingClient extends SMTPSClient {
        SessionExposingClient(boolean implicit, SSLContext context) {
            super(implicit, context);
        }

        Optional<SSLSession> tlsSession() {
            return _socket_ instanceof SSLSocket ssl ? Optional.of(ssl.getSession()) : Optional.empty();
        }
    }
}
