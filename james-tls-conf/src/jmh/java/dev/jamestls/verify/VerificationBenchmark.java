package dev.jamestls.verify;

import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.revocation.HttpFetcher;
import dev.jamestls.revocation.RevocationCache;
import dev.jamestls.revocation.RevocationChecker;
import dev.jamestls.revocation.RevocationSettings;

/**
 * Verification of a known partner chain (root → issuing CA → partner leaf, RSA 2048):
 * from the result cache, and uncached with revocation off (path building, EKU, names).
 * Run: {@code mvn -B -pl james-tls-conf -Pbench test-compile exec:exec@verify-bench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class VerificationBenchmark {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private List<X509Certificate> chain;
    private CertificateRequirement requirement;
    private CertificateVerifier core;
    private CachingCertificateVerifier cached;

    @Setup
    public void setUp() {
        CertificateAuthority root = CertificateAuthority.root("CN=Partner Root,O=Partner", NOW);
        CertificateAuthority issuing = root.intermediate("CN=Partner Issuing CA,O=Partner").issueAuthority();
        IssuedCertificate partner = issuing.leaf("CN=partner.example").dnsNames("partner.example")
            .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();
        chain = partner.presentedChain();
        requirement = CertificateRequirement.client(List.of(root.certificate().certificate())).withNames("partner.example");
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        HttpFetcher offline = new HttpFetcher() {
            @Override
            public byte[] get(URI uri) throws IOException {
                throw new IOException("offline benchmark");
            }

            @Override
            public byte[] post(URI uri, String contentType, byte[] body) throws IOException {
                throw new IOException("offline benchmark");
            }
        };
        core = new CertificateVerifier(clock, new RevocationChecker(offline, RevocationCache.defaults(),
            RevocationSettings.DEFAULT), RevocationSettings.DEFAULT);
        cached = new CachingCertificateVerifier(core, clock, 1000, Duration.ofHours(1));
        if (!cached.verify(chain, requirement).accepted()) {
            throw new IllegalStateException("benchmark chain does not verify");
        }
    }

    @Benchmark
    public VerificationOutcome cachedVerification() {
        return cached.verify(chain, requirement);
    }

    @Benchmark
    public VerificationOutcome firstVerificationRevocationOff() {
        return core.verify(chain, requirement);
    }
}
