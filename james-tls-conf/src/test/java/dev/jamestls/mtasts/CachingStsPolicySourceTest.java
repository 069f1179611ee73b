package dev.jamestls.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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

class CachingStsPolicySourceTest {
    private static final DomainName DOMAIN = DomainName.parse("example.com");
    private static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400\n";
    private static final String TESTING = "version: STSv1\nmode: testing\nmx: *.example.com\nmax_age: 86400\n";
    private static final DomainName VICTIM = DomainName.parse("example.net");
    /** A cache line as {@link StsPolicyStore} writes it, for the attacker to smuggle in. */
    private static final String FORGED_ENTRY = "policy.example.net=two none 86400 2026-12-01T10:00:00Z mail.example.net";
    private static final CertificateAuthority CA = CertificateAuthority.root("CN=Test WebPKI Root", Instant.now());

    /** The TXT records at _mta-sts.<domain>, as the test sets them; absent domains have none. */
    private final Map<DomainName, DnsAnswer<String>> txt = new ConcurrentHashMap<>();
    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
    @TempDir
    Path directory;
    private StsPolicyServer server;
    private HttpsStsFetcher fetcher;

    @BeforeEach
    void start() {
        server = StsPolicyServer.start(
            CA.leaf("CN=mta-sts").dnsNames("mta-sts.example.com", "mta-sts.example.net", "mta-sts.example.org").issue(),
            Response.policy(ENFORCE));
        fetcher = new HttpsStsFetcher(HttpsStsFetcherTest.trusting(CA), Duration.ofSeconds(5), Duration.ofSeconds(10),
            server.route(), clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private CachingStsPolicySource source() {
        return new CachingStsPolicySource(this::lookup, fetcher, directory, clock);
    }

    private DnsAnswer<String> lookup(DomainName domain) {
        return txt.getOrDefault(domain, DnsAnswer.insecure(List.of(), Duration.ofMinutes(5)));
    }

    private void publish(DomainName domain, String... records) {
        txt.put(domain, DnsAnswer.insecure(List.of(records), Duration.ofMinutes(5)));
    }

    private static StsPolicy policy(StsDiscovery discovery) {
        assertThat(discovery.policy()).isPresent();
        return discovery.policy().get();
    }

    @Test
    void aDomainWithoutTxtRecordHasNoPolicyAndNothingIsFetched() {
        CachingStsPolicySource source = source();
        assertThat(source.discover(DOMAIN)).isEqualTo(StsDiscovery.none(DOMAIN));
        publish(DOMAIN, "v=STSv1; id=one;", "v=STSv1; id=two;");
        assertThat(source.discover(DOMAIN)).isEqualTo(StsDiscovery.none(DOMAIN));
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void anUnansweredOrBogusTxtLookupWithNothingCachedIsNoPolicyWithAProblemALaterLookupMayClear() {
        CachingStsPolicySource source = source();
        for (DnsAnswer<String> answer : List.of(DnsAnswer.<String>failed("timeout"), DnsAnswer.<String>bogus("RRSIG expired"))) {
            txt.put(DOMAIN, answer);
            StsDiscovery discovery = source.discover(DOMAIN);
            assertThat(discovery.policy()).as(answer.toString()).isEmpty();
            assertThat(discovery.problem()).as(answer.toString()).map(StsProblem::type).contains(TlsRptResultType.STS_POLICY_FETCH_ERROR);
        }
        assertThat(server.requestCount()).isZero();

        publish(DOMAIN, "v=STSv1; id=one;");
        assertThat(source.discover(DOMAIN).policy()).map(StsPolicy::mode).contains(StsMode.ENFORCE);
    }

    @Test
    void aCacheDirectoryThatCannotBeCreatedIsRefusedNamingIt() throws IOException {
        Path file = Files.writeString(directory.resolve("a-file"), "");
        Path impossible = file.resolve("cache");

        assertThatThrownBy(() -> new CachingStsPolicySource(this::lookup, fetcher, impossible, clock))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(impossible.toString());
        assertThatThrownBy(() -> new CachingStsPolicySource(this::lookup, fetcher, directory, clock, 0))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFirstDiscoveryFetchesThePolicyForTheTxtId() {
        publish(DOMAIN, "v=spf1 -all", "v=STSv1; id=one;");

        StsDiscovery discovery = source().discover(DOMAIN);

        assertThat(policy(discovery).mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(policy(discovery).id()).isEqualTo("one");
        assertThat(discovery.problem()).isEmpty();
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void theSameIdUsesTheCachedPolicyWithoutFetching() {
        publish(DOMAIN, "v=STSv1; id=one;");
        CachingStsPolicySource source = source();
        source.discover(DOMAIN);
        server.respond(Response.policy(TESTING));
        clock.advance(Duration.ofHours(11));

        StsDiscovery again = source.discover(DOMAIN);

        assertThat(policy(again).mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void pastHalfItsMaxAgeTheSameIdIsFetchedAgainAndAFailedRefreshKeepsTheCachedPolicy() {
        publish(DOMAIN, "v=STSv1; id=one;");
        CachingStsPolicySource source = source();
        source.discover(DOMAIN);
        server.respond(Response.of(503, "text/plain", "maintenance"));
        clock.advance(Duration.ofHours(12));

        StsDiscovery failed = source.discover(DOMAIN);

        assertThat(policy(failed).fetchedAt()).isEqualTo(clock.instant().minus(Duration.ofHours(12)));
        assertThat(failed.problem()).map(StsProblem::type).contains(TlsRptResultType.STS_POLICY_FETCH_ERROR);
        assertThat(server.requestCount()).isEqualTo(2);

        server.respond(Response.policy(ENFORCE));
        clock.advance(CachingStsPolicySource.FAILED_FETCH_PAUSE);
        StsDiscovery renewed = source.discover(DOMAIN);

        assertThat(policy(renewed).fetchedAt()).isEqualTo(clock.instant());
        assertThat(renewed.problem()).isEmpty();
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void aNewIdFetchesAgainAndReplacesTheCachedPolicy() {
        publish(DOMAIN, "v=STSv1; id=one;");
        CachingStsPolicySource source = source();
        source.discover(DOMAIN);
        publish(DOMAIN, "v=STSv1; id=two;");
        server.respond(Response.policy(TESTING));

        StsPolicy updated = policy(source.discover(DOMAIN));
        StsPolicy cached = policy(source.discover(DOMAIN));

        assertThat(updated.mode()).isEqualTo(StsMode.TESTING);
        assertThat(updated.id()).isEqualTo("two");
        assertThat(cached).isEqualTo(updated);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void aRemovedInvalidOrUnansweredTxtRecordNeverWithdrawsTheCachedPolicy() {
        publish(DOMAIN, "v=STSv1; id=one;");
        CachingStsPolicySource source = source();
        source.discover(DOMAIN);

        List<DnsAnswer<String>> downgrades = List.of(
            DnsAnswer.insecure(List.of(), Duration.ofMinutes(5)),
            DnsAnswer.secure(List.of(), Duration.ofMinutes(5)),
            DnsAnswer.insecure(List.of("v=STSv1; id=one;", "v=STSv1; id=two;"), Duration.ofMinutes(5)),
            DnsAnswer.insecure(List.of("v=STSv1; id=not valid;"), Duration.ofMinutes(5)),
            DnsAnswer.failed("SERVFAIL"),
            DnsAnswer.bogus("signature expired"));
        for (DnsAnswer<String> answer : downgrades) {
            txt.put(DOMAIN, answer);
            StsDiscovery discovery = source.discover(DOMAIN);
            assertThat(discovery.policy()).as(answer.toString()).map(StsPolicy::mode).contains(StsMode.ENFORCE);
            assertThat(discovery.problem()).as(answer.toString()).isEmpty();
        }
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aFailedFetchKeepsTheCachedPolicyAndReportsTheProblem() {
        publish(DOMAIN, "v=STSv1; id=one;");
        CachingStsPolicySource source = source();
        source.discover(DOMAIN);
        publish(DOMAIN, "v=STSv1; id=two;");
        server.respond(Response.of(500, "text/plain", "down"));

        StsDiscovery discovery = source.discover(DOMAIN);

        assertThat(policy(discovery).id()).isEqualTo("one");
        assertThat(discovery.problem()).map(StsProblem::type).contains(TlsRptResultType.STS_POLICY_FETCH_ERROR);
    }

    @Test
    void aFailedFetchWithNothingCachedMeansNoPolicyWithTheProblem() {
        publish(DOMAIN, "v=STSv1; id=one;");
        server.respond(Response.of(200, "text/html", ENFORCE));

        StsDiscovery discovery = source().discover(DOMAIN);

        assertThat(discovery.policy()).isEmpty();
        assertThat(discovery.problem()).map(StsProblem::type).contains(TlsRptResultType.STS_POLICY_INVALID);
    }

    @Test
    void aFailedIdIsNotFetchedAgainForFiveMinutes() {
        publish(DOMAIN, "v=STSv1; id=one;");
        server.respond(Response.of(503, "text/plain", "busy"));
        CachingStsPolicySource source = source();
        source.discover(DOMAIN);
        server.respond(Response.policy(ENFORCE));

        clock.advance(CachingStsPolicySource.FAILED_FETCH_PAUSE.minusSeconds(1));
        StsDiscovery paused = source.discover(DOMAIN);
        assertThat(paused.policy()).isEmpty();
        assertThat(paused.problem()).map(StsProblem::type).contains(TlsRptResultType.STS_POLICY_FETCH_ERROR);
        assertThat(server.requestCount()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(policy(source.discover(DOMAIN)).mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void anExpiredPolicyIsFetchedAgainForTheSameId() {
        publish(DOMAIN, "v=STSv1; id=one;");
        CachingStsPolicySource source = source();
        source.discover(DOMAIN);
        server.respond(Response.policy(TESTING));
        clock.advance(Duration.ofSeconds(86400));

        StsPolicy refreshed = policy(source.discover(DOMAIN));

        assertThat(refreshed.mode()).isEqualTo(StsMode.TESTING);
        assertThat(refreshed.fetchedAt()).isEqualTo(clock.instant());
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void anExpiredPolicyIsNotUsedWhenTheRefreshFailsOrTheTxtRecordIsGone() {
        publish(DOMAIN, "v=STSv1; id=one;");
        CachingStsPolicySource source = source();
        source.discover(DOMAIN);
        clock.advance(Duration.ofDays(2));
        server.respond(Response.of(404, "text/plain", "gone"));

        StsDiscovery failed = source.discover(DOMAIN);
        txt.remove(DOMAIN);
        StsDiscovery withoutRecord = source.discover(DOMAIN);

        assertThat(failed.policy()).isEmpty();
        assertThat(failed.problem()).map(StsProblem::type).contains(TlsRptResultType.STS_POLICY_FETCH_ERROR);
        assertThat(withoutRecord).isEqualTo(StsDiscovery.none(DOMAIN));
    }

    @Test
    void aNonePolicyIsCachedLikeAnyOther() {
        publish(DOMAIN, "v=STSv1; id=withdrawn;");
        server.respond(Response.policy("version: STSv1\nmode: none\nmax_age: 86400\n"));
        CachingStsPolicySource source = source();
        source.discover(DOMAIN);
        txt.remove(DOMAIN);

        assertThat(policy(source.discover(DOMAIN)).mode()).isEqualTo(StsMode.NONE);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void policiesSurviveARestartUntilTheyExpire() {
        publish(DOMAIN, "v=STSv1; id=one;");
        StsPolicy fetched = policy(source().discover(DOMAIN));
        server.respond(Response.of(500, "text/plain", "must not be asked"));

        StsDiscovery afterRestart = source().discover(DOMAIN);

        assertThat(afterRestart.policy()).contains(fetched);
        assertThat(server.requestCount()).isEqualTo(1);
        clock.advance(Duration.ofDays(1));
        txt.remove(DOMAIN);
        assertThat(source().discover(DOMAIN)).isEqualTo(StsDiscovery.none(DOMAIN));
    }

    @Test
    void theFileIsReplacedWholeWithNoTemporaryFileLeft() throws IOException {
        publish(DOMAIN, "v=STSv1; id=one;");
        CachingStsPolicySource source = source();
        source.discover(DOMAIN);
        publish(DOMAIN, "v=STSv1; id=two;");
        source.discover(DOMAIN);

        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly(StsPolicyStore.FILE_NAME);
        }
        assertThat(new StsPolicyStore(directory).load()).containsOnlyKeys(DOMAIN);
        assertThat(new StsPolicyStore(directory).load().get(DOMAIN).id()).isEqualTo("two");
    }

    @Test
    void aCorruptedFileStartsAnEmptyCacheAndDiscoveryGoesOn() throws IOException {
        List<String> corruptions = List.of(
            "\u0000\u0001garbage",
            "format=1\npolicy.example.com=\\u12",
            "policy.example.com=one enforce 86400 2026-12-01T10:00:00Z mail.example.com\n",
            "format=7\npolicy.example.com=one enforce 86400 2026-12-01T10:00:00Z mail.example.com\n");
        for (String content : corruptions) {
            Files.writeString(directory.resolve(StsPolicyStore.FILE_NAME), content, StandardCharsets.ISO_8859_1);
            publish(DOMAIN, "v=STSv1; id=one;");
            int before = server.requestCount();

            StsDiscovery discovery = source().discover(DOMAIN);

            assertThat(discovery.policy()).as(content).map(StsPolicy::mode).contains(StsMode.ENFORCE);
            assertThat(server.requestCount()).as(content).isEqualTo(before + 1);
        }
    }

    @Test
    void aBrokenEntryIsSkippedAndTheOthersKept() throws IOException {
        DomainName other = DomainName.parse("example.net");
        Files.writeString(directory.resolve(StsPolicyStore.FILE_NAME), String.join("\n",
            "format=1",
            "policy.example.com=one enforce 86400 2026-12-01T09:00:00Z mail.example.com,*.example.com",
            "policy.example.net=two enforce many 2026-12-01T09:00:00Z mail.example.net",
            "policy.example.org=bad-id enforce 86400 2026-12-01T09:00:00Z mail.example.org",
            "policy.example.info=three enforce 86400 2026-12-01T09:00:00Z mail_.example.info",
            ""));

        Map<DomainName, StsPolicy> loaded = new StsPolicyStore(directory).load();

        assertThat(loaded).containsOnlyKeys(DOMAIN);
        assertThat(loaded.get(DOMAIN).mx()).containsExactly("mail.example.com", "*.example.com");
        publish(DOMAIN, "v=STSv1; id=one;");
        assertThat(policy(source().discover(DOMAIN)).fetchedAt()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
        assertThat(source().discover(other)).isEqualTo(StsDiscovery.none(other));
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void theOldestDomainIsDroppedBeyondTheLimit() {
        DomainName net = DomainName.parse("example.net");
        DomainName org = DomainName.parse("example.org");
        for (DomainName domain : List.of(DOMAIN, net, org)) {
            publish(domain, "v=STSv1; id=one;");
        }
        CachingStsPolicySource source = new CachingStsPolicySource(this::lookup, fetcher, directory, clock, 2);
        source.discover(DOMAIN);
        clock.advance(Duration.ofSeconds(1));
        source.discover(net);
        clock.advance(Duration.ofSeconds(1));
        source.discover(org);

        assertThat(source.size()).isEqualTo(2);
        assertThat(server.requestCount()).isEqualTo(3);
        source.discover(net);
        source.discover(org);
        assertThat(server.requestCount()).isEqualTo(3);
        source.discover(DOMAIN);
        assertThat(server.requestCount()).isEqualTo(4);
        assertThat(new StsPolicyStore(directory).load()).containsOnlyKeys(org, DOMAIN);
    }

    @Test
    void concurrentDiscoveriesOfOneDomainShareOneFetch() throws Exception {
        publish(DOMAIN, "v=STSv1; id=one;");
        server.respond(Response.policy(ENFORCE).slowBody(Duration.ofMillis(1500)));
        CachingStsPolicySource source = source();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<StsDiscovery>> discoveries = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                discoveries.add(threads.submit(() -> source.discover(DOMAIN)));
            }
            for (Future<StsDiscovery> discovery : discoveries) {
                assertThat(policy(discovery.get(20, TimeUnit.SECONDS)).mode()).isEqualTo(StsMode.ENFORCE);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void theFetchAsksThePolicyHostOfTheDomain() {
        publish(DOMAIN, "v=STSv1; id=one;");

        source().discover(DOMAIN);

        assertThat(server.requests()).extracting(StsPolicyServer.Request::host).containsExactly("mta-sts.example.com");
        assertThat(Optional.of(server.tunnelTargets())).contains(List.of("mta-sts.example.com:443"));
    }

    // The attacks on discovery and the cache, one row each, against the loopback policy host: an attacker who answers
    // or blocks the unsigned _mta-sts TXT record, sits between James and the policy host, or serves the policy body.
    // Every row starts from a cached enforce policy (id one) of example.com; what must hold: that policy is neither
    // withdrawn nor weakened, and nothing the attacker wrote reaches the cache file as an entry of its own (checked
    // after a restart from the file).

    /** What the attacker does once the enforce policy is cached. */
    interface Scenario {
        void act(CachingStsPolicySourceTest test);
    }

    record Attack(String attack, Scenario scenario, TlsRptResultType problemOrNull) {
        @Override
        public String toString() {
            return attack;
        }
    }

    static Stream<Attack> attacks() {
        return Stream.of(
            new Attack("the TXT record is removed to withdraw the policy", test -> test.txt.remove(DOMAIN), null),
            new Attack("the TXT answer is dropped (timeout)", test -> test.txt.put(DOMAIN, DnsAnswer.failed("timeout")), null),
            new Attack("the TXT answer's signatures are broken (bogus)",
                test -> test.txt.put(DOMAIN, DnsAnswer.bogus("RRSIG does not verify")), null),
            new Attack("a second v=STSv1 TXT record makes the domain's record ambiguous",
                test -> test.publish(DOMAIN, "v=STSv1; id=one;", "v=STSv1; id=evil;"), null),
            new Attack("a new id whose policy fetch is blocked (connection answered 404)", test -> {
                test.publish(DOMAIN, "v=STSv1; id=two;");
                test.server.respond(Response.of(404, "text/plain", "not found"));
            }, TlsRptResultType.STS_POLICY_FETCH_ERROR),
            new Attack("a new id whose policy host redirects to the attacker's host", test -> {
                test.publish(DOMAIN, "v=STSv1; id=two;");
                test.server.respond(Response.redirect("https://mta-sts.attacker.example/.well-known/mta-sts.txt"));
            }, TlsRptResultType.STS_POLICY_FETCH_ERROR),
            new Attack("a new id served as HTML by a captive portal", test -> {
                test.publish(DOMAIN, "v=STSv1; id=two;");
                test.server.respond(Response.of(200, "text/html", TESTING));
            }, TlsRptResultType.STS_POLICY_INVALID),
            new Attack("a new id whose body is a valid testing policy padded past the size limit", test -> {
                test.publish(DOMAIN, "v=STSv1; id=two;");
                test.server.respond(Response.policy(TESTING).paddedTo(HttpsStsFetcher.MAX_BODY_BYTES + 1));
            }, TlsRptResultType.STS_POLICY_FETCH_ERROR),
            new Attack("a policy body line shaped as a cache entry of another domain", test -> {
                test.publish(DOMAIN, "v=STSv1; id=two;");
                test.server.respond(Response.policy("version: STSv1\nmode: testing\nmx: mail.example.com\n" + FORGED_ENTRY + "\nmax_age: 86400\n"));
            }, TlsRptResultType.STS_POLICY_INVALID),
            new Attack("an mx value smuggling a cache entry behind a bare CR", test -> {
                test.publish(DOMAIN, "v=STSv1; id=two;");
                test.server.respond(Response.policy("version: STSv1\nmode: testing\nmx: mail.example.com\r" + FORGED_ENTRY + "\nmax_age: 86400\n"));
            }, TlsRptResultType.STS_POLICY_INVALID),
            new Attack("an mx value smuggling a cache entry through a properties escape", test -> {
                test.publish(DOMAIN, "v=STSv1; id=two;");
                test.server.respond(Response.policy("version: STSv1\nmode: testing\nmx: mail.example.com\\u000a" + FORGED_ENTRY
                    + "\nmax_age: 86400\n"));
            }, TlsRptResultType.STS_POLICY_INVALID),
            new Attack("an extension value smuggling a cache entry behind a NEL (C1 control)", test -> {
                test.publish(DOMAIN, "v=STSv1; id=two;");
                test.server.respond(Response.policy("version: STSv1\nmode: testing\nmx: mail.example.com\nx-note: a\u0085" + FORGED_ENTRY
                    + "\nmax_age: 86400\n"));
            }, TlsRptResultType.STS_POLICY_INVALID),
            new Attack("a TXT id carrying a line break and a cache entry", test -> {
                test.publish(DOMAIN, "v=STSv1; id=two\n" + FORGED_ENTRY + ";");
                test.server.respond(Response.policy(TESTING));
            }, null)
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void theCachedEnforcePolicyStaysAndNothingForgedIsCached(Attack attack) throws Exception {
        publish(DOMAIN, "v=STSv1; id=one;");
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
