package dev.jamestls.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.TlsPolicy;
import dev.jamestls.policy.file.PolicyFileParser;

/** Outbound resolution against a 1,000,000-destination table (connector + table + defaults precedence). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TableLookupBenchmark {
    private TlsPolicy policy;
    private DomainName[] exactHits;
    private DomainName[] parentHits;
    private DomainName[] misses;
    private Path dir;

    @Setup(Level.Trial)
    public void load() throws Exception {
        dir = Files.createTempDirectory("jmh-table");
        LargeTable.write(dir.resolve("tls_policy"), LargeTable.SIZE);
        Files.writeString(dir.resolve("tls-policy.xml"), LargeTable.policyXml());
        policy = new PolicyFileParser(Clock.systemUTC()).parse(dir.resolve("tls-policy.xml")).policyOrThrow();
        exactHits = new DomainName[1024];
        parentHits = new DomainName[1024];
        misses = new DomainName[1024];
        for (int i = 0; i < 1024; i++) {
            int n = ThreadLocalRandom.current().nextInt(LargeTable.SIZE);
            exactHits[i] = DomainName.parse("d" + (n % 10 == 0 ? n + 1 : n) + ".example");
            parentHits[i] = DomainName.parse("mx1.eu.d" + (n - n % 10) + ".example");
            misses[i] = DomainName.parse("mx.unknown" + n + ".example");
        }
    }

    @TearDown(Level.Trial)
    public void clean() throws Exception {
        Files.deleteIfExists(dir.resolve("tls_policy"));
        Files.deleteIfExists(dir.resolve("tls-policy.xml"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public OutboundResolution exactEntry() {
        return policy.resolveOutbound(exactHits[ThreadLocalRandom.current().nextInt(1024)]);
    }

    @Benchmark
    public OutboundResolution parentEntry() {
        return policy.resolveOutbound(parentHits[ThreadLocalRandom.current().nextInt(1024)]);
    }

    @Benchmark
    public OutboundResolution noEntryDefaults() {
        return policy.resolveOutbound(misses[ThreadLocalRandom.current().nextInt(1024)]);
    }

    @Benchmark
    public OutboundResolution fromStringIncludingNormalisation() {
        return policy.resolveOutbound("D" + ThreadLocalRandom.current().nextInt(LargeTable.SIZE) + ".Example.");
    }
}
