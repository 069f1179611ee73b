package dev.jamestls.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.file.ReloadingPolicy;

/**
 * Lookup latency through {@link ReloadingPolicy#current()} while another thread reloads the
 * 1,000,000-entry table back to back ({@code reloading=true}) versus a quiet policy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LookupDuringReloadBenchmark {
    @Param({"false", "true"})
    public boolean reloading;

    private ReloadingPolicy policy;
    private DomainName[] hits;
    private Path dir;
    private Thread reloader;
    private final AtomicBoolean running = new AtomicBoolean();
    final AtomicInteger reloads = new AtomicInteger();

    @Setup(Level.Trial)
    public void load() throws Exception {
        dir = Files.createTempDirectory("jmh-reload");
        LargeTable.write(dir.resolve("tls_policy"), LargeTable.SIZE);
        Files.writeString(dir.resolve("tls-policy.xml"), LargeTable.policyXml());
        policy = ReloadingPolicy.load(dir.resolve("tls-policy.xml"), Clock.systemUTC());
        hits = new DomainName[1024];
        for (int i = 0; i < 1024; i++) {
            hits[i] = DomainName.parse("d" + (ThreadLocalRandom.current().nextInt(LargeTable.SIZE) | 1) + ".example");
        }
        if (reloading) {
            running.set(true);
            reloader = new Thread(() -> {
                long stamp = System.currentTimeMillis();
                while (running.get()) {
                    try {
                        Files.setLastModifiedTime(dir.resolve("tls_policy"), FileTime.fromMillis(stamp += 1000));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                    if (policy.reloadIfChanged() == ReloadingPolicy.Outcome.RELOADED) {
                        reloads.incrementAndGet();
                    }
                }
            }, "reloader");
            reloader.start();
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        running.set(false);
        if (reloader != null) {
            reloader.join();
            System.out.println("\nreloads of the 1,000,000-entry table during the trial: " + reloads.get());
        }
        policy.close();
        Files.deleteIfExists(dir.resolve("tls_policy"));
        Files.deleteIfExists(dir.resolve("tls-policy.xml"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public OutboundResolution lookup() {
        return policy.current().resolveOutbound(hits[ThreadLocalRandom.current().nextInt(1024)]);
    }
}
