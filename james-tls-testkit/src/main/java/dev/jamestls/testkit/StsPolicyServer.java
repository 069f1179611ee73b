package dev.jamestls.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.SslContexts;

/**
 * An MTA-STS policy host on 127.0.0.1 (RFC 8461 §3.3): an HTTPS server presenting the certificate the test
 * chose (for {@code mta-sts.<domain>}, a wrong name, an untrusted issuer) and answering every request with the
 * {@link Response} the test set (a policy, a redirect, a status, another media type, an oversize or slow body).
 * It counts and records the requests, and the bodies of those that carry one (an uploaded TLS report).
 *
 * <p>Clients reach it through {@link #route()}: an HTTP proxy on loopback that answers every {@code CONNECT}
 * (whatever host it names) with a tunnel to this server. The client keeps the real host name
 * ({@code mta-sts.<domain>}) for SNI and certificate checks, and no connection leaves loopback.
 */
public final class StsPolicyServer implements AutoCloseable {
    private static final int MAX_CONNECT_HEADER = 8192;
    private static final int MAX_UPLOAD = 1 << 20;

    /**
     * One answer.
     *
     * @param status the HTTP status
     * @param contentType the {@code Content-Type} header, none when empty
     * @param body the body
     * @param location the {@code Location} header, none when empty
     * @param bodyDelay a pause after the headers and the first half of the body
     */
    public record Response(int status, Optional<String> contentType, byte[] body, Optional<String> location, Duration bodyDelay) {
        public Response {
            Objects.requireNonNull(contentType, "contentType");
            body = body.clone();
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(bodyDelay, "bodyDelay");
        }

        /** 200, {@code text/plain; charset=utf-8}, the policy text. */
        public static Response policy(String text) {
            return of(200, "text/plain; charset=utf-8", text);
        }

        public static Response of(int status, String contentType, String body) {
            return new Response(status, Optional.of(contentType), body.getBytes(StandardCharsets.UTF_8), Optional.empty(), Duration.ZERO);
        }

        /** 301 to {@code location}, with a valid-looking policy as body (which must not be used). */
        public static Response redirect(String location) {
            return new Response(301, Optional.of("text/plain"), "version: STSv1\n".getBytes(StandardCharsets.UTF_8),
                Optional.of(location), Duration.ZERO);
        }

        /** This answer with its body padded with extension lines to {@code bytes} bytes. */
        public Response paddedTo(int bytes) {
            ByteArrayOutputStream padded = new ByteArrayOutputStream(bytes);
            padded.writeBytes(body);
            int line = 0;
            while (padded.size() < bytes) {
                padded.writeBytes(("x-padding" + line++ + ": " + "p".repeat(60) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            return new Response(status, contentType, padded.toByteArray(), location, bodyDelay);
        }

        /** This answer with a pause of {@code delay} in the middle of its body. */
        public Response slowBody(Duration delay) {
            return new Response(status, contentType, body, location, delay);
        }
    }

    /** A request the server answered: the {@code Host} header, the method and the path. */
    public record Request(String host, String method, String path) {
    }

    /**
     * A request that carried a body (a TLS report POSTed to an {@code https:} rua, RFC 8460 §5.4): its path, its
     * {@code Content-Type} header (empty when absent) and the body.
     */
    public record Upload(String path, String contentType, byte[] body) {
        public Upload {
            body = body.clone();
        }

        @Override
        public byte[] body() {
            return body.clone();
        }
    }

    private final HttpsServer server;
    private final ServerSocket proxy;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "sts-policy-server");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<Response> response = new AtomicReference<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> tunnelTargets = Collections.synchronizedList(new ArrayList<>());
    private final List<Upload> uploads = Collections.synchronizedList(new ArrayList<>());
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private StsPolicyServer(IssuedCertificate identity, Response initial) throws IOException {
        response.set(initial);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        server = HttpsServer.create(new InetSocketAddress(loopback, 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(SslContexts.context(Optional.of(identity), List.of())));
        server.createContext("/", this::answer);
        server.setExecutor(executor);
        server.start();
        proxy = new ServerSocket(0, 16, loopback);
        executor.execute(this::acceptTunnels);
    }

    /** Starts a server presenting {@code identity} (leaf and intermediates), answering {@code initial}. */
    public static StsPolicyServer start(IssuedCertificate identity, Response initial) {
        try {
            return new StsPolicyServer(identity, initial);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the MTA-STS policy server on loopback", e);
        }
    }

    /** The proxy route to this server, for the client's HTTP proxy setting. */
    public ProxySelector route() {
        return ProxySelector.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.getLocalPort()));
    }

    /** The loopback port the HTTPS server listens on, for a client that connects directly. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Answers the next requests with {@code next}. */
    public void respond(Response next) {
        response.set(Objects.requireNonNull(next, "next"));
    }

    /** The requests answered so far (or being answered). */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The request bodies received so far, in order. */
    public List<Upload> uploads() {
        synchronized (uploads) {
            return List.copyOf(uploads);
        }
    }

    public int requestCount() {
        return requests.size();
    }

    /** The {@code host:port} of every {@code CONNECT} the proxy tunnelled. */
    public List<String> tunnelTargets() {
        synchronized (tunnelTargets) {
            return List.copyOf(tunnelTargets);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.add(new Request(exchange.getRequestHeaders().getFirst("Host"), exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath()));
            byte[] sent = exchange.getRequestBody().readNBytes(MAX_UPLOAD);
            if (sent.length > 0) {
                String type = exchange.getRequestHeaders().getFirst("Content-Type");
                uploads.add(new Upload(exchange.getRequestURI().getRawPath(), type == null ? "" : type, sent));
            }
            Response current = response.get();
            current.contentType().ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
            current.location().ifPresent(location -> exchange.getResponseHeaders().set("Location", location));
            byte[] body = current.body();
            if (current.bodyDelay().isZero()) {
                exchange.sendResponseHeaders(current.status(), body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            exchange.sendResponseHeaders(current.status(), body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body, 0, body.length / 2);
            out.flush();
            try {
                Thread.sleep(current.bodyDelay().toMillis()); // the slow host the test asked for; ended by close()
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            out.write(body, body.length / 2, body.length - body.length / 2);
        }
    }

    /** The proxy: every {@code CONNECT} becomes a tunnel to the HTTPS server; ends when closed. */
    private void acceptTunnels() {
        while (!proxy.isClosed()) {
            try {
                Socket client = proxy.accept();
                open.add(client);
                executor.execute(() -> tunnel(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void tunnel(Socket client) {
        try (client; Socket target = new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
            open.add(target);
            String header = readConnectHeader(client.getInputStream());
            String[] requestLine = header.split("\r\n", 2)[0].split(" ");
            OutputStream toClient = client.getOutputStream();
            if (requestLine.length != 3 || !requestLine[0].equals("CONNECT")) {
                toClient.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            tunnelTargets.add(requestLine[1]);
            toClient.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            toClient.flush();
            executor.execute(() -> pipe(client, target));
            pipe(target, client);
        } catch (IOException e) {
            // the client or the server went away: the tunnel ends
        } finally {
            open.remove(client);
        }
    }

    private static String readConnectHeader(InputStream in) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        while (header.size() < MAX_CONNECT_HEADER) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream in the CONNECT request");
            }
            header.write(b);
            String text = header.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        throw new IOException("CONNECT request longer than " + MAX_CONNECT_HEADER + " bytes");
    }

    private void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            proxy.close();
        } catch (IOException e) {
            // already closed
        }
        open.forEach(StsPolicyServer::closeQuietly);
        server.stop(0);
        executor.shutdownNow();
    }
}
