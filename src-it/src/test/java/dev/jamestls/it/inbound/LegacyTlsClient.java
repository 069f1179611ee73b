package dev.jamestls.it.inbound;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import dev.jamestls.tls.HandshakeFailure;

/**
 * Run in a separate JVM whose security properties re-enable TLS 1.0/1.1 (the
 * JDK disables them, RFC 8996), so the test JVM is untouched: connects, EHLO,
 * STARTTLS, handshakes with only the given protocol and prints one line,
 * {@code HANDSHAKE_OK <protocol>} or {@code HANDSHAKE_FAILED <reason>}, the reason named
 * from the TLS alert so it reads the same on every JDK update.
 * Arguments: port, protocol, PKCS#12 trust store, its password.
 */
public final class LegacyTlsClient {
    private LegacyTlsClient() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String protocol = args[1];
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(args[2]))) {
            trust.load(in, args[3].toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port)) {
            plain.setSoTimeout(15_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = plain.getOutputStream();
            readReply(in);
            out.write("EHLO legacy.test\r\n".getBytes(StandardCharsets.US_ASCII));
            readReply(in);
            out.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            String ready = readReply(in);
            if (!ready.startsWith("220")) {
                System.out.println("STARTTLS_REFUSED " + ready);
                return;
            }
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", port, true);
            tls.setEnabledProtocols(new String[] {protocol});
            try {
                tls.startHandshake();
                System.out.println("HANDSHAKE_OK " + tls.getSession().getProtocol());
            } catch (java.io.IOException e) {
                System.out.println("HANDSHAKE_FAILED " + HandshakeFailure.of(e).describe());
            }
        }
    }

    private static String readReply(BufferedReader in) throws java.io.IOException {
        String line;
        String last = "";
        while ((line = in.readLine()) != null) {
            last = line;
            if (line.length() < 4 || line.charAt(3) != '-') {
                break;
            }
        }
        return last;
    }
}
