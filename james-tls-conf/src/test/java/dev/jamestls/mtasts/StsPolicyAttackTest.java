package dev.jamestls.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.dns.DnsAnswer;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.policy.DomainName;
import dev.jamestls.testkit.MovableClock;
import dev.jamestls.testkit.StsPolicyServer;
import dev.jamestls.testkit.StsPolicyServer.Response;
import dev.jamestls.verify.TlsRptResultType;

/**
 * The attacks on MTA-STS discovery and its cache, one row each, against a real HTTPS policy host on loopback: an
 * attacker who answers or blocks the unsigned {@code _mta-sts} TXT record, sits between James and the policy host,
 * or serves the policy body. Every row starts from a cached {@code enforce} policy (id {@code one}) of
 * {@code example.com}; what must hold: that policy is neither withdrawn nor weakened, and nothing the attacker
 * wrote reaches the cache file as an entry of its own (checked after a restart from the file).
 */
class StsPolicyAttackTest {
    private static final DomainName DOMAIN = DomainName.parse("example.com");
    private static final DomainName VICTIM = DomainName.parse("example.net");
    private static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400\n";
    private static final String TESTING = "version: STSv1\nmode: testing\nmx: *.example.com\nmax_age: 86400\n";
    /** A cache line as {@link StsPolicyStore} writes it, for the attacker to smuggle in. */
    private static final String FORGED_ENTRY = "policy.example.net=two none 86400 2026-12-01T10:00:00Z mail.example.net";
    private static final CertificateAuthority CA = CertificateAuthority.root("CN=Test WebPKI Root", Instant.now());

    /** What the attacker does once the enforce policy is cached. */
    interface Scenario {
        void act(StsPolicyAttackTest test);
    }

    record Attack(String attack, Scenario scenario, TlsRptResultType problemOrNull) {
        @Override
        public String toString() {
            return attack;
        }
    }

    private final Map<DomainName, DnsAnswer<String>> txt = new ConcurrentHashMap<>();
    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
    @TempDir
    Path directory;
    private StsPolicyServer server;
    private HttpsStsFetcher fetcher;

    @BeforeEach
    void start() {
        server = StsPolicyServer.start(CA.leaf("CN=mta-sts").dnsNames("mta-sts.example.com").issue(), Response.policy(ENFORCE));
        fetcher = new HttpsStsFetcher(HttpsStsFetcherTest.trusting(CA), Duration.ofSeconds(5), Duration.ofSeconds(10),
            server.route(), clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private CachingStsPolicySource source() {
        return new CachingStsPolicySource(domain -> txt.getOrDefault(domain, DnsAnswer.insecure(List.of(), Duration.ofMinutes(5))),
            fetcher, directory, clock);
    }

    private void publish(String... records) {
        txt.put(DOMAIN, DnsAnswer.insecure(List.of(records), Duration.ofMinutes(5)));
    }

    private void serve(Response response) {
        server.respond(response);
    }

    static Stream<Attack> attacks() {
        return Stream.of(
            new Attack("the TXT record is removed to withdraw the policy", test -> test.txt.remove(DOMAIN), null),
            new Attack("the TXT answer is dropped (timeout)", test -> test.txt.put(DOMAIN, DnsAnswer.failed("timeout")), null),
            new Attack("the TXT answer's signatures are broken (bogus)",
                test -> test.txt.put(DOMAIN, DnsAnswer.bogus("RRSIG does not verify")), null),
            new Attack("a second v=STSv1 TXT record makes the domain's record ambiguous",
                test -> test.publish("v=STSv1; id=one;", "v=STSv1; id=evil;"), null),
            new Attack("a new id whose policy fetch is blocked (connection answered 404)", test -> {
                test.publish("v=STSv1; id=two;");
                test.serve(Response.of(404, "text/plain", "not found"));
            }, TlsRptResultType.STS_POLICY_FETCH_ERROR),
            new Attack("a new id whose policy host redirects to the attacker's host", test -> {
                test.publish("v=STSv1; id=two;");
                test.serve(Response.redirect("https://mta-sts.attacker.example/.well-known/mta-sts.txt"));
            }, TlsRptResultType.STS_POLICY_FETCH_ERROR),
            new Attack("a new id served as HTML by a captive portal", test -> {
                test.publish("v=STSv1; id=two;");
                test.serve(Response.of(200, "text/html", TESTING));
            }, TlsRptResultType.STS_POLICY_INVALID),
            new Attack("a new id whose body is a valid testing policy padded past the size limit", test -> {
                test.publish("v=STSv1; id=two;");
                test.serve(Response.policy(TESTING).paddedTo(HttpsStsFetcher.MAX_BODY_BYTES + 1));
            }, TlsRptResultType.STS_POLICY_FETCH_ERROR),
            new Attack("a policy body line shaped as a cache entry of another domain", test -> {
                test.publish("v=STSv1; id=two;");
                test.serve(Response.policy("version: STSv1\nmode: testing\nmx: mail.example.com\n" + FORGED_ENTRY + "\nmax_age: 86400\n"));
            }, TlsRptResultType.STS_POLICY_INVALID),
            new Attack("an mx value smuggling a cache entry behind a bare CR", test -> {
                test.publish("v=STSv1; id=two;");
                test.serve(Response.policy("version: STSv1\nmode: testing\nmx: mail.example.com\r" + FORGED_ENTRY + "\nmax_age: 86400\n"));
            }, TlsRptResultType.STS_POLICY_INVALID),
            new Attack("an mx value smuggling a cache entry through a properties escape", test -> {
                test.publish("v=STSv1; id=two;");
                test.serve(Response.policy("version: STSv1\nmode: testing\nmx: mail.example.com\\u000a" + FORGED_ENTRY
                    + "\nmax_age: 86400\n"));
            }, TlsRptResultType.STS_POLICY_INVALID),
            new Attack("an extension value smuggling a cache entry behind a NEL (C1 control)", test -> {
                test.publish("v=STSv1; id=two;");
                test.serve(Response.policy("version: STSv1\nmode: testing\nmx: mail.example.com\nx-note: a\u0085" + FORGED_ENTRY
                    + "\nmax_age: 86400\n"));
            }, TlsRptResultType.STS_POLICY_INVALID),
            new Attack("a TXT id carrying a line break and a cache entry", test -> {
                test.publish("v=STSv1; id=two\n" + FORGED_ENTRY + ";");
                test.serve(Response.policy(TESTING));
            }, null)
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void theCachedEnforcePolicyStaysAndNothingForgedIsCached(Attack attack) throws Exception {
        publish("v=STSv1; id=one;");
        CachingStsPolicySource source = source();
        assertThat(source.discover(DOMAIN).policy()).map(StsPolicy::mode).contains(StsMode.ENFORCE);
        clock.advance(Duration.ofMinutes(1));

        attack.scenario().act(this);
        StsDiscovery discovery = source.discover(DOMAIN);

        assertThat(discovery.policy()).as("the cached policy").map(StsPolicy::mode).contains(StsMode.ENFORCE);
        assertThat(discovery.policy().orElseThrow().id()).isEqualTo("one");
        assertThat(discovery.policy().orElseThrow().mx()).containsExactly("mail.example.com");
        if (attack.problemOrNull() == null) {
            assertThat(discovery.problem()).isEmpty();
        } else {
            assertThat(discovery.problem()).map(StsProblem::type).contains(attack.problemOrNull());
        }
        assertThat(server.tunnelTargets()).allSatisfy(target -> assertThat(target).startsWith("mta-sts.example.com:"));

        // After a restart, only what the file holds: the enforce policy, nothing for another domain.
        txt.remove(DOMAIN);
        CachingStsPolicySource restarted = source();
        assertThat(restarted.discover(DOMAIN).policy()).map(StsPolicy::mode).contains(StsMode.ENFORCE);
        assertThat(restarted.discover(VICTIM).policy()).isEmpty();
        assertThat(restarted.size()).isEqualTo(1);
        assertThat(Files.readAllLines(directory.resolve(StsPolicyStore.FILE_NAME))).noneMatch(line -> line.contains("example.net"));
    }
}
