package dev.jamestls.james.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPConfigurationImpl;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.SMTPSessionImpl;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import dev.jamestls.james.attributes.ClientVerification;
import dev.jamestls.james.attributes.TlsAttributes;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.SslContexts;
import dev.jamestls.tls.TlsFacts;

/**
 * The TLS facts of a James SMTP session are read off JSSE once per TLS session, over real
 * loopback handshakes: every transaction of the session gets the same facts, chain and mail
 * attributes without asking JSSE again (which answers "no client certificate" by throwing),
 * and a new TLS session is read afresh.
 */
class SmtpSessionTlsTest {
    static final Instant NOW = Instant.now();
    static final CertificateAuthority CA = CertificateAuthority.root("CN=Session Test CA", NOW);
    static final IssuedCertificate SERVER = CA.leaf("CN=mx.example").dnsNames("mx.example").issue();
    static final IssuedCertificate PARTNER = CA.leaf("CN=partner.example").dnsNames("partner.example")
        .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();

    @Test
    void aSessionWithoutClientCertificateAsksJsseOnceForAllItsTransactions() throws Exception {
        Counted tls = handshake(Optional.empty());
        SessionOver transport = new SessionOver(tls.session());
        SMTPSession session = new SMTPSessionImpl(transport.proxy(), new SMTPConfigurationImpl());

        for (int transaction = 0; transaction < 3; transaction++) {
            FakeMail mail = FakeMail.builder().name("m" + transaction).build();
            SmtpSessionTls.mailAttributes(session).forEach(mail::setAttribute);

            assertThat(SmtpSessionTls.facts(session).protocol()).contains(tls.session().getProtocol());
            assertThat(SmtpSessionTls.peerChain(session)).isEmpty();
            assertThat(TlsAttributes.string(mail, TlsAttributes.CHANNEL)).contains("starttls");
            assertThat(TlsAttributes.verification(mail)).contains(ClientVerification.NONE);
            assertThat(mail.getAttribute(TlsAttributes.CLIENT_CHAIN_PEM)).isEmpty();
            session.resetState();
        }
        assertThat(tls.peerCertificateCalls()).as("JSSE asked for the client certificate").hasValue(1);
    }

    @Test
    void aPresentedChainIsReadOnceAndEveryMailOfTheSessionCarriesIt() throws Exception {
        Counted tls = handshake(Optional.of(PARTNER));
        SMTPSession session = new SMTPSessionImpl(new SessionOver(tls.session()).proxy(), new SMTPConfigurationImpl());

        for (int transaction = 0; transaction < 3; transaction++) {
            FakeMail mail = FakeMail.builder().name("m" + transaction).build();
            SmtpSessionTls.mailAttributes(session).forEach(mail::setAttribute);

            assertThat(SmtpSessionTls.peerChain(session)).containsExactly(PARTNER.certificate());
            assertThat(TlsAttributes.read(mail).flatMap(TlsFacts::peerCertificate).map(c -> c.subject()))
                .contains("CN=partner.example");
            assertThat(TlsAttributes.chain(mail)).containsExactly(PARTNER.certificate());
            assertThat(TlsAttributes.verification(mail)).as("James's listener required the certificate")
                .contains(ClientVerification.LISTENER);
            session.resetState();
        }
        assertThat(tls.peerCertificateCalls()).hasValue(1);
    }

    @Test
    void aNewTlsSessionOnTheSameConnectionIsReadAgain() throws Exception {
        Counted first = handshake(Optional.empty());
        Counted second = handshake(Optional.of(PARTNER));
        SessionOver transport = new SessionOver(first.session());
        SMTPSession session = new SMTPSessionImpl(transport.proxy(), new SMTPConfigurationImpl());
        assertThat(SmtpSessionTls.peerChain(session)).isEmpty();

        transport.current.set(second.session());

        assertThat(SmtpSessionTls.peerChain(session)).containsExactly(PARTNER.certificate());
        assertThat(SmtpSessionTls.mailAttributes(session)).extracting(a -> a.getName())
            .contains(TlsAttributes.CLIENT_CHAIN_PEM);
        assertThat(second.peerCertificateCalls()).hasValue(1);
    }

    @Test
    void clearTextHasNoTlsSessionToRead() throws Exception {
        SessionOver transport = new SessionOver(null);
        SMTPSession session = new SMTPSessionImpl(transport.proxy(), new SMTPConfigurationImpl());
        FakeMail mail = FakeMail.builder().name("m").build();

        SmtpSessionTls.mailAttributes(session).forEach(mail::setAttribute);

        assertThat(SmtpSessionTls.facts(session)).isEqualTo(TlsFacts.CLEAR_TEXT);
        assertThat(SmtpSessionTls.peerChain(session)).isEmpty();
        assertThat(TlsAttributes.string(mail, TlsAttributes.CHANNEL)).contains("none");
    }

    /** The server side of a real loopback handshake, counting how often its peer chain is asked for. */
    record Counted(SSLSession session, AtomicInteger peerCertificateCalls) {
    }

    static Counted handshake(Optional<IssuedCertificate> client) throws Exception {
        SSLContext serverContext = SslContexts.context(Optional.of(SERVER), List.<X509Certificate>of(CA.certificate().certificate()));
        SSLContext clientContext = SslContexts.context(client, List.<X509Certificate>of(CA.certificate().certificate()));
        try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
            .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            server.setWantClientAuth(true);
            CompletableFuture<Void> clientSide = CompletableFuture.runAsync(() -> {
                try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    socket.setSoTimeout(10_000);
                    socket.startHandshake();
                    // Until the server closes: the server reads the session once its handshake is done.
                    socket.getInputStream().read();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            SSLSession session;
            try (SSLSocket accepted = (SSLSocket) server.accept()) {
                accepted.setSoTimeout(10_000);
                accepted.startHandshake();
                session = accepted.getSession();
            }
            clientSide.get(10, TimeUnit.SECONDS);
            return counting(session);
        }
    }

    private static Counted counting(SSLSession real) {
        AtomicInteger calls = new AtomicInteger();
        SSLSession counted = (SSLSession) Proxy.newProxyInstance(SSLSession.class.getClassLoader(), new Class<?>[] {SSLSession.class},
            (proxy, method, args) -> {
                if (method.getName().equals("getPeerCertificates")) {
                    calls.incrementAndGet();
                }
                try {
                    return method.invoke(real, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        return new Counted(counted, calls);
    }

    /** A STARTTLS connection as James's transport shows it; {@code current} is its TLS session, null in clear text. */
    static final class SessionOver {
        final AtomicReference<SSLSession> current;

        SessionOver(SSLSession session) {
            this.current = new AtomicReference<>(session);
        }

        ProtocolTransport proxy() {
            return new ProtocolTransport() {
                @Override
                public InetSocketAddress getRemoteAddress() {
                    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
                }

                @Override
                public InetSocketAddress getLocalAddress() {
                    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 25);
                }

                @Override
                public String getId() {
                    return "session-under-test";
                }

                @Override
                public boolean isTLSStarted() {
                    return current.get() != null;
                }

                @Override
                public boolean isStartTLSSupported() {
                    return true;
                }

                @Override
                public Optional<SSLSession> getSSLSession() {
                    return Optional.ofNullable(current.get());
                }

                @Override
                public boolean isProxyRequired() {
                    return false;
                }

                @Override
                public void writeResponse(Response response, ProtocolSession session) {
                    throw new UnsupportedOperationException("nothing is written to the client here");
                }

                @Override
                public void popLineHandler() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void pushLineHandler(LineHandler<? extends ProtocolSession> handler, ProtocolSession session) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void setReadable(boolean readable) {
                }

                @Override
                public boolean isReadable() {
                    return true;
                }
            };
        }
    }
}
