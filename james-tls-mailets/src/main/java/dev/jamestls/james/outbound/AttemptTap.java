package dev.jamestls.james.outbound;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocket;

import dev.jamestls.tls.ClientIdentity;
import dev.jamestls.tls.TlsAlert;
import dev.jamestls.tls.TlsProtocol;
import dev.jamestls.tls.TlsRecordScanner;
import dev.jamestls.verify.VerificationOutcome;

/**
 * Watches the clear-text part of one SMTP connection (RFC 5321 §4.1, RFC 3207 §4) and what TLS
 * did afterwards. Under a mandatory level its output side is a guard: until TLS is up, only
 * EHLO, HELO, STARTTLS, QUIT, RSET and NOOP may leave; anything else (MAIL, RCPT, DATA, message
 * bytes) fails the write with an {@link IOException} before a byte of it is sent (SPEC §2), whatever
 * the SMTP library decides.
 */
final class AttemptTap {
    private static final Set<String> CLEAR_TEXT_VERBS = Set.of("EHLO", "HELO", "STARTTLS", "QUIT", "RSET", "NOOP");
    private static final Pattern STARTTLS_CAPABILITY = Pattern.compile("^250[ -]STARTTLS\\s*$", Pattern.CASE_INSENSITIVE);

    private final boolean guardClearText;
    private volatile InetAddress connectedTo;
    private volatile InetAddress connectedFrom;
    private volatile boolean ehloSent;
    private volatile boolean ehloDone;
    private volatile boolean startTlsOffered;
    private volatile boolean startTlsSent;
    private volatile String startTlsReply;
    private volatile boolean tlsLayered;
    private volatile SSLSocket sslSocket;
    private volatile VerificationOutcome certificate;
    private volatile List<String> requestedKeyTypes;
    private volatile ClientIdentity presented;
    private volatile boolean transactionStarted;
    private volatile boolean quitSent;
    private final TlsRecordScanner fromPeer = new TlsRecordScanner();
    private final TlsRecordScanner toPeer = new TlsRecordScanner();

    AttemptTap(boolean guardClearText) {
        this.guardClearText = guardClearText;
    }

    Optional<InetAddress> connectedTo() {
        return Optional.ofNullable(connectedTo);
    }

    /** Our own address on the connection (RFC 8460 §4.4 {@code sending-mta-ip}). */
    Optional<InetAddress> connectedFrom() {
        return Optional.ofNullable(connectedFrom);
    }

    boolean ehloDone() {
        return ehloDone;
    }

    boolean startTlsOffered() {
        return startTlsOffered;
    }

    boolean startTlsSent() {
        return startTlsSent;
    }

    Optional<String> startTlsReply() {
        return Optional.ofNullable(startTlsReply);
    }

    boolean tlsLayered() {
        return tlsLayered;
    }

    /** The TLS socket, once STARTTLS was accepted; its session is final once the SMTP library returns. */
    Optional<SSLSocket> sslSocket() {
        return Optional.ofNullable(sslSocket);
    }

    Optional<VerificationOutcome> certificate() {
        return Optional.ofNullable(certificate);
    }

    /**
     * Whether the peer refused every TLS version we offer (RFC 8996), read from the clear-text TLS records of
     * the handshake: its fatal alert {@code protocol_version}, its ServerHello below TLS 1.2, or our own alert
     * {@code protocol_version}. Empty when the records show none of these.
     */
    Optional<String> protocolVersionRefusal() {
        Optional<TlsProtocol> offered = fromPeer.legacyServerHelloVersion();
        if (offered.isPresent()) {
            return Optional.of("the peer chose " + offered.get().jsseName() + " in its ServerHello");
        }
        if (fromPeer.fatalAlert().filter(alert -> alert == TlsAlert.PROTOCOL_VERSION).isPresent()) {
            return Optional.of("the peer sent alert " + TlsAlert.PROTOCOL_VERSION.rfcName());
        }
        if (toPeer.fatalAlert().filter(alert -> alert == TlsAlert.PROTOCOL_VERSION).isPresent()) {
            return Optional.of("we sent alert " + TlsAlert.PROTOCOL_VERSION.rfcName() + " to the peer's version");
        }
        return Optional.empty();
    }

    /**
     * RFC 5321 §4.1.1.10: a session the SMTP library abandons in clear text after EHLO (STARTTLS missing or
     * refused under a level that needs it) is ended with QUIT, not a dropped connection. Only before any mail
     * transaction and before TLS, so it never lands inside a transaction or a TLS stream.
     */
    boolean politeQuitDue() {
        return ehloDone && !tlsLayered && !transactionStarted && !quitSent;
    }

    void connected(InetAddress address, InetAddress local) {
        connectedTo = address;
        connectedFrom = local;
    }

    void tlsLayered(SSLSocket socket) {
        sslSocket = socket;
        tlsLayered = true;
    }

    /** The destination sent a CertificateRequest; {@code presented} is what we answered with (empty: no certificate). */
    void clientCertificateRequested(List<String> keyTypes, Optional<ClientIdentity> answer) {
        requestedKeyTypes = List.copyOf(keyTypes);
        answer.ifPresent(identity -> presented = identity);
    }

    /** The key types of the destination's CertificateRequest, when it sent one. */
    Optional<List<String>> clientCertificateRequest() {
        return Optional.ofNullable(requestedKeyTypes);
    }

    Optional<ClientIdentity> presentedIdentity() {
        return Optional.ofNullable(presented);
    }

    void certificateChecked(VerificationOutcome outcome) {
        certificate = outcome;
    }

    InputStream tapInput(InputStream in) {
        return new ReplyTap(in);
    }

    OutputStream tapOutput(OutputStream out) {
        return new CommandGuard(out);
    }

    private void replyLine(String line) {
        if (startTlsSent && startTlsReply == null && !tlsLayered) {
            if (line.length() >= 4 && line.charAt(3) == ' ') {
                startTlsReply = line;
            }
            return;
        }
        if (ehloSent && !ehloDone) {
            if (STARTTLS_CAPABILITY.matcher(line).matches()) {
                startTlsOffered = true;
            }
            if (line.startsWith("250 ")) {
                ehloDone = true;
            }
        }
    }

    private void commandVerb(String verb) throws IOException {
        switch (verb) {
            case "EHLO", "HELO" -> {
                ehloSent = true;
                ehloDone = false;
                startTlsOffered = false;
            }
            case "STARTTLS" -> startTlsSent = true;
            case "QUIT" -> quitSent = true;
            default -> {
                if (!CLEAR_TEXT_VERBS.contains(verb)) {
                    transactionStarted = true;
                    if (guardClearText) {
                        throw new IOException("clear-text guard: refused to send '" + verb
                            + "' before TLS is established (the rule requires TLS; SPEC §2)");
                    }
                }
            }
        }
    }

    /** Reads reply lines while the connection is in clear text. */
    private final class ReplyTap extends FilterInputStream {
        private final StringBuilder line = new StringBuilder();

        ReplyTap(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                seen(new byte[] {(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                seen(buffer, offset, n);
            }
            return n;
        }

        private void seen(byte[] buffer, int offset, int length) {
            if (tlsLayered) {
                fromPeer.feed(buffer, offset, length);
                return;
            }
            for (int i = offset; i < offset + length; i++) {
                char c = (char) (buffer[i] & 0xff);
                if (c == '\n') {
                    String text = line.toString();
                    line.setLength(0);
                    replyLine(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
                } else if (line.length() < 1000) {
                    line.append(c);
                }
            }
        }
    }

    /**
     * Holds each clear-text command line until its verb is known, then lets it through or refuses it.
     * Once TLS is layered on the socket, the bytes are TLS records and pass unchecked.
     */
    private final class CommandGuard extends FilterOutputStream {
        private final java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream();

        CommandGuard(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            if (tlsLayered && held.size() == 0) {
                toPeer.feed(buffer, offset, length);
                out.write(buffer, offset, length);
                return;
            }
            for (int i = offset; i < offset + length; i++) {
                held.write(buffer[i]);
                if (buffer[i] == '\n') {
                    release();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        private void release() throws IOException {
            byte[] command = held.toByteArray();
            held.reset();
            String text = new String(command, StandardCharsets.US_ASCII);
            int end = 0;
            while (end < text.length() && Character.isLetter(text.charAt(end))) {
                end++;
            }
            commandVerb(text.substring(0, end).toUpperCase(Locale.ROOT));
            out.write(command);
        }
    }
}
