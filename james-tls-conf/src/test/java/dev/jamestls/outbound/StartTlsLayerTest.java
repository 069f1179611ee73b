package dev.jamestls.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;

/** The server name a plan puts on the wire: what a JSSE server on loopback receives in SNI (RFC 6066 §3). */
class StartTlsLayerTest {
    static final CertificateAuthority CA = CertificateAuthority.root("CN=Test Root", Instant.now());
    static final IssuedCertificate SERVER = CA.leaf("CN=smtp.partner.example")
        .dnsNames("smtp.partner.example", "mx1.partner.example").issue();

    @Test
    void aDaneHostWithRecordsAtItsAliasTargetReceivesTheTargetInSni() throws Exception {
        DomainName alias = DomainName.parse("smtp.partner.example");
        TlsPlan dane = TlsPlanTest.dane(Optional.of(alias), alias);
        // RFC 7672 §8.1: the TLSA base domain, not the MX name.
        assertThat(serverNameReceived(dane)).isEqualTo("smtp.partner.example");
    }

    @Test
    void aMayPlanToTheSameAliasedHostKeepsTheMxName() throws Exception {
        assertThat(serverNameReceived(TlsPlanTest.plan(OutboundLevel.MAY, Mode.ENFORCE))).isEqualTo("mx1.partner.example");
    }

    /** Layers TLS as delivery does over a loopback connection and returns the host name the server was sent. */
    static String serverNameReceived(TlsPlan plan) throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        try (SSLServerSocket server = (SSLServerSocket) serverContext().getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            SSLParameters parameters = server.getSSLParameters();
            parameters.setSNIMatchers(List.of(new SNIMatcher(0) {
                @Override
                public boolean matches(SNIServerName name) {
                    received.complete(((SNIHostName) name).getAsciiName());
                    return true;
                }
            }));
            server.setSSLParameters(parameters);
            CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
                try (SSLSocket peer = (SSLSocket) server.accept()) {
                    peer.setSoTimeout(10_000);
                    peer.startHandshake();
                } catch (Exception e) {
                    received.completeExceptionally(e);
                }
            });
            try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                plain.setSoTimeout(10_000);
                SSLSocket tls = (SSLSocket) clientContext().getSocketFactory()
                    .createSocket(plain, plan.sniHost(), plain.getPort(), true);
                StartTlsLayer.configure(tls, plan);
                tls.startHandshake();
            }
            accepted.get(10, TimeUnit.SECONDS);
        }
        // Without SNI the matcher is never asked and this times out: a plan always sends one.
        return received.get(10, TimeUnit.SECONDS);
    }

    static SSLContext serverContext() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", SERVER.keyPair().getPrivate(), new char[0],
            SERVER.presentedChain().toArray(Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    static SSLContext clientContext() throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("root", CA.certificate().certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
