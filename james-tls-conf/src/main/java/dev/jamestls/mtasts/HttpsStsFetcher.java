package dev.jamestls.mtasts;

import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import dev.jamestls.policy.DomainName;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.tls.HandshakeFailure;
import dev.jamestls.verify.TlsRptResultType;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 §3.3) with the JDK's HTTP client
 * and parses it with {@link StsPolicyParser}:
 * <ul>
 *   <li>the host's certificate is validated as WebPKI (RFC 8461 §3.3: "the HTTP endpoint ... presents a valid
 *       certificate" for {@code mta-sts.<domain>}): the given {@link SSLContext}'s trust anchors (the JDK's by
 *       default) and the JDK's host name verification; a certificate failure is {@code sts-webpki-invalid};</li>
 *   <li>redirects are not followed (RFC 8461 §3.3: "HTTP 3xx redirects MUST NOT be followed"), no cache is
 *       used; an answer other than 200 is {@code sts-policy-fetch-error};</li>
 *   <li>the media type must be {@code text/plain} (RFC 8461 §3.2, §3.3; parameters such as {@code charset} are
 *       allowed and the body is read as UTF-8, which the policy grammar uses); another type is
 *       {@code sts-policy-invalid}: the host answered, with something that is not a policy;</li>
 *   <li>the body is read up to {@value #MAX_BODY_BYTES} bytes; a larger one is {@code sts-policy-fetch-error}:
 *       the policy was not retrieved, nothing of it is parsed (RFC 8461 leaves the limit to senders);</li>
 *   <li>a connect timeout and a total timeout covering headers and body (RFC 8461 §3.3 suggests at least one
 *       minute for the whole fetch); running out of time is {@code sts-policy-fetch-error}.</li>
 * </ul>
 * Connections go directly to the policy host, or through an HTTP proxy ({@code CONNECT}) when the route says so:
 * tests reach a policy server on loopback that way, under the real host name and certificate checks.
 */
public final class HttpsStsFetcher implements StsPolicyFetcher {
    /** The largest policy body read, in bytes. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** RFC 8461 §3.3: "a minimum of one minute" is suggested for the fetch. */
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofSeconds(60);
    /** RFC 8461 §3.3: the policy's well-known path on the policy host. */
    public static final String WELL_KNOWN_PATH = "/.well-known/mta-sts.txt";
    private static final int HTTP_OK = 200;
    private static final int MAX_CAUSES = 16;

    private final HttpClient client;
    private final Duration totalTimeout;
    private final Clock clock;

    /**
     * @param sslContext the trust anchors the policy host's certificate is validated against (the JDK's
     *     defaults: {@link SSLContext#getDefault()})
     * @param connectTimeout how long to wait for the connection
     * @param totalTimeout how long the whole fetch, body included, may take
     * @param route {@link HttpClient.Builder#NO_PROXY} to connect to {@code mta-sts.<domain>} directly, or a
     *     selector naming an HTTP proxy that tunnels with {@code CONNECT}
     * @param clock when a policy was fetched
     */
    public HttpsStsFetcher(SSLContext sslContext, Duration connectTimeout, Duration totalTimeout, ProxySelector route,
                           Clock clock) {
        Objects.requireNonNull(sslContext, "sslContext");
        Objects.requireNonNull(route, "route");
        this.totalTimeout = positive(totalTimeout, "totalTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.client = HttpClient.newBuilder()
            .sslContext(sslContext)
            .connectTimeout(positive(connectTimeout, "connectTimeout"))
            .followRedirects(HttpClient.Redirect.NEVER) // RFC 8461 §3.3
            .proxy(route)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    }

    /** Direct connections, the JDK's trust anchors, 10 s to connect and 60 s for the whole fetch. */
    public static HttpsStsFetcher withDefaults(Clock clock) {
        try {
            return new HttpsStsFetcher(SSLContext.getDefault(), DEFAULT_CONNECT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT,
                HttpClient.Builder.NO_PROXY, clock);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }

    /**
     * Validates policy hosts against {@code anchors} (PKIX, the JDK's host name check), the default timeouts.
     *
     * @throws IllegalArgumentException when there is no anchor
     */
    public static HttpsStsFetcher trusting(List<X509Certificate> anchors, Duration connectTimeout, ProxySelector route, Clock clock) {
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("an MTA-STS policy host is validated against trust anchors; none given");
        }
        return new HttpsStsFetcher(anchoredContext(anchors), connectTimeout, DEFAULT_TOTAL_TIMEOUT, route, clock);
    }

    /**
     * A TLS context that validates servers against {@code anchors} only (PKIX; the HTTP client adds the host name
     * check).
     */
    public static SSLContext anchoredContext(List<X509Certificate> anchors) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("anchor-" + i, anchors.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the JDK cannot build a TLS context from " + anchors.size() + " trust anchor(s)", e);
        }
    }

    /** {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 §3.3). */
    public static URI policyUri(DomainName domain) {
        return URI.create("https://" + policyHost(domain) + WELL_KNOWN_PATH);
    }

    private static String policyHost(DomainName domain) {
        return "mta-sts." + domain.ascii();
    }

    @Override
    public StsFetchResult fetch(DomainName domain, String id) {
        URI uri = policyUri(domain);
        HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(totalTimeout).build();
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request, HttpsStsFetcher::bodyHandler);
        HttpResponse<byte[]> response;
        try {
            // HttpRequest.timeout ends with the response headers: this bounds the body as well.
            response = exchange.get(totalTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return failed(TlsRptResultType.STS_POLICY_FETCH_ERROR, uri, "no complete answer within " + totalTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return failed(TlsRptResultType.STS_POLICY_FETCH_ERROR, uri, "interrupted");
        } catch (ExecutionException e) {
            return classify(uri, e.getCause() == null ? e : e.getCause());
        }
        return read(uri, id, response);
    }

    private StsFetchResult read(URI uri, String id, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status != HTTP_OK) {
            // RFC 8461 §3.3: redirects are not followed; any answer but 200 means no policy was fetched.
            String location = response.headers().firstValue("Location").map(l -> " to '" + PeerText.escape(l) + "'").orElse("");
            return failed(TlsRptResultType.STS_POLICY_FETCH_ERROR, uri,
                "HTTP status " + status + (status / 100 == 3 ? " (a redirect" + location + ", not followed)" : "") + ", expected 200");
        }
        Optional<String> contentType = response.headers().firstValue("Content-Type");
        if (!isTextPlain(contentType)) {
            return failed(TlsRptResultType.STS_POLICY_INVALID, uri,
                "Content-Type '" + PeerText.escape(contentType.orElse("")) + "', expected text/plain");
        }
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(response.body()))
                .toString();
        } catch (CharacterCodingException e) {
            return failed(TlsRptResultType.STS_POLICY_INVALID, uri, "body is not UTF-8");
        }
        StsFetchResult parsed = StsPolicyParser.parse(body, id, clock.instant());
        if (parsed instanceof StsFetchResult.Failed failure) {
            return failed(failure.problem().type(), uri, failure.problem().reason());
        }
        return parsed;
    }

    /** RFC 8461 §3.2: the media type is {@code text/plain}; parameters (a charset) may follow. */
    static boolean isTextPlain(Optional<String> contentType) {
        if (contentType.isEmpty()) {
            return false;
        }
        String value = contentType.get();
        int semicolon = value.indexOf(';');
        String mediaType = (semicolon < 0 ? value : value.substring(0, semicolon)).trim();
        return mediaType.toLowerCase(Locale.ROOT).equals("text/plain");
    }

    /** Reads the body of a 200 text/plain answer within the limit; discards any other answer's body unread. */
    private static HttpResponse.BodySubscriber<byte[]> bodyHandler(HttpResponse.ResponseInfo info) {
        boolean wanted = info.statusCode() == HTTP_OK && isTextPlain(info.headers().firstValue("Content-Type"));
        return new BoundedBody(wanted ? MAX_BODY_BYTES : -1);
    }

    /** One classification of what ended an exchange early: the certificate, or anything else. */
    private static StsFetchResult classify(URI uri, Throwable failure) {
        if (firstCause(failure, CertificateException.class).isPresent()) {
            // RFC 8460 §4.3.2.3: the policy host's certificate failed WebPKI validation.
            return failed(TlsRptResultType.STS_WEBPKI_INVALID, uri,
                "certificate of " + uri.getHost() + " refused: " + HandshakeFailure.of(failure).describe());
        }
        if (firstCause(failure, BodyTooLarge.class).isPresent()) {
            return failed(TlsRptResultType.STS_POLICY_FETCH_ERROR, uri, "body larger than " + MAX_BODY_BYTES + " bytes");
        }
        if (firstCause(failure, HttpTimeoutException.class).isPresent()) {
            return failed(TlsRptResultType.STS_POLICY_FETCH_ERROR, uri, "timed out: " + failure.getMessage());
        }
        Optional<Throwable> tls = firstCause(failure, SSLException.class);
        String detail = tls.isPresent() ? "TLS handshake failed: " + HandshakeFailure.of(tls.get()).describe()
            : failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
        return failed(TlsRptResultType.STS_POLICY_FETCH_ERROR, uri, detail);
    }

    private static Optional<Throwable> firstCause(Throwable failure, Class<? extends Throwable> type) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static StsFetchResult failed(TlsRptResultType type, URI uri, String reason) {
        return new StsFetchResult.Failed(new StsProblem(type, uri + ": " + PeerText.escape(reason)));
    }

    private static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }

    /** A body larger than the limit: the exchange is cancelled. */
    private static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge(int limit) {
            super("body larger than " + limit + " bytes");
        }
    }

    /**
     * Collects a body of at most {@code limit} bytes, asking for one chunk at a time and cancelling as soon as
     * the limit is passed; a negative limit cancels at once (the body is not wanted).
     */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream collected = new java.io.ByteArrayOutputStream();
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (limit < 0) {
                subscription.cancel();
                body.complete(new byte[0]);
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (collected.size() + buffer.remaining() > limit) {
                    subscription.cancel();
                    body.completeExceptionally(new BodyTooLarge(limit));
                    return;
                }
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                collected.write(bytes, 0, bytes.length);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            body.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            body.complete(collected.toByteArray());
        }
    }
}
