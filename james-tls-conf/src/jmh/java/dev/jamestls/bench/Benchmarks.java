package dev.jamestls.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.jamestls.policy.DomainTable;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.file.PostfixPolicyTable;
import dev.jamestls.policy.file.Problem;

/**
 * Prints load time and heap per entry of a 1,000,000-line table, then runs the JMH benchmarks
 * with the given JMH arguments.
 */
public final class Benchmarks {
    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        loadFigures();
        org.openjdk.jmh.Main.main(args);
    }

    static void loadFigures() throws Exception {
        Path dir = Files.createTempDirectory("table-figures");
        Path file = dir.resolve("tls_policy");
        LargeTable.write(file, LargeTable.SIZE);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        List<Long> times = new ArrayList<>();
        DomainTable kept = null;
        for (int run = 0; run < 3; run++) {
            kept = null;
            gc();
            long before = memory.getHeapMemoryUsage().getUsed();
            long start = System.nanoTime();
            List<Problem> problems = new ArrayList<>();
            Optional<DomainTable> table = PostfixPolicyTable.parse(file, Mode.ENFORCE, problems);
            times.add((System.nanoTime() - start) / 1_000_000);
            kept = table.orElseThrow(() -> new IllegalStateException(problems.toString()));
            gc();
            long after = memory.getHeapMemoryUsage().getUsed();
            System.out.printf("load run %d: %d ms, retained heap %.1f MB, %.0f bytes/entry (%d entries, %d MB file)%n",
                run + 1, times.get(run), (after - before) / 1e6, (after - before) / (double) kept.size(), kept.size(),
                Files.size(file) / 1_000_000);
        }
        System.out.println("table held: " + kept + ", clock " + Clock.systemUTC().instant());
        Files.delete(file);
        Files.delete(dir);
    }

    private static void gc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
    }
}
