package dev.jamestls.it.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one round: {@code clients} threads prepare their clients, start on one
 * signal and take operations from a shared budget until it is spent or the
 * round's time cap has passed. Before the clock starts, the JVM settles: the
 * previous round's mails are still being spooled when its last client finishes,
 * and that work must not fall on the next round (the other configuration).
 * Every wait is bounded.
 */
final class LoadRunner implements AutoCloseable {
    private static final Duration PREPARE_LIMIT = Duration.ofSeconds(60);
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(20);
    private static final Duration SETTLE_WINDOW = Duration.ofMillis(200);
    /** Quiet: the JVM used less than a tenth of one core over a window. */
    private static final double QUIET_SHARE_OF_ONE_CORE = 0.10;

    private final int clients;
    private final ExecutorService threads;

    LoadRunner(int clients) {
        this.clients = clients;
        AtomicInteger counter = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(clients, runnable -> {
            Thread thread = new Thread(runnable, "load-client-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    RoundResult round(Workload workload, int operations, Duration cap) throws Exception {
        AtomicInteger budget = new AtomicInteger(operations);
        CountDownLatch prepared = new CountDownLatch(clients);
        CountDownLatch start = new CountDownLatch(1);
        long[] startedAt = new long[1];
        List<Future<ClientRun>> results = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            results.add(threads.submit(() -> {
                Workload.Client client;
                try {
                    client = workload.prepare();
                } finally {
                    prepared.countDown();
                }
                try (client) {
                    if (!start.await(PREPARE_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                        throw new TimeoutException("no start signal within " + PREPARE_LIMIT);
                    }
                    long deadline = startedAt[0] + cap.toNanos();
                    long[] latencies = new long[operations];
                    int done = 0;
                    while (System.nanoTime() < deadline && budget.getAndDecrement() > 0) {
                        long before = System.nanoTime();
                        client.once();
                        latencies[done++] = System.nanoTime() - before;
                    }
                    return new ClientRun(Arrays.copyOf(latencies, done), System.nanoTime());
                }
            }));
        }
        if (!prepared.await(PREPARE_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new TimeoutException("clients not ready within " + PREPARE_LIMIT);
        }
        settle();
        long cpuBefore = processCpuNanos();
        startedAt[0] = System.nanoTime();
        start.countDown();
        long finishedAt = startedAt[0];
        List<long[]> latencies = new ArrayList<>();
        long limit = cap.plus(DRAIN_LIMIT).toNanos();
        for (Future<ClientRun> result : results) {
            ClientRun client;
            try {
                client = result.get(Math.max(1, limit - (System.nanoTime() - startedAt[0])), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                results.forEach(other -> other.cancel(true));
                throw new IllegalStateException(workload + ": a client failed: " + e.getCause().getMessage(), e.getCause());
            }
            finishedAt = Math.max(finishedAt, client.finishedAt());
            latencies.add(client.latenciesNanos());
        }
        long cpu = processCpuNanos() - cpuBefore;
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).toArray();
        return new RoundResult(all.length, Duration.ofNanos(finishedAt - startedAt[0]), Duration.ofNanos(cpu),
            budget.get() > 0, all);
    }

    /**
     * Waits (bounded) until the servers have spooled what earlier rounds sent and the
     * heap is collected: the JVM's CPU use over a window falls below a tenth of a core.
     */
    static void settle() throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
        System.gc();
        while (System.nanoTime() < deadline) {
            long before = processCpuNanos();
            Thread.sleep(SETTLE_WINDOW.toMillis());
            if (processCpuNanos() - before < QUIET_SHARE_OF_ONE_CORE * SETTLE_WINDOW.toNanos()) {
                return;
            }
        }
    }

    /**
     * CPU time of this whole JVM (clients, both servers, GC, JIT): on a shared
     * machine it moves far less with other processes' load than wall time does.
     */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        throw new IllegalStateException("this JVM does not report process CPU time (com.sun.management.OperatingSystemMXBean)");
    }

    /** What one client did in a round: its operations' latencies and when it stopped (System.nanoTime). */
    private record ClientRun(long[] latenciesNanos, long finishedAt) {
    }

    @Override
    public void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(DRAIN_LIMIT.toSeconds(), TimeUnit.SECONDS);
    }
}
