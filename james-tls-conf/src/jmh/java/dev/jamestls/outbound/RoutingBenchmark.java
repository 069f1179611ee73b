package dev.jamestls.outbound;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.jamestls.dns.DnssecTrustAnchor;
import dev.jamestls.dns.ValidatingDns;
import dev.jamestls.mtasts.CachingStsPolicySource;
import dev.jamestls.mtasts.StsPolicyParser;
import dev.jamestls.mtasts.StsTxtLookup;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.policy.CipherPolicy;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.testkit.dns.LoopbackDnsServer;
import dev.jamestls.testkit.dns.SignedZones;
import dev.jamestls.tls.TlsProtocol;

/**
 * The per-mail routing decision of {@code TlsRemoteDelivery} ({@link DestinationRouting#route} and the hash of the
 * first plan, which keys the connection pool) once the published policies are cached: a connector at {@code verify}
 * (no lookup), DANE (a signed MX, address and TLSA record from {@link ValidatingDns}'s cache, validated once from the
 * test root's key by a loopback DNS server), and MTA-STS enforce (the TXT record from the same cache, the policy from
 * {@link CachingStsPolicySource}). The benchmark fails when a measured call reaches the DNS server or fetches a policy.
 * Run: {@code mvn -B -pl james-tls-conf -am -Pbench test-compile exec:exec@routing-bench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class RoutingBenchmark {
    private static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.sts.insecure\nmax_age: 86400\n";

    private LoopbackDnsServer server;
    private DestinationRouting routing;
    private List<X509Certificate> anchors;
    private OutboundResolution connector;
    private OutboundResolution dane;
    private OutboundResolution mtaSts;
    private Path cache;
    private final AtomicInteger fetches = new AtomicInteger();
    private int questions;

    @Setup
    public void setUp() throws Exception {
        SignedZones zones = SignedZones.builder().signedZone("example.").unsignedZone("insecure.")
            .record("dane.example. 3600 IN MX 10 mx.dane.example.")
            .record("mx.dane.example. 3600 IN A 127.0.0.1")
            .record("_25._tcp.mx.dane.example. 3600 IN TLSA 3 1 1 " + HexFormat.of().formatHex(new byte[32]))
            .record("sts.insecure. 3600 IN MX 10 mx.sts.insecure.")
            .record("_mta-sts.sts.insecure. 3600 IN TXT \"v=STSv1; id=bench1\"")
            .build();
        server = LoopbackDnsServer.start(zones);
        ValidatingDns dns = ValidatingDns.builder().resolver(server.address())
            .trustAnchor(DnssecTrustAnchor.parse(zones.trustAnchor(), "benchmark")).build();
        cache = Files.createTempDirectory("routing-bench");
        CachingStsPolicySource sts = new CachingStsPolicySource(domain -> dns.txt(StsTxtLookup.LABEL, domain), (domain, id) -> {
            fetches.incrementAndGet();
            return StsPolicyParser.parse(POLICY, id, Instant.now());
        }, cache, Clock.systemUTC());
        routing = new DestinationRouting(domain -> List.of("mx." + domain.ascii()), Optional.of(dns), Optional.of(sts));
        anchors = List.of(CertificateAuthority.root("CN=Benchmark Root", Instant.now()).certificate().certificate());
        OutboundRequirement verify = new OutboundRequirement(OutboundLevel.VERIFY, List.of(), List.of(), TlsProtocol.LOWEST_ACCEPTABLE,
            CipherPolicy.DEFAULT, List.of(), Failure.TEMPORARY);
        OutboundRequirement daneDefaults = verify.withLevel(OutboundLevel.DANE);
        connector = resolution("baseline.example", RuleKind.CONNECTOR, "bench-verify", verify);
        dane = resolution("dane.example", RuleKind.DEFAULTS, "defaults", daneDefaults);
        mtaSts = resolution("sts.insecure", RuleKind.DEFAULTS, "defaults", daneDefaults);
        expect(connector, PolicySource.CONNECTOR);
        expect(dane, PolicySource.DANE);
        expect(mtaSts, PolicySource.MTA_STS);
        questions = server.questions();
    }

    private static OutboundResolution resolution(String domain, RuleKind kind, String rule, OutboundRequirement requirement) {
        return new OutboundResolution(DomainName.parse(domain), kind, rule, dev.jamestls.policy.Mode.ENFORCE, requirement,
            Optional.empty(), Optional.empty(), List.of());
    }

    private void expect(OutboundResolution resolution, PolicySource source) throws Exception {
        PolicySource found = routing.route(resolution, true, anchors, Optional.empty()).source();
        if (found != source) {
            throw new IllegalStateException(resolution.recipientDomain().ascii() + " routed by " + found + ", not " + source);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        int asked = server.questions() - questions;
        server.close();
        try (var files = Files.walk(cache)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        if (asked != 0 || fetches.get() != 1) {
            throw new IllegalStateException("measured routes asked " + asked + " DNS questions; policies fetched " + fetches.get()
                + " times (expected 0 and the first one only): the caches did not answer");
        }
    }

    @Benchmark
    public int connectorAtVerify() throws Exception {
        return routing.route(connector, true, anchors, Optional.empty()).targets().get(0).plan().hashCode();
    }

    @Benchmark
    public int daneCached() throws Exception {
        return routing.route(dane, true, anchors, Optional.empty()).targets().get(0).plan().hashCode();
    }

    @Benchmark
    public int mtaStsCached() throws Exception {
        return routing.route(mtaSts, true, anchors, Optional.empty()).targets().get(0).plan().hashCode();
    }
}
