package dev.jamestls.james.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.time.Instant;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.jamestls.james.smtp.SmtpSessionTls;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.SslContexts;
import dev.jamestls.testkit.CountingKeyManager;

/**
 * Every session the certificate-wanted listener's engines hand out carries the
 * listener's marker: after a full handshake and after a resumed one, in which
 * no trust manager runs although the session still reports the client's chain.
 * Real JSSE engines, handshaking in memory.
 */
class AskingListenerContextTest {
    static final Instant NOW = Instant.now();
    static final CertificateAuthority CA = CertificateAuthority.root("CN=Listener Test CA", NOW);
    static final IssuedCertificate SERVER = CA.leaf("CN=mx.example").dnsNames("mx.example").issue();
    static final IssuedCertificate SELF_MADE = CertificateAuthority.root("CN=partner.example", NOW).leaf("CN=partner.example")
        .dnsNames("partner.example").extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void everySessionOfTheListenerIsMarkedFullOrResumed(String protocol) throws Exception {
        SSLContext server = AskingListenerContext.of(serverContext());
        CountingKeyManager keys = new CountingKeyManager(SELF_MADE);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(new KeyManager[] {keys}, trust(), null);

        SSLSession first = handshake(client, server, protocol);
        SSLSession second = handshake(client, server, protocol);

        // The second handshake resumed the first session: the client was asked for its certificate once.
        assertThat(keys.choices()).isEqualTo(1);

        for (SSLSession session : List.of(first, second)) {
            assertThat(session.getProtocol()).isEqualTo(protocol);
            assertThat(session.getPeerCertificates()).hasSize(SELF_MADE.presentedChain().size());
            assertThat(session.getValue(SmtpSessionTls.CERTIFICATE_WANTED_MARKER)).isEqualTo(Boolean.TRUE);
        }
    }

    private static TrustManager[] trust() throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(SslContexts.trustStore(List.of(CA.certificate().certificate())));
        return factory.getTrustManagers();
    }

    private static SSLContext serverContext() throws Exception {
        char[] password = "transient".toCharArray();
        KeyStore store = SslContexts.keyStore(SERVER, "server", password);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), new TrustManager[] {new RecordingClientTrustManager()}, null);
        return context;
    }

    /** One handshake between a client engine and a listener engine, shuttling records in memory (bounded). */
    private static SSLSession handshake(SSLContext clientContext, SSLContext serverContext, String protocol) throws Exception {
        SSLEngine client = clientContext.createSSLEngine("mx.example", 25);
        client.setUseClientMode(true);
        client.setEnabledProtocols(new String[] {protocol});
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        server.setWantClientAuth(true);
        server.setEnabledProtocols(new String[] {protocol});

        int packet = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        int application = Math.max(client.getSession().getApplicationBufferSize(), server.getSession().getApplicationBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(packet * 4);
        ByteBuffer toClient = ByteBuffer.allocate(packet * 4);
        ByteBuffer clientIn = ByteBuffer.allocate(application * 2);
        ByteBuffer serverIn = ByteBuffer.allocate(application * 2);
        ByteBuffer clientOut = ByteBuffer.wrap("EHLO client.test\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        ByteBuffer serverOut = ByteBuffer.wrap("250 mx.example\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        client.beginHandshake();
        server.beginHandshake();
        for (int step = 0; step < 200 && (clientIn.position() == 0 || serverIn.position() == 0); step++) {
            client.wrap(clientOut, toServer);
            runTasks(client);
            server.wrap(serverOut, toClient);
            runTasks(server);
            toServer.flip();
            server.unwrap(toServer, serverIn);
            runTasks(server);
            toServer.compact();
            toClient.flip();
            client.unwrap(toClient, clientIn);
            runTasks(client);
            toClient.compact();
        }
        assertThat(serverIn.position()).as("application data reached the listener").isPositive();
        assertThat(clientIn.position()).as("application data reached the client").isPositive();
        return server.getSession();
    }

    private static void runTasks(SSLEngine engine) {
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
            Runnable task = engine.getDelegatedTask();
            if (task != null) {
                task.run();
            }
        }
    }
}
