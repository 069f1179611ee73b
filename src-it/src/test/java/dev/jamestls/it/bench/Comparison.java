package dev.jamestls.it.bench;

import java.util.OptionalDouble;

/**
 * Two configurations measured in alternating rounds of the same run.
 *
 * @param key short name used in the summary line and the JSON ({@code transactions})
 * @param question what the ratio answers
 * @param baseline the reference configuration
 * @param candidate the configuration whose cost is measured
 * @param target the ratio the issue asks for, if it sets one
 */
record Comparison(String key, String question, Measured baseline, Measured candidate, OptionalDouble target) {

    /** The headline: median rate of the candidate over median rate of the baseline. */
    double ratio() {
        return candidate.medianRate() / baseline.medianRate();
    }

    /**
     * The same question asked of CPU time: baseline CPU per operation over the
     * candidate's (0.95 = the candidate needs 1/0.95 times the CPU). Less
     * disturbed by other processes than the throughput ratio.
     */
    double cpuRatio() {
        return baseline.medianCpuMicros() / candidate.medianCpuMicros();
    }

    double[] pairedRatios() {
        return Measured.pairedRatios(baseline, candidate);
    }

    double medianPairedRatio() {
        return Measured.median(pairedRatios());
    }

    String verdict() {
        if (target.isEmpty()) {
            return "no target";
        }
        return ratio() >= target.getAsDouble() ? "meets target >= " + target.getAsDouble()
            : "BELOW target >= " + target.getAsDouble();
    }
}
