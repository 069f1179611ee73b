package dev.jamestls.it.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.apache.commons.net.smtp.SMTPReply;
import org.apache.commons.net.smtp.SMTPSClient;

import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.SslContexts;

/**
 * An SMTP client over a real socket (commons-net): clear text, STARTTLS or
 * implicit TLS, with or without a client certificate. Every reply is kept so a
 * test can assert on the dialogue.
 */
public final class SmtpTestClient implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 15_000;

    /** Exposes commons-net's raw writer and socket for pipelining and TLS inspection. */
    private static final class RawClient extends SMTPSClient {
        RawClient(boolean implicit, SSLContext context) {
            super(implicit, context);
        }

        void writeRaw(String text) throws IOException {
            _output_.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            _output_.flush();
        }

        java.net.Socket socket() {
            return _socket_;
        }
    }

    private final RawClient client;
    private final List<String> transcript = new ArrayList<>();

    private SmtpTestClient(RawClient client) {
        this.client = client;
    }

    /** A clear-text session; EHLO sent. */
    public static SmtpTestClient plain(int port) throws IOException {
        RawClient client = new RawClient(false, SslContexts.context(Optional.empty(), List.of()));
        SmtpTestClient session = new SmtpTestClient(client);
        session.connect(port);
        return session;
    }

    /** A session upgraded with STARTTLS (RFC 3207) after EHLO; EHLO sent again inside TLS. */
    public static SmtpTestClient startTls(int port, TestPki pki, Optional<IssuedCertificate> clientCertificate,
                                          String... protocols) throws IOException {
        RawClient client = new RawClient(false, context(pki, clientCertificate));
        restrict(client, protocols);
        return upgraded(client, port);
    }

    /** A session upgraded with STARTTLS through {@code context}: a context kept across sessions may resume them. */
    public static SmtpTestClient startTls(int port, SSLContext context) throws IOException {
        return upgraded(new RawClient(false, context), port);
    }

    private static SmtpTestClient upgraded(RawClient client, int port) throws IOException {
        SmtpTestClient session = new SmtpTestClient(client);
        session.connect(port);
        if (!client.execTLS()) {
            throw new IOException("STARTTLS refused: " + client.getReplyString().trim());
        }
        session.record("STARTTLS");
        session.ehlo();
        return session;
    }

    /**
     * A STARTTLS session whose client certificate message carries exactly {@code chain} (leaf first) with
     * {@code key}: forged chains included, whose certificates need not link (JKS keeps a chain as given).
     */
    public static SmtpTestClient startTlsPresenting(int port, TestPki pki, List<java.security.cert.X509Certificate> chain,
                                                    java.security.PrivateKey key) throws IOException {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("JKS");
            store.load(null, null);
            char[] password = "transient".toCharArray();
            store.setKeyEntry("client", key, password, chain.toArray(java.security.cert.Certificate[]::new));
            javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(dev.jamestls.pki.SslContexts.trustStore(List.of(pki.root.certificate().certificate())));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return startTls(port, context);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the client's TLS context", e);
        }
    }

    /** A session over implicit TLS (RFC 8314); EHLO sent. */
    public static SmtpTestClient implicitTls(int port, TestPki pki, Optional<IssuedCertificate> clientCertificate,
                                             String... protocols) throws IOException {
        RawClient client = new RawClient(true, context(pki, clientCertificate));
        restrict(client, protocols);
        SmtpTestClient session = new SmtpTestClient(client);
        session.connect(port);
        return session;
    }

    private static SSLContext context(TestPki pki, Optional<IssuedCertificate> clientCertificate) {
        return SslContexts.context(clientCertificate, List.of(pki.root.certificate().certificate()));
    }

    private static void restrict(SMTPSClient client, String... protocols) {
        if (protocols.length > 0) {
            client.setEnabledProtocols(protocols);
        }
    }

    private void connect(int port) throws IOException {
        client.setDefaultTimeout(TIMEOUT_MILLIS);
        client.setConnectTimeout(TIMEOUT_MILLIS);
        client.connect(InetAddress.getLoopbackAddress(), port);
        client.setSoTimeout(TIMEOUT_MILLIS);
        record("connect");
        if (!SMTPReply.isPositiveCompletion(client.getReplyCode())) {
            throw new IOException("greeting refused: " + client.getReplyString().trim());
        }
        ehlo();
    }

    private void ehlo() throws IOException {
        client.sendCommand("EHLO", "client.test");
        record("EHLO client.test");
    }

    public int mailFrom(String sender) throws IOException {
        client.mail("<" + sender + ">");
        return record("MAIL FROM:<" + sender + ">");
    }

    public int rcptTo(String recipient) throws IOException {
        client.rcpt("<" + recipient + ">");
        return record("RCPT TO:<" + recipient + ">");
    }

    /** Sends DATA and the message; returns the final reply code. */
    public int data(String message) throws IOException {
        if (!SMTPReply.isPositiveIntermediate(client.sendCommand("DATA"))) {
            return record("DATA");
        }
        record("DATA");
        client.writeRaw(message.replace("\n", "\r\n").replace("\r\r\n", "\r\n") + "\r\n.\r\n");
        client.getReply();
        return record("<message>");
    }

    public int rset() throws IOException {
        client.reset();
        return record("RSET");
    }

    /**
     * One whole transaction; stops at the first refused step and returns the
     * refusing reply code (or the final DATA reply).
     */
    public int send(String sender, String recipient, String subject) throws IOException {
        int code = mailFrom(sender);
        if (!SMTPReply.isPositiveCompletion(code)) {
            return code;
        }
        code = rcptTo(recipient);
        if (!SMTPReply.isPositiveCompletion(code)) {
            return code;
        }
        return data(message(sender, recipient, subject));
    }

    public static String message(String sender, String recipient, String subject) {
        return "From: <" + sender + ">\nTo: <" + recipient + ">\nSubject: " + subject
            + "\nMessage-ID: <" + System.nanoTime() + "@client.test>\n\nHello from the james-tls tests.\n";
    }

    /** Writes raw bytes (e.g. a pipelined batch) and reads {@code replies} replies. */
    public List<String> pipeline(String commands, int replies) throws IOException {
        client.writeRaw(commands.replace("\n", "\r\n").replace("\r\r\n", "\r\n"));
        List<String> result = new ArrayList<>();
        for (int i = 0; i < replies; i++) {
            client.getReply();
            result.add(client.getReplyString().trim());
            transcript.add("<pipelined> -> " + client.getReplyString().trim());
        }
        return result;
    }

    public String lastReply() {
        return client.getReplyString().trim();
    }

    /** The negotiated TLS protocol, empty in clear text. */
    public Optional<String> tlsProtocol() {
        if (client.socket() instanceof SSLSocket ssl) {
            return Optional.of(ssl.getSession().getProtocol());
        }
        return Optional.empty();
    }

    public List<String> transcript() {
        return List.copyOf(transcript);
    }

    private int record(String command) {
        transcript.add(command + " -> " + client.getReplyString().trim());
        return client.getReplyCode();
    }

    @Override
    public void close() throws IOException {
        if (client.isConnected()) {
            try {
                client.logout();
            } catch (IOException ignored) {
                // the server may already have closed the connection; disconnecting is what matters
            }
            client.disconnect();
        }
    }
}
