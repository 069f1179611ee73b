package dev.jamestls.james.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import javax.net.SocketFactory;

/**
 * The plain socket factory of one attempt (JavaMail {@code mail.smtp.socketFactory}): its sockets
 * report where they connected and pass their streams through the {@link AttemptTap}.
 */
final class TappedSocketFactory extends SocketFactory {
    private final AttemptTap tap;

    TappedSocketFactory(AttemptTap tap) {
        this.tap = tap;
    }

    @Override
    public Socket createSocket() {
        return new TappedSocket(tap);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        throw unconnectedOnly();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw unconnectedOnly();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw unconnectedOnly();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        throw unconnectedOnly();
    }

    private static SocketException unconnectedOnly() {
        return new SocketException("this factory creates unconnected sockets only (JavaMail connects them itself)");
    }

    private static final class TappedSocket extends Socket {
        /** How long a polite QUIT waits for the 221 reply. */
        private static final int QUIT_REPLY_MILLIS = 2_000;
        /** The longest reply line read after QUIT. */
        private static final int QUIT_REPLY_BYTES = 1_000;

        private final AttemptTap tap;
        private InputStream input;
        private OutputStream output;

        TappedSocket(AttemptTap tap) {
            this.tap = tap;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            super.connect(endpoint, timeout);
            tap.connected(getInetAddress(), getLocalAddress());
        }

        /** The SMTP library closes the socket; a session it abandoned after EHLO in clear text is ended with QUIT first. */
        @Override
        public synchronized void close() throws IOException {
            if (!isClosed() && isConnected() && tap.politeQuitDue()) {
                quit();
            }
            super.close();
        }

        private void quit() {
            try {
                OutputStream out = getOutputStream();
                out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                setSoTimeout(QUIT_REPLY_MILLIS);
                InputStream in = getInputStream();
                for (int read = 0; read < QUIT_REPLY_BYTES; read++) {
                    int b = in.read();
                    if (b < 0 || b == '\n') {
                        return;
                    }
                }
            } catch (IOException e) {
                // The peer went away first: nothing left to end.
            }
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = tap.tapInput(super.getInputStream());
            }
            return input;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (output == null) {
                output = tap.tapOutput(super.getOutputStream());
            }
            return output;
        }
    }
}
