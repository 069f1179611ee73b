package dev.jamestls.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import dev.jamestls.outbound.HeloName;
import dev.jamestls.outbound.StartTlsLayer;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.tls.HandshakeFailure;
import dev.jamestls.tls.NetworkFailure;
import dev.jamestls.verify.CertificateRequirement;
import dev.jamestls.verify.ChainVerifier;
import dev.jamestls.verify.VerificationOutcome;
import dev.jamestls.verify.VerifyingTrustManager;

/**
 * Probes one SMTP server: connect, greeting, EHLO, STARTTLS (RFC 3207), TLS handshake, EHLO
 * again, QUIT. Never sends MAIL, RCPT or DATA. Every step has its own timeout. The handshake
 * is layered as delivery layers it for a {@link TlsPlan} ({@link StartTlsLayer}: the plan's protocols,
 * never below TLS 1.2, RFC 8996; its cipher suites; SNI) and records the chain with the product's
 * trust manager in record-only mode, so a bad certificate is reported, not fatal.
 */
public final class SmtpProbe {
    private static final int MAX_REPLY_LINES = 100;
    private static final int MAX_LINE = 4096;

    /**
     * @param connectTimeout TCP connect
     * @param stepTimeout each read: greeting, each reply, the handshake
     * @param heloName the EHLO argument; empty: the address literal of our end (RFC 5321 §4.1.4)
     */
    public record Settings(Duration connectTimeout, Duration stepTimeout, Optional<String> heloName) {
        public Settings {
            positive(connectTimeout, "connect timeout");
            positive(stepTimeout, "step timeout");
            Objects.requireNonNull(heloName, "heloName");
        }

        private static void positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
        }
    }

    private final Settings settings;
    private final ChainVerifier verifier;

    public SmtpProbe(Settings settings, ChainVerifier verifier) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /**
     * @param host the name to report
     * @param plan how to layer TLS (protocols, cipher suites, SNI) and the certificate requirement to record
     * @param progress receives each step as it finishes
     */
    public TargetProbe probe(String host, InetAddress address, int port, TlsPlan plan, Consumer<ProbeStep> progress) {
        Session session = new Session(host, address, port, progress);
        try (Socket socket = new Socket(Proxy.NO_PROXY)) {
            long started = System.nanoTime();
            try {
                socket.connect(new InetSocketAddress(address, port), Math.toIntExact(settings.connectTimeout().toMillis()));
                socket.setSoTimeout(Math.toIntExact(settings.stepTimeout().toMillis()));
            } catch (IOException e) {
                session.step("connect", false, describe(e), started);
                return session.noSession("connect failed: " + describe(e));
            }
            session.step("connect", true, "connected from " + socket.getLocalAddress().getHostAddress(), started);
            return converse(session, socket, plan);
        } catch (IOException e) {
            return session.noSession("socket: " + describe(e));
        }
    }

    private TargetProbe converse(Session session, Socket socket, TlsPlan plan) throws IOException {
        Channel plain = new Channel(socket.getInputStream(), socket.getOutputStream());
        long started = System.nanoTime();
        Reply greeting;
        try {
            greeting = plain.read();
        } catch (IOException e) {
            session.step("greeting", false, describe(e), started);
            return session.noSession("no greeting: " + describe(e));
        }
        // RFC 5321 §4.2: 220 is the only greeting that opens a session.
        session.step("greeting", greeting.code() == 220, greeting.firstLine(), started);
        if (greeting.code() != 220) {
            return session.noSession("greeting refused: " + greeting.firstLine());
        }
        String helo = settings.heloName().orElse(HeloName.addressLiteral(socket.getLocalAddress()));
        started = System.nanoTime();
        Reply ehlo;
        try {
            ehlo = plain.command("EHLO " + helo);
        } catch (IOException e) {
            session.step("EHLO", false, describe(e), started);
            return session.noSession("EHLO: " + describe(e));
        }
        if (ehlo.code() != 250) {
            session.step("EHLO", false, ehlo.firstLine(), started);
            quit(session, plain);
            return session.noSession("EHLO refused: " + ehlo.firstLine() + " (STARTTLS needs ESMTP, RFC 3207 §4)");
        }
        session.starttlsOffered = ehlo.keywords().contains("STARTTLS");
        session.step("EHLO", true, "250, extensions " + ehlo.keywords(), started);
        if (!session.starttlsOffered) {
            session.step("STARTTLS", false, "not offered", System.nanoTime());
            quit(session, plain);
            return session.result();
        }
        started = System.nanoTime();
        Reply ready;
        try {
            ready = plain.command("STARTTLS");
        } catch (IOException e) {
            session.step("STARTTLS", false, describe(e), started);
            session.tlsFailure = "STARTTLS: " + describe(e);
            return session.result();
        }
        // RFC 3207 §4: 220 means "ready to start TLS"; anything else leaves the session in clear text.
        session.step("STARTTLS", ready.code() == 220, ready.firstLine(), started);
        if (ready.code() != 220) {
            session.tlsFailure = "STARTTLS refused: " + ready.firstLine();
            quit(session, plain);
            return session.result();
        }
        AtomicReference<VerificationOutcome> outcome = new AtomicReference<>();
        SSLSocket tls;
        started = System.nanoTime();
        try {
            tls = handshake(socket, plan, outcome);
        } catch (IOException | GeneralSecurityException e) {
            String failure = describe(e);
            session.step("handshake", false, failure, started);
            session.handshakeFailure = Optional.of(HandshakeFailure.of(e));
            List<String> offered = new ArrayList<>(plan.protocols());
            Collections.reverse(offered);
            session.tlsFailure = "TLS handshake failed: " + failure + " (we offer " + String.join(", ", offered)
                + " only, RFC 8996)";
            return session.result();
        }
        SSLSession negotiated = tls.getSession();
        session.protocol = negotiated.getProtocol();
        session.cipherSuite = negotiated.getCipherSuite();
        session.presented = peerChain(negotiated);
        session.verifyOutcome = Optional.ofNullable(outcome.get());
        session.step("handshake", true, negotiated.getProtocol() + " " + negotiated.getCipherSuite() + ", "
            + session.presented.size() + " certificate" + (session.presented.size() == 1 ? "" : "s") + " presented", started);
        Channel secure = new Channel(tls.getInputStream(), tls.getOutputStream());
        started = System.nanoTime();
        try {
            // RFC 3207 §4.2: the client discards what it knew and asks again.
            Reply again = secure.command("EHLO " + helo);
            session.sessionOverTls = again.code() == 250;
            session.step("EHLO (TLS)", again.code() == 250, again.code() == 250 ? "250, extensions " + again.keywords()
                : again.firstLine(), started);
        } catch (IOException e) {
            session.step("EHLO (TLS)", false, describe(e), started);
            return session.result();
        }
        quit(session, secure);
        return session.result();
    }

    private SSLSocket handshake(Socket socket, TlsPlan plan, AtomicReference<VerificationOutcome> outcome)
        throws IOException, GeneralSecurityException {
        CertificateRequirement requirement = plan.certificate().orElseThrow(
            () -> new IllegalArgumentException("level " + plan.level() + " has no TLS requirement"));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new VerifyingTrustManager(verifier, requirement,
            VerifyingTrustManager.OnFailure.RECORD_ONLY, outcome::set)}, null);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, plan.sniHost(), socket.getPort(), true);
        StartTlsLayer.configure(tls, plan);
        tls.setUseClientMode(true);
        tls.setSoTimeout(Math.toIntExact(settings.stepTimeout().toMillis()));
        tls.startHandshake();
        return tls;
    }

    private static void quit(Session session, Channel channel) {
        long started = System.nanoTime();
        try {
            Reply reply = channel.command("QUIT");
            session.step("QUIT", reply.code() == 221, reply.firstLine(), started);
        } catch (IOException e) {
            session.step("QUIT", false, describe(e), started);
        }
    }

    private static List<X509Certificate> peerChain(SSLSession session) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : session.getPeerCertificates()) {
                if (certificate instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
            return chain;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    static String describe(Exception e) {
        if (e instanceof SSLException) {
            // A TLS alert after the handshake (a TLS 1.3 server refusing our certificate) is named like a handshake failure.
            return HandshakeFailure.of(e).describe();
        }
        return NetworkFailure.describe(e);
    }

    /** One SMTP reply (RFC 5321 §4.2): code and lines without the code. */
    record Reply(int code, List<String> lines) {
        String firstLine() {
            return code + (lines.isEmpty() || lines.get(0).isEmpty() ? "" : " " + lines.get(0));
        }

        /** EHLO keywords (RFC 5321 §4.1.1.1), upper case, from the lines after the first. */
        List<String> keywords() {
            return lines.stream().skip(1).map(line -> line.split(" ", 2)[0].toUpperCase(Locale.ROOT)).toList();
        }
    }

    /** Commands and replies over a stream pair; reads byte by byte so nothing is buffered across STARTTLS. */
    private static final class Channel {
        private final InputStream in;
        private final OutputStream out;

        Channel(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        Reply command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read();
        }

        Reply read() throws IOException {
            List<String> lines = new ArrayList<>();
            for (int count = 0; count < MAX_REPLY_LINES; count++) {
                String line = line();
                if (line.length() < 3 || !line.substring(0, 3).matches("[2-5][0-9][0-9]")
                    || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                    throw new IOException("not an SMTP reply: '" + printable(line) + "'");
                }
                lines.add(line.length() > 4 ? line.substring(4) : "");
                if (line.length() == 3 || line.charAt(3) == ' ') {
                    return new Reply(Integer.parseInt(line.substring(0, 3)), lines);
                }
            }
            throw new IOException("reply longer than " + MAX_REPLY_LINES + " lines");
        }

        private String line() throws IOException {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            for (int length = 0; length <= MAX_LINE; length++) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed by the server"
                        + (buffer.size() == 0 ? "" : " after '" + printable(buffer.toString(StandardCharsets.US_ASCII)) + "'"));
                }
                if (b == '\n') {
                    String text = buffer.toString(StandardCharsets.US_ASCII);
                    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                }
                buffer.write(b);
            }
            throw new IOException("reply line longer than " + MAX_LINE + " characters");
        }

        private static String printable(String text) {
            String cleaned = text.replaceAll("[^\\x20-\\x7e]", "?");
            return cleaned.length() > 80 ? cleaned.substring(0, 80) + "..." : cleaned;
        }
    }

    /** What has been learnt so far about one target. */
    private static final class Session {
        final String host;
        final InetAddress address;
        final int port;
        final Consumer<ProbeStep> progress;
        final List<ProbeStep> steps = new ArrayList<>();
        boolean starttlsOffered;
        String tlsFailure;
        String protocol;
        String cipherSuite;
        List<X509Certificate> presented = List.of();
        Optional<VerificationOutcome> verifyOutcome = Optional.empty();
        Optional<HandshakeFailure> handshakeFailure = Optional.empty();
        boolean sessionOverTls;

        Session(String host, InetAddress address, int port, Consumer<ProbeStep> progress) {
            this.host = host;
            this.address = address;
            this.port = port;
            this.progress = progress;
        }

        void step(String name, boolean ok, String detail, long startedNanos) {
            ProbeStep step = new ProbeStep(name, ok, detail, Duration.ofNanos(Math.max(0, System.nanoTime() - startedNanos)));
            steps.add(step);
            progress.accept(step);
        }

        TargetProbe noSession(String why) {
            return new TargetProbe(host, address, port, steps, Optional.of(why), false, Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), Optional.empty(), Optional.empty(), false);
        }

        TargetProbe result() {
            return new TargetProbe(host, address, port, steps, Optional.empty(), starttlsOffered, Optional.ofNullable(tlsFailure),
                Optional.ofNullable(protocol), Optional.ofNullable(cipherSuite), presented, verifyOutcome, handshakeFailure,
                sessionOverTls);
        }
    }
}
