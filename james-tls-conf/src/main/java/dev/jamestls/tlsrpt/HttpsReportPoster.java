package dev.jamestls.tlsrpt;

import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;

/**
 * Sends a report by HTTPS POST (RFC 8460 §5.4): the gzip report as the body, {@code Content-Type:
 * application/tlsrpt+gzip}; a 2xx answer means the report was taken, anything else (another status, no connection,
 * a certificate the trust anchors do not validate, the time bound) is a temporary failure. Redirects are not
 * followed: §5.4 posts to the published URI. The whole exchange, body included, is bounded by {@code totalTimeout}.
 * A destination the {@link ReportDestinations} rule refuses (an internal address, another port) is not connected to.
 */
public final class HttpsReportPoster {
    /** The default bound on connecting. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The default bound on a whole exchange. */
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client;
    private final Duration totalTimeout;
    private final ReportDestinations destinations;

    /**
     * @param sslContext validates the report server (the delivery's trust anchors, or the JDK's)
     * @param route {@link HttpClient.Builder#NO_PROXY} to connect directly, or a route of the deployment's
     * @param destinations which destinations may be posted to ({@link ReportDestinations#PUBLIC_ONLY} unless opted out)
     */
    public HttpsReportPoster(SSLContext sslContext, Duration connectTimeout, Duration totalTimeout, ProxySelector route,
                             ReportDestinations destinations) {
        Objects.requireNonNull(sslContext, "sslContext");
        this.totalTimeout = Objects.requireNonNull(totalTimeout, "totalTimeout");
        this.destinations = Objects.requireNonNull(destinations, "destinations");
        this.client = HttpClient.newBuilder()
            .sslContext(sslContext)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(route)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    }

    /** POSTs {@code report} to {@code destination}. */
    public ReportSending.Outcome post(ReportUri.Https destination, ReportFile report) {
        Optional<ReportSending.Outcome> refused = destinations.refusal(destination.endpoint());
        if (refused.isPresent()) {
            return refused.get();
        }
        HttpRequest request = HttpRequest.newBuilder(destination.endpoint())
            .timeout(totalTimeout)
            .header("Content-Type", ReportFile.MEDIA_TYPE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(report.gzip()))
            .build();
        CompletableFuture<HttpResponse<Void>> exchange = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            int status = exchange.get(totalTimeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
            if (status >= 200 && status < 300) {
                return ReportSending.Outcome.sent("HTTP " + status);
            }
            return ReportSending.Outcome.failed("HTTP " + status);
        } catch (ExecutionException e) {
            return ReportSending.Outcome.failed(String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return ReportSending.Outcome.failed("no answer within " + totalTimeout);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return ReportSending.Outcome.failed("interrupted");
        }
    }
}
