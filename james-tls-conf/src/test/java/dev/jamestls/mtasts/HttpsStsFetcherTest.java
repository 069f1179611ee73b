package dev.jamestls.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.SslContexts;
import dev.jamestls.policy.DomainName;
import dev.jamestls.testkit.MovableClock;
import dev.jamestls.testkit.StsPolicyServer;
import dev.jamestls.testkit.StsPolicyServer.Response;
import dev.jamestls.verify.TlsRptResultType;

class HttpsStsFetcherTest {
    static final DomainName DOMAIN = DomainName.parse("example.com");
    static final String ENFORCE = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 86400\r\n";
    private static final Instant NOW = Instant.now();
    private static final CertificateAuthority CA = CertificateAuthority.root("CN=Test WebPKI Root", NOW);
    private static final CertificateAuthority OTHER_CA = CertificateAuthority.root("CN=Unknown Root", NOW);

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private StsPolicyServer server;

    static IssuedCertificate policyHost(CertificateAuthority ca, String name) {
        return ca.leaf("CN=" + name).dnsNames(name).issue();
    }

    static SSLContext trusting(CertificateAuthority ca) {
        return SslContexts.context(Optional.empty(), List.of(ca.certificate().certificate()));
    }

    private HttpsStsFetcher fetcher(SSLContext trust, ProxySelector route, Duration total) {
        return new HttpsStsFetcher(trust, Duration.ofSeconds(5), total, route, clock);
    }

    private StsFetchResult fetchFrom(IssuedCertificate identity, Response response) {
        server = StsPolicyServer.start(identity, response);
        return fetchAgain("id1");
    }

    /** Another fetch from the running server, trusting the test authority. */
    private StsFetchResult fetchAgain(String id) {
        return fetcher(trusting(CA), server.route(), Duration.ofSeconds(10)).fetch(DOMAIN, id);
    }

    private StsFetchResult fetch(Response response) {
        return fetchFrom(policyHost(CA, "mta-sts.example.com"), response);
    }

    private static StsPolicy policy(StsFetchResult result) {
        assertThat(result).isInstanceOf(StsFetchResult.Fetched.class);
        return ((StsFetchResult.Fetched) result).policy();
    }

    private static TlsRptResultType problem(StsFetchResult result) {
        assertThat(result).isInstanceOf(StsFetchResult.Failed.class);
        return ((StsFetchResult.Failed) result).problem().type();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void fetchesAnEnforcePolicyFromTheWellKnownPathOfThePolicyHost() {
        StsPolicy policy = policy(fetch(Response.policy(ENFORCE)));

        assertThat(policy.mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(policy.mx()).containsExactly("mail.example.com");
        assertThat(policy.id()).isEqualTo("id1");
        assertThat(policy.fetchedAt()).isEqualTo(clock.instant());
        assertThat(server.tunnelTargets()).containsExactly("mta-sts.example.com:443");
        assertThat(server.requests()).containsExactly(new StsPolicyServer.Request("mta-sts.example.com", "GET", "/.well-known/mta-sts.txt"));
    }

    @Test
    void fetchesTestingAndNonePoliciesServedAsPlainTextWithoutCharset() {
        StsPolicy testing = policy(fetch(Response.of(200, "text/plain", ENFORCE.replace("enforce", "testing"))));
        server.respond(Response.of(200, "TEXT/PLAIN ; charset=us-ascii", "version: STSv1\nmode: none\nmax_age: 60\n"));
        StsPolicy none = policy(fetchAgain("id2"));

        assertThat(testing.mode()).isEqualTo(StsMode.TESTING);
        assertThat(none.mode()).isEqualTo(StsMode.NONE);
        assertThat(none.id()).isEqualTo("id2");
    }

    @Test
    void aCertificateForAnotherNameIsWebPkiInvalid() {
        assertThat(problem(fetchFrom(policyHost(CA, "mta-sts.example.net"), Response.policy(ENFORCE))))
            .isEqualTo(TlsRptResultType.STS_WEBPKI_INVALID);
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void aCertificateForTheBareDomainIsWebPkiInvalid() {
        assertThat(problem(fetchFrom(policyHost(CA, "example.com"), Response.policy(ENFORCE))))
            .isEqualTo(TlsRptResultType.STS_WEBPKI_INVALID);
    }

    @Test
    void aCertificateFromAnUntrustedAuthorityIsWebPkiInvalid() {
        assertThat(problem(fetchFrom(policyHost(OTHER_CA, "mta-sts.example.com"), Response.policy(ENFORCE))))
            .isEqualTo(TlsRptResultType.STS_WEBPKI_INVALID);
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void anExpiredCertificateIsWebPkiInvalid() {
        IssuedCertificate expired = CA.leaf("CN=mta-sts.example.com").dnsNames("mta-sts.example.com")
            .validity(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1))).issue();

        assertThat(problem(fetchFrom(expired, Response.policy(ENFORCE)))).isEqualTo(TlsRptResultType.STS_WEBPKI_INVALID);
    }

    @Test
    void aRedirectIsNotFollowedAndIsAFetchError() {
        assertThat(problem(fetch(Response.redirect("https://mta-sts.example.com/elsewhere.txt"))))
            .isEqualTo(TlsRptResultType.STS_POLICY_FETCH_ERROR);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aStatusOtherThan200IsAFetchError() {
        assertThat(problem(fetch(Response.of(404, "text/plain", ENFORCE)))).isEqualTo(TlsRptResultType.STS_POLICY_FETCH_ERROR);
        server.respond(Response.of(204, "text/plain", ""));
        assertThat(problem(fetchAgain("id1")))
            .isEqualTo(TlsRptResultType.STS_POLICY_FETCH_ERROR);
    }

    @Test
    void anotherMediaTypeIsPolicyInvalid() {
        assertThat(problem(fetch(Response.of(200, "text/html", ENFORCE)))).isEqualTo(TlsRptResultType.STS_POLICY_INVALID);
        server.respond(Response.of(200, "text/plainx", ENFORCE));
        assertThat(problem(fetchAgain("id1")))
            .isEqualTo(TlsRptResultType.STS_POLICY_INVALID);
    }

    @Test
    void noMediaTypeIsPolicyInvalid() {
        Response untyped = new Response(200, Optional.empty(), ENFORCE.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            Optional.empty(), Duration.ZERO);

        assertThat(problem(fetch(untyped))).isEqualTo(TlsRptResultType.STS_POLICY_INVALID);
    }

    @Test
    void aBodyBeyondTheLimitIsAFetchErrorAndOneWithinIsRead() {
        assertThat(problem(fetch(Response.policy(ENFORCE).paddedTo(HttpsStsFetcher.MAX_BODY_BYTES + 1))))
            .isEqualTo(TlsRptResultType.STS_POLICY_FETCH_ERROR);

        Response atLimit = Response.policy(ENFORCE).paddedTo(HttpsStsFetcher.MAX_BODY_BYTES - 100);
        assertThat(atLimit.body().length).isLessThanOrEqualTo(HttpsStsFetcher.MAX_BODY_BYTES);
        server.respond(atLimit);
        assertThat(policy(fetchAgain("id1")).mode())
            .isEqualTo(StsMode.ENFORCE);
    }

    @Test
    void anInvalidPolicyOrBodyNotUtf8IsPolicyInvalid() {
        assertThat(problem(fetch(Response.policy(ENFORCE.replace("max_age: 86400", "max_age: forever")))))
            .isEqualTo(TlsRptResultType.STS_POLICY_INVALID);
        server.respond(new Response(200, Optional.of("text/plain"), new byte[] {'v', 'e', 'r', (byte) 0xC3, '\n'},
            Optional.empty(), Duration.ZERO));
        assertThat(problem(fetchAgain("id1")))
            .isEqualTo(TlsRptResultType.STS_POLICY_INVALID);
    }

    @Test
    void aBodyArrivingAfterTheTotalTimeoutIsAFetchError() {
        server = StsPolicyServer.start(policyHost(CA, "mta-sts.example.com"), Response.policy(ENFORCE).slowBody(Duration.ofSeconds(20)));
        long started = System.nanoTime();

        StsFetchResult result = fetcher(trusting(CA), server.route(), Duration.ofMillis(1500)).fetch(DOMAIN, "id1");

        assertThat(problem(result)).isEqualTo(TlsRptResultType.STS_POLICY_FETCH_ERROR);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anUnreachableHostIsAFetchError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ProxySelector nowhere = ProxySelector.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort));

        assertThat(problem(fetcher(trusting(CA), nowhere, Duration.ofSeconds(10)).fetch(DOMAIN, "id1")))
            .isEqualTo(TlsRptResultType.STS_POLICY_FETCH_ERROR);
    }

    @Test
    void thePolicyUriIsTheWellKnownPathOfTheMtaStsHost() {
        assertThat(HttpsStsFetcher.policyUri(DomainName.parse("Example.COM")))
            .hasToString("https://mta-sts.example.com/.well-known/mta-sts.txt");
    }
}
