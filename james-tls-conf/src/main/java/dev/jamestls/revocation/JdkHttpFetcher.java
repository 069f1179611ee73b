package dev.jamestls.revocation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * {@link HttpFetcher} over {@link HttpURLConnection}: http and https only, no
 * redirects, no caches, connect and read timeouts, and a body size limit, so a
 * slow or hostile distribution point cannot stall a TLS handshake or fill memory.
 */
public final class JdkHttpFetcher implements HttpFetcher {
    /** 3 s to connect, 5 s between reads, 10 MiB body. */
    public static final JdkHttpFetcher DEFAULT = new JdkHttpFetcher(Duration.ofSeconds(3), Duration.ofSeconds(5), 10L << 20);

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final long maxBytes;

    public JdkHttpFetcher(Duration connectTimeout, Duration readTimeout, long maxBytes) {
        this.connectTimeout = positive(connectTimeout, "connectTimeout");
        this.readTimeout = positive(readTimeout, "readTimeout");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public byte[] get(URI uri) throws IOException {
        HttpURLConnection connection = open(uri);
        connection.setRequestMethod("GET");
        return read(uri, connection);
    }

    @Override
    public byte[] post(URI uri, String contentType, byte[] body) throws IOException {
        HttpURLConnection connection = open(uri);
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", contentType);
        connection.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        return read(uri, connection);
    }

    private HttpURLConnection open(URI uri) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IOException("unsupported URL scheme '" + scheme + "' in " + uri + "; accepted: http, https");
        }
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        connection.setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()));
        connection.setReadTimeout(Math.toIntExact(readTimeout.toMillis()));
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        return connection;
    }

    /** {@code get} and {@code post} throw {@link HttpStatusException} for an answer other than 200 OK. */
    private byte[] read(URI uri, HttpURLConnection connection) throws IOException {
        try {
            int status = connection.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                throw new HttpStatusException(uri, status);
            }
            long declared = connection.getContentLengthLong();
            if (declared > maxBytes) {
                throw new IOException(uri + ": body of " + declared + " bytes exceeds the limit of " + maxBytes);
            }
            try (InputStream in = connection.getInputStream()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                long total = 0;
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    total += n;
                    if (total > maxBytes) {
                        throw new IOException(uri + ": body exceeds the limit of " + maxBytes + " bytes");
                    }
                    out.write(buffer, 0, n);
                }
                return out.toByteArray();
            }
        } finally {
            connection.disconnect();
        }
    }

    private static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }
}
