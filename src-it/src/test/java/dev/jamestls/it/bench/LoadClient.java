package dev.jamestls.it.bench;

import java.io.IOException;
import java.net.InetAddress;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.apache.commons.net.smtp.SMTPReply;
import org.apache.commons.net.smtp.SMTPSClient;

/**
 * A lean SMTP client for load: one STARTTLS session (RFC 3207) that sends
 * whole transactions and insists on the expected reply at every step. Unlike
 * the test client it keeps no transcript, so a long run does not grow memory.
 */
final class LoadClient implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 15_000;
    private static final String HELO_NAME = "load.test";

    /** Exposes the socket so the run can report the negotiated protocol and cipher. */
    private static final class Smtp extends SMTPSClient {
        Smtp(SSLContext context) {
            super(false, context);
        }

        Smtp() {
            super(false);
        }

        java.net.Socket socket() {
            return _socket_;
        }
    }

    private final Smtp smtp;

    private LoadClient(Smtp smtp) {
        this.smtp = smtp;
    }

    /** Connects, says EHLO, upgrades with STARTTLS (full handshake with {@code context}) and says EHLO again. */
    static LoadClient startTls(int port, SSLContext context) throws IOException {
        Smtp smtp = new Smtp(context);
        smtp.setDefaultTimeout(TIMEOUT_MILLIS);
        smtp.setConnectTimeout(TIMEOUT_MILLIS);
        LoadClient client = new LoadClient(smtp);
        try {
            smtp.connect(InetAddress.getLoopbackAddress(), port);
            smtp.setSoTimeout(TIMEOUT_MILLIS);
            client.expect(SMTPReply.SERVICE_READY, "greeting");
            client.expect(smtp.sendCommand("EHLO", HELO_NAME), SMTPReply.ACTION_OK, "EHLO");
            if (!smtp.execTLS()) {
                throw new IOException("STARTTLS refused: " + smtp.getReplyString().trim());
            }
            client.expect(smtp.sendCommand("EHLO", HELO_NAME), SMTPReply.ACTION_OK, "EHLO after STARTTLS");
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** A clear-text session after EHLO, for the pre-flight checks. */
    static LoadClient plain(int port) throws IOException {
        Smtp smtp = new Smtp();
        smtp.setDefaultTimeout(TIMEOUT_MILLIS);
        smtp.setConnectTimeout(TIMEOUT_MILLIS);
        LoadClient client = new LoadClient(smtp);
        try {
            smtp.connect(InetAddress.getLoopbackAddress(), port);
            smtp.setSoTimeout(TIMEOUT_MILLIS);
            client.expect(SMTPReply.SERVICE_READY, "greeting");
            client.expect(smtp.sendCommand("EHLO", HELO_NAME), SMTPReply.ACTION_OK, "EHLO");
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** MAIL, RCPT, DATA and the message; every step must succeed. */
    void send(String sender, String recipient, String message) throws IOException {
        smtp.mail("<" + sender + ">");
        expect(SMTPReply.ACTION_OK, "MAIL FROM");
        smtp.rcpt("<" + recipient + ">");
        expect(SMTPReply.ACTION_OK, "RCPT TO");
        // DATA, 354, the dot-stuffed message and the final reply (RFC 5321 §4.1.1.4).
        smtp.sendShortMessageData(message);
        expect(SMTPReply.ACTION_OK, "end of DATA");
    }

    /** Sends MAIL FROM only and returns the whole reply, for the pre-flight checks. */
    String mailFrom(String sender) throws IOException {
        smtp.mail("<" + sender + ">");
        return smtp.getReplyString().trim();
    }

    String tlsProtocol() {
        return smtp.socket() instanceof SSLSocket ssl ? ssl.getSession().getProtocol() : "clear text";
    }

    String tlsCipher() {
        return smtp.socket() instanceof SSLSocket ssl ? ssl.getSession().getCipherSuite() : "-";
    }

    private void expect(int expected, String step) throws IOException {
        expect(smtp.getReplyCode(), expected, step);
    }

    private void expect(int actual, int expected, String step) throws IOException {
        if (actual != expected) {
            throw new IOException(step + ": expected " + expected + ", got '" + smtp.getReplyString().trim() + "'");
        }
    }

    /** QUIT (RFC 5321 §4.1.1.10) when still connected, then closes the socket. */
    @Override
    public void close() throws IOException {
        if (!smtp.isConnected()) {
            return;
        }
        try {
            smtp.logout();
        } finally {
            smtp.disconnect();
        }
    }
}
