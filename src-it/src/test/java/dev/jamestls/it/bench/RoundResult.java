package dev.jamestls.it.bench;

import java.time.Duration;

/**
 * One measured (or warm-up) round of one configuration.
 *
 * @param operations completed operations (transactions or connections)
 * @param elapsed from the start signal to the last completed operation
 * @param cpu CPU time the whole JVM used during the round (clients and servers)
 * @param capped the round hit its time cap before its operation count
 * @param latenciesNanos one entry per completed operation
 */
record RoundResult(int operations, Duration elapsed, Duration cpu, boolean capped, long[] latenciesNanos) {

    RoundResult {
        if (operations != latenciesNanos.length) {
            throw new IllegalArgumentException("operations " + operations + " but " + latenciesNanos.length + " latencies");
        }
        if (operations == 0 || elapsed.isZero() || elapsed.isNegative()) {
            throw new IllegalArgumentException("a round must complete at least one operation; completed " + operations
                + " in " + elapsed);
        }
    }

    /** CPU microseconds per operation, clients included. */
    double cpuMicrosPerOperation() {
        return cpu.toNanos() / 1e3 / operations;
    }

    double perSecond() {
        return operations / (elapsed.toNanos() / 1e9);
    }
}
