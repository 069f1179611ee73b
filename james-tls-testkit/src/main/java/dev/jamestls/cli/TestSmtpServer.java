package dev.jamestls.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import dev.jamestls.pki.SslContexts;

/**
 * An SMTP server on 127.0.0.1 for probe tests: greeting, EHLO (with or without STARTTLS),
 * STARTTLS with a real handshake, QUIT; every other command is refused and recorded, so a test
 * can assert that the probe never sent MAIL, RCPT or DATA. One connection at a time.
 *
 * <p>{@link #main} runs it in a separate JVM for the "TLS 1.0 only" partner, started with
 * {@code jdk.tls.disabledAlgorithms} cleared for that process only.
 */
final class TestSmtpServer implements AutoCloseable {
    private static final int MAX_COMMANDS = 50;

    private final ServerSocket server;
    private final Optional<SSLContext> tls;
    private final String[] protocols;
    private final boolean silent;
    private final boolean refuseStartTls;
    private final String[] suites;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<String> handshakeErrors = new CopyOnWriteArrayList<>();
    private final Thread thread;

    /**
     * @param tls the server context; empty: STARTTLS is not offered
     * @param protocols protocols the server enables; empty: the JDK defaults
     * @param silent accept connections but never send a greeting (timeout tests)
     */
    TestSmtpServer(Optional<SSLContext> tls, List<String> protocols, boolean silent) throws IOException {
        this(tls, protocols, List.of(), silent, false);
    }

    /**
     * @param suites cipher suites the server enables; empty: the JDK defaults
     * @param refuseStartTls offer STARTTLS but answer it with 454 (RFC 3207 §4)
     */
    TestSmtpServer(Optional<SSLContext> tls, List<String> protocols, List<String> suites, boolean silent, boolean refuseStartTls)
        throws IOException {
        this.refuseStartTls = refuseStartTls;
        this.suites = suites.toArray(String[]::new);
        this.server = new ServerSocket();
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.tls = tls;
        this.protocols = protocols.toArray(String[]::new);
        this.silent = silent;
        this.thread = new Thread(this::serve, "test-smtp-" + server.getLocalPort());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    static TestSmtpServer withStartTls(SSLContext context) throws IOException {
        return new TestSmtpServer(Optional.of(context), List.of(), false);
    }

    static TestSmtpServer plainOnly() throws IOException {
        return new TestSmtpServer(Optional.empty(), List.of(), false);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Commands received, upper-cased verb plus argument, in order, over all connections. */
    List<String> commands() {
        return List.copyOf(commands);
    }

    List<String> handshakeErrors() {
        return List.copyOf(handshakeErrors);
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(10_000);
                if (silent) {
                    socket.getInputStream().read();
                    continue;
                }
                session(socket);
            } catch (IOException | RuntimeException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void session(Socket plain) throws IOException {
        Socket socket = plain;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        write(out, "220 mx.test ESMTP test server");
        boolean secured = false;
        for (int count = 0; count < MAX_COMMANDS; count++) {
            String line = readLine(in);
            if (line == null) {
                return;
            }
            commands.add(line);
            String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            switch (verb) {
                case "EHLO" -> write(out, "250-mx.test greets you\r\n250-PIPELINING\r\n"
                    + (tls.isPresent() && !secured ? "250-STARTTLS\r\n" : "") + "250 8BITMIME");
                case "STARTTLS" -> {
                    if (tls.isEmpty() || secured) {
                        write(out, "502 5.5.1 STARTTLS not available");
                        continue;
                    }
                    if (refuseStartTls) {
                        write(out, "454 4.7.0 TLS not available due to temporary reason");
                        continue;
                    }
                    write(out, "220 2.0.0 ready to start TLS");
                    SSLSocket ssl = (SSLSocket) tls.get().getSocketFactory().createSocket(socket, null, socket.getPort(), true);
                    ssl.setUseClientMode(false);
                    if (protocols.length > 0) {
                        ssl.setEnabledProtocols(protocols);
                    }
                    if (suites.length > 0) {
                        ssl.setEnabledCipherSuites(suites);
                    }
                    try {
                        ssl.startHandshake();
                    } catch (IOException e) {
                        handshakeErrors.add(String.valueOf(e.getMessage()));
                        return;
                    }
                    socket = ssl;
                    in = ssl.getInputStream();
                    out = ssl.getOutputStream();
                    secured = true;
                }
                case "QUIT" -> {
                    write(out, "221 2.0.0 bye");
                    return;
                }
                default -> write(out, "502 5.5.1 not in this test server");
            }
        }
    }

    static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int length = 0; length < 1000; length++) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.US_ASCII);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        throw new IOException("line too long");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        thread.join(5000);
    }

    /**
     * Child-process entry: {@code <pkcs12> <password> <root.pem> <protocol>}. Serves STARTTLS with only
     * {@code protocol} enabled, proves it with a handshake of its own at that protocol, prints
     * {@code self-check <protocol> <cipher>} and {@code ready <port>}, and exits when stdin closes.
     */
    public static void main(String[] args) throws Exception {
        char[] password = args[1].toCharArray();
        KeyStore store = KeyStore.getInstance(Path.of(args[0]).toFile(), password);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        TestSmtpServer server = new TestSmtpServer(Optional.of(context), List.of(args[3]), false);
        List<X509Certificate> anchors = new ArrayList<>();
        try (InputStream in = Files.newInputStream(Path.of(args[2]))) {
            CertificateFactory.getInstance("X.509").generateCertificates(in).forEach(anchor -> anchors.add((X509Certificate) anchor));
        }
        SSLContext client = SslContexts.context(Optional.empty(), anchors);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            readLine(in);
            write(out, "EHLO self-check");
            for (String line = readLine(in); line != null && line.startsWith("250-"); line = readLine(in)) {
                // skip the extension lines
            }
            write(out, "STARTTLS");
            readLine(in);
            SSLSocket ssl = (SSLSocket) client.getSocketFactory().createSocket(socket, "localhost", server.port(), true);
            ssl.setEnabledProtocols(new String[] {args[3]});
            ssl.startHandshake();
            System.out.println("self-check " + ssl.getSession().getProtocol() + " " + ssl.getSession().getCipherSuite());
            write(ssl.getOutputStream(), "QUIT");
            readLine(ssl.getInputStream());
        }
        System.out.println("ready " + server.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the parent closes our stdin
        }
        server.close();
    }
}
