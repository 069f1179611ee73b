package dev.jamestls.it.harness;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import dev.jamestls.pki.IssuedCertificate;

/**
 * A receiving SMTP server on 127.0.0.1 for outbound tests (RFC 5321 server side, RFC 3207 STARTTLS),
 * whose TLS identity and behaviour the test chooses: the certificate chain it presents (valid,
 * expired, wrong name, self-signed, without its intermediate), the protocols it enables, whether EHLO
 * lists STARTTLS (the "stripped" destination), whether STARTTLS is answered 454, how long it takes to
 * accept a message (a slow destination), whether it defers the recipients of one domain, whether EHLO lists REQUIRETLS
 * (RFC 8689: over TLS, or only in clear as a forged reply would). It records every byte
 * it received in clear text, the messages it accepted (and whether over TLS), and counts TCP accepts.
 */
public final class TestSmtpServer implements AutoCloseable {
    /**
     * A received message; {@code clientSubject} is the subject of the client certificate, {@code serverName} the host
     * name the client sent in SNI (RFC 6066 §3), each empty when none.
     */
    public record Received(String mailFrom, List<String> rcptTo, String data, boolean overTls, String protocol, String clientSubject,
                           String serverName) {
    }

    private final ServerSocket serverSocket;
    private final Optional<SSLContext> tls;
    private final List<String> protocols;
    private final boolean offerStartTls;
    private final boolean refuseStartTls;
    private final boolean requireTlsOverTls;
    private final boolean requireTlsInClear;
    private final boolean requireClientCertificate;
    private final boolean refuseEhloOverTls;
    private final String requireTlsLine;
    private final Optional<String> mailReply;
    private final Map<String, String> rcptReplies;
    private final String name;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger accepts = new AtomicInteger();
    private final AtomicInteger fullHandshakes = new AtomicInteger();
    private final AtomicInteger quits = new AtomicInteger();
    private final AtomicInteger messagesInProgress = new AtomicInteger();
    private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final List<String> mailCommands = Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream clearText = new ByteArrayOutputStream();
    private final java.time.Duration dataDelay;
    private final Optional<String> deferredDomain;
    private volatile boolean deferring;
    private volatile boolean closed;

    private TestSmtpServer(Builder builder) throws IOException {
        this.name = builder.name;
        this.tls = builder.identity.map(chain -> context(builder.key, chain, fullHandshakes, builder.clientAnchors));
        this.requireClientCertificate = builder.clientAnchors.isPresent();
        this.protocols = List.copyOf(builder.protocols);
        this.offerStartTls = builder.offerStartTls;
        this.refuseStartTls = builder.refuseStartTls;
        this.requireTlsOverTls = builder.requireTlsOverTls;
        this.requireTlsInClear = builder.requireTlsInClear;
        this.rcptReplies = Map.copyOf(builder.rcptReplies);
        this.refuseEhloOverTls = builder.refuseEhloOverTls;
        this.requireTlsLine = builder.requireTlsLine;
        this.mailReply = builder.mailReply;
        this.dataDelay = builder.dataDelay;
        this.deferredDomain = builder.deferredDomain;
        this.deferring = deferredDomain.isPresent();
        this.serverSocket = new ServerSocket(builder.port, 50, InetAddress.getLoopbackAddress());
        executor.submit(this::acceptLoop);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public int accepts() {
        return accepts.get();
    }

    /**
     * TLS handshakes in which this server chose its certificate: full handshakes. A resumed handshake
     * (RFC 8446 §2.2, RFC 5077) sends no certificate and is not counted.
     */
    public int fullHandshakes() {
        return fullHandshakes.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return open.size();
    }

    /** QUIT commands received. */
    public int quits() {
        return quits.get();
    }

    /** Closes every open connection without a reply, as a server dropping idle clients does. */
    public void dropConnections() {
        for (Socket socket : List.copyOf(open)) {
            try {
                socket.close();
            } catch (IOException e) {
                // Already gone.
            }
        }
    }

    /** Every MAIL command received, as sent (over TLS too), answered or refused. */
    public List<String> mailCommands() {
        synchronized (mailCommands) {
            return List.copyOf(mailCommands);
        }
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Every byte the server read before TLS, over all connections. */
    public String clearText() {
        synchronized (clearText) {
            return clearText.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Messages between {@code DATA} and this server's reply to their end (several while {@link Builder#dataDelay slow}). */
    public int messagesInProgress() {
        return messagesInProgress.get();
    }

    /** From now on, the recipients of the {@link Builder#deferring deferred} domain are accepted. */
    public void stopDeferring() {
        deferring = false;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        serverSocket.close();
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                accepts.incrementAndGet();
                executor.submit(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        open.add(socket);
        try (Socket raw = socket) {
            raw.setSoTimeout(20_000);
            InputStream in = new Recording(raw.getInputStream());
            OutputStream out = raw.getOutputStream();
            Session session = new Session(in, out);
            session.reply("220 " + name + " ESMTP test");
            String from = null;
            List<String> rcpts = new ArrayList<>();
            while (true) {
                String line = session.readLine();
                if (line == null) {
                    return;
                }
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                if (verb.equals("EHLO") && refuseEhloOverTls && session.ssl != null) {
                    session.reply("502 5.5.1 EHLO not accepted here");
                } else if (verb.equals("EHLO")) {
                    StringBuilder reply = new StringBuilder("250-" + name + "\r\n");
                    if (offerStartTls && tls.isPresent() && session.ssl == null) {
                        reply.append("250-STARTTLS\r\n");
                    }
                    if (session.ssl == null ? requireTlsInClear : requireTlsOverTls) {
                        reply.append("250-").append(requireTlsLine).append("\r\n");
                    }
                    reply.append("250 8BITMIME");
                    session.reply(reply.toString());
                } else if (verb.equals("HELO")) {
                    session.reply("250 " + name);
                } else if (line.equalsIgnoreCase("STARTTLS")) {
                    if (refuseStartTls || tls.isEmpty() || session.ssl != null) {
                        session.reply("454 4.7.0 TLS not available due to temporary reason");
                        continue;
                    }
                    session.reply("220 2.0.0 Ready to start TLS");
                    SSLSocket ssl = (SSLSocket) tls.get().getSocketFactory().createSocket(raw, null, raw.getPort(), false);
                    ssl.setUseClientMode(false);
                    ssl.setNeedClientAuth(requireClientCertificate);
                    ssl.setEnabledProtocols(protocols.toArray(String[]::new));
                    try {
                        ssl.startHandshake();
                    } catch (IOException e) {
                        return;
                    }
                    session = new Session(ssl.getInputStream(), ssl.getOutputStream());
                    session.ssl = ssl;
                    from = null;
                    rcpts.clear();
                } else if (verb.equals("MAIL")) {
                    mailCommands.add(line);
                    if (mailReply.isPresent()) {
                        session.reply(mailReply.get());
                        continue;
                    }
                    from = line.substring(line.indexOf(':') + 1).trim();
                    session.reply("250 2.1.0 Ok");
                } else if (verb.equals("RCPT")) {
                    String rcpt = line.substring(line.indexOf(':') + 1).trim();
                    String refusal = rcptReplies.get(rcpt.toLowerCase(java.util.Locale.ROOT));
                    if (refusal != null) {
                        session.reply(refusal);
                        continue;
                    }
                    if (deferring && rcpt.toLowerCase(java.util.Locale.ROOT).endsWith("@" + deferredDomain.orElseThrow() + ">")) {
                        // RFC 5321 §4.2.2 / RFC 3463: 451 4.3.0, a temporary failure the client retries later.
                        session.reply("451 4.3.0 Try again later");
                        continue;
                    }
                    rcpts.add(rcpt);
                    session.reply("250 2.1.5 Ok");
                } else if (verb.equals("DATA")) {
                    session.reply("354 End data with <CR><LF>.<CR><LF>");
                    messagesInProgress.incrementAndGet();
                    StringBuilder data = new StringBuilder();
                    for (String dataLine = session.readLine(); dataLine != null && !dataLine.equals("."); dataLine = session.readLine()) {
                        data.append(dataLine).append("\n");
                    }
                    try {
                        if (!dataDelay.isZero()) {
                            Thread.sleep(dataDelay.toMillis());
                        }
                        received.add(new Received(from, List.copyOf(rcpts), data.toString(), session.ssl != null,
                            session.ssl == null ? "" : session.ssl.getSession().getProtocol(), clientSubject(session.ssl),
                            serverName(session.ssl)));
                        session.reply("250 2.0.0 Ok: queued");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } finally {
                        messagesInProgress.decrementAndGet();
                    }
                    from = null;
                    rcpts.clear();
                } else if (verb.equals("RSET") || verb.equals("NOOP")) {
                    session.reply("250 2.0.0 Ok");
                } else if (verb.equals("QUIT")) {
                    quits.incrementAndGet();
                    session.reply("221 2.0.0 Bye");
                    return;
                } else {
                    session.reply("500 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException e) {
            // The client went away.
        } finally {
            open.remove(socket);
        }
    }

    private final class Recording extends FilterInputStream {
        Recording(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                synchronized (clearText) {
                    clearText.write(b);
                }
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                synchronized (clearText) {
                    clearText.write(buffer, offset, n);
                }
            }
            return n;
        }
    }

    /** Line reading without buffering ahead, so STARTTLS can take over the raw socket. */
    private final class Session {
        private final InputStream in;
        private final OutputStream out;
        private SSLSocket ssl;

        Session(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.ISO_8859_1);
                    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                }
                line.write(b);
            }
            return null;
        }

        void reply(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    private static String serverName(SSLSocket ssl) {
        if (ssl == null || !(ssl.getSession() instanceof ExtendedSSLSession session)) {
            return "";
        }
        return session.getRequestedServerNames().stream().filter(SNIHostName.class::isInstance)
            .map(name -> ((SNIHostName) name).getAsciiName()).findFirst().orElse("");
    }

    private static String clientSubject(SSLSocket ssl) {
        if (ssl == null) {
            return "";
        }
        try {
            return ((X509Certificate) ssl.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return "";
        }
    }

    private static SSLContext context(java.security.PrivateKey key, List<X509Certificate> chain, AtomicInteger fullHandshakes,
                                      Optional<List<X509Certificate>> clientAnchors) {
        try {
            // JKS stores a chain as given; PKCS12 refuses one whose names do not link, which a forged chain
            // (an attacker's leaf followed by someone else's certificate) must be able to be.
            KeyStore store = KeyStore.getInstance("JKS");
            store.load(null, null);
            char[] password = "transient".toCharArray();
            store.setKeyEntry("server", key, password, chain.toArray(Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            javax.net.ssl.X509ExtendedKeyManager counting = new CountingKeyManager(
                (javax.net.ssl.X509ExtendedKeyManager) keys.getKeyManagers()[0], fullHandshakes);
            javax.net.ssl.TrustManager[] trust = null;
            if (clientAnchors.isPresent()) {
                javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
                factory.init(dev.jamestls.pki.SslContexts.trustStore(clientAnchors.get()));
                trust = factory.getTrustManagers();
            }
            context.init(new javax.net.ssl.KeyManager[] {counting}, trust, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the test server's TLS context", e);
        }
    }

    public static final class Builder {
        private final String name;
        private Optional<List<X509Certificate>> identity = Optional.empty();
        private java.security.PrivateKey key;
        private List<String> protocols = List.of("TLSv1.2", "TLSv1.3");
        private boolean offerStartTls = true;
        private boolean refuseStartTls;
        private boolean requireTlsOverTls;
        private boolean requireTlsInClear;
        private Optional<List<X509Certificate>> clientAnchors = Optional.empty();
        private final Map<String, String> rcptReplies = new java.util.HashMap<>();
        private boolean refuseEhloOverTls;
        private String requireTlsLine = "REQUIRETLS";
        private Optional<String> mailReply = Optional.empty();
        private int port;
        private java.time.Duration dataDelay = java.time.Duration.ZERO;
        private Optional<String> deferredDomain = Optional.empty();

        private Builder(String name) {
            this.name = name;
        }

        /** Presents the certificate with its intermediates (not the root). */
        public Builder certificate(IssuedCertificate certificate) {
            return chain(certificate, certificate.presentedChain());
        }

        /** Presents exactly {@code chain} (e.g. the leaf alone, without its intermediate). */
        public Builder chain(IssuedCertificate certificate, List<X509Certificate> chain) {
            this.identity = Optional.of(List.copyOf(chain));
            this.key = certificate.keyPair().getPrivate();
            return this;
        }

        public Builder protocols(String... names) {
            this.protocols = List.of(names);
            return this;
        }

        /** EHLO does not list STARTTLS (as when a man in the middle strips it). */
        public Builder withoutStartTls() {
            this.offerStartTls = false;
            return this;
        }

        /** EHLO after STARTTLS lists REQUIRETLS (RFC 8689 §2); MAIL FROM is recorded with its parameters. */
        public Builder requireTls() {
            this.requireTlsOverTls = true;
            return this;
        }

        /** EHLO lists REQUIRETLS in clear text only, not after STARTTLS (what a forged clear-text reply would say). */
        public Builder requireTlsInClearOnly() {
            this.requireTlsInClear = true;
            return this;
        }

        /**
         * EHLO after STARTTLS is answered {@code 502} (what the clear-text EHLO listed is all the client heard; with
         * {@link #requireTlsInClearOnly()}, a REQUIRETLS that only a man in the middle could have written).
         */
        public Builder refusingEhloOverTls() {
            this.refuseEhloOverTls = true;
            return this;
        }

        /**
         * EHLO after STARTTLS lists {@code line} where {@link #requireTls()} lists {@code REQUIRETLS}: another case, a
         * longer keyword, or the word as another extension's argument ({@code XFOO REQUIRETLS}).
         */
        public Builder requireTlsLine(String line) {
            this.requireTlsOverTls = true;
            this.requireTlsLine = line;
            return this;
        }

        /** Every {@code MAIL} command is answered with {@code reply} (e.g. {@code 555 5.5.4 REQUIRETLS not supported}). */
        public Builder mailReply(String reply) {
            this.mailReply = Optional.of(reply);
            return this;
        }

        /** STARTTLS is listed but answered {@code 454}. */
        public Builder refusingStartTls() {
            this.refuseStartTls = true;
            return this;
        }

        /**
         * Demands a client certificate that chains to {@code anchors} (Postfix {@code smtpd_tls_req_ccert}): TLS 1.3
         * ends with the alert certificate_required, TLS 1.2 with handshake_failure, when none or another is presented.
         */
        public Builder requireClientCertificate(List<X509Certificate> anchors) {
            this.clientAnchors = Optional.of(List.copyOf(anchors));
            return this;
        }

        /** {@code RCPT TO:<address>} is answered with {@code reply} (e.g. {@code 550 5.1.1 no such user}) instead of 250. */
        public Builder rcptReply(String address, String reply) {
            this.rcptReplies.put("<" + address.toLowerCase(java.util.Locale.ROOT) + ">", reply);
            return this;
        }

        /** Listens on this loopback port instead of a free one (the sandbox demo's fixed destinations). */
        public Builder port(int fixedPort) {
            this.port = fixedPort;
            return this;
        }

        /** Waits this long after the end of the message before its {@code 250} (a slow destination). */
        public Builder dataDelay(java.time.Duration delay) {
            this.dataDelay = delay;
            return this;
        }

        /** Answers {@code RCPT} for recipients of {@code domain} with {@code 451 4.3.0} until {@link #stopDeferring()}. */
        public Builder deferring(String domain) {
            this.deferredDomain = Optional.of(domain.toLowerCase(java.util.Locale.ROOT));
            return this;
        }

        public TestSmtpServer start() throws IOException {
            return new TestSmtpServer(this);
        }
    }

    /** Counts the handshakes that choose a server certificate (full handshakes). */
    private static final class CountingKeyManager extends javax.net.ssl.X509ExtendedKeyManager {
        private final javax.net.ssl.X509ExtendedKeyManager keys;
        private final AtomicInteger count;

        CountingKeyManager(javax.net.ssl.X509ExtendedKeyManager keys, AtomicInteger count) {
            this.keys = keys;
            this.count = count;
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, Socket socket) {
            String alias = keys.chooseServerAlias(keyType, issuers, socket);
            if (alias != null) {
                count.incrementAndGet();
            }
            return alias;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
            String alias = keys.chooseEngineServerAlias(keyType, issuers, engine);
            if (alias != null) {
                count.incrementAndGet();
            }
            return alias;
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return keys.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, Socket socket) {
            return keys.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }
}
