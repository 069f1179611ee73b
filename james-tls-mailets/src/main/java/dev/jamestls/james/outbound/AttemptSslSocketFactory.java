package dev.jamestls.james.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import dev.jamestls.outbound.StartTlsLayer;
import dev.jamestls.outbound.TlsPlan;

/**
 * The STARTTLS socket factory of one attempt over its rule's shared context (JavaMail
 * {@code mail.smtp.ssl.socketFactory}, an object on the session's own properties): layers TLS over the
 * connected socket as {@link StartTlsLayer} configures it for the plan.
 */
final class AttemptSslSocketFactory extends SSLSocketFactory {
    private final ClientTlsContexts.Shared shared;
    private final SSLContext context;
    private final TlsPlan plan;
    private final AttemptTap tap;

    AttemptSslSocketFactory(ClientTlsContexts.Shared shared, TlsPlan plan, AttemptTap tap) {
        this.shared = shared;
        this.context = shared.context();
        this.plan = plan;
        this.tap = tap;
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        // The peer host and port key JSSE's session cache: resumption only towards the same host and port.
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, plan.sniHost(), port, autoClose);
        shared.handshaking(ssl, tap);
        tap.tlsLayered(ssl);
        StartTlsLayer.configure(ssl, plan);
        return ssl;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return context.getSocketFactory().getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return context.getSocketFactory().getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        throw startTlsOnly();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw startTlsOnly();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw startTlsOnly();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        throw startTlsOnly();
    }

    private static SocketException startTlsOnly() {
        return new SocketException("this factory only layers STARTTLS over a connected socket");
    }
}
