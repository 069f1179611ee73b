package dev.jamestls.it.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The measured rounds of one configuration and the figures drawn from them:
 * the median rate over rounds and latency percentiles over every operation of
 * every measured round.
 */
record Measured(String id, String label, String unit, List<RoundResult> rounds) {

    Measured {
        rounds = List.copyOf(rounds);
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException(id + ": no measured round");
        }
    }

    double[] rates() {
        return rounds.stream().mapToDouble(RoundResult::perSecond).toArray();
    }

    double medianRate() {
        return median(rates());
    }

    double[] cpuMicrosPerOperation() {
        return rounds.stream().mapToDouble(RoundResult::cpuMicrosPerOperation).toArray();
    }

    double medianCpuMicros() {
        return median(cpuMicrosPerOperation());
    }

    long operations() {
        return rounds.stream().mapToLong(RoundResult::operations).sum();
    }

    long cappedRounds() {
        return rounds.stream().filter(RoundResult::capped).count();
    }

    /** The latency at quantile {@code q} (0..1], nearest rank, in milliseconds. */
    double latencyMillis(double q) {
        long[] all = rounds.stream().flatMapToLong(round -> Arrays.stream(round.latenciesNanos())).sorted().toArray();
        int rank = (int) Math.ceil(q * all.length);
        return all[Math.max(0, Math.min(all.length, rank) - 1)] / 1e6;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** {@code candidate}'s rate over {@code baseline}'s, round by round (rounds are run in pairs). */
    static double[] pairedRatios(Measured baseline, Measured candidate) {
        double[] base = baseline.rates();
        double[] other = candidate.rates();
        double[] ratios = new double[Math.min(base.length, other.length)];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = other[i] / base[i];
        }
        return ratios;
    }
}
