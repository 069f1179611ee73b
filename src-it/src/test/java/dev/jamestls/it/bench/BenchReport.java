package dev.jamestls.it.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The run's figures as a console table, a one-line summary and a JSON file. */
final class BenchReport {
    private static final double[] QUANTILES = {0.50, 0.90, 0.99, 1.0};

    private final Map<String, String> environment;
    private final BenchSettings settings;
    private final List<Comparison> comparisons;

    BenchReport(Map<String, String> environment, BenchSettings settings, List<Comparison> comparisons) {
        this.environment = new LinkedHashMap<>(environment);
        this.settings = settings;
        this.comparisons = List.copyOf(comparisons);
    }

    String table() {
        StringBuilder out = new StringBuilder();
        out.append("SMTP load over STARTTLS, in-process James 3.8.1 on loopback; ")
            .append(environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")))
            .append('\n');
        out.append(String.format(Locale.ROOT, "clients=%d rounds=%d (+%d warm-up) messages/round=%d connections/round=%d cap=%ds%n",
            settings.clients(), settings.rounds(), settings.warmupRounds(), settings.messages(), settings.connections(),
            settings.roundCap().toSeconds()));
        String header = String.format(Locale.ROOT, "%-52s %-7s %9s  %-36s %9s %7s %7s %7s %8s%n",
            "configuration", "unit", "median", "rounds", "CPU us/op", "p50 ms", "p90 ms", "p99 ms", "max ms");
        out.append(header).append("-".repeat(header.length() - 1)).append('\n');
        for (Comparison comparison : comparisons) {
            for (Measured measured : List.of(comparison.baseline(), comparison.candidate())) {
                out.append(String.format(Locale.ROOT, "%-52s %-7s %9.1f  %-36s %9.0f %7.2f %7.2f %7.2f %8.2f%n",
                    measured.label(), measured.unit(), measured.medianRate(), joined(measured.rates(), "%.0f"),
                    measured.medianCpuMicros(),
                    measured.latencyMillis(0.50), measured.latencyMillis(0.90), measured.latencyMillis(0.99),
                    measured.latencyMillis(1.0)));
                if (measured.cappedRounds() > 0) {
                    out.append("    (").append(measured.cappedRounds()).append(" round(s) hit the time cap)\n");
                }
            }
            out.append(String.format(Locale.ROOT, "  %s: ratio %.3f of medians (paired rounds: %s, median %.3f); %s%n",
                comparison.question(), comparison.ratio(), joined(comparison.pairedRatios(), "%.3f"),
                comparison.medianPairedRatio(), comparison.verdict()));
            out.append(String.format(Locale.ROOT, "  CPU per operation, %s over %s: %.3f%n",
                comparison.baseline().id(), comparison.candidate().id(), comparison.cpuRatio()));
        }
        return out.toString();
    }

    /** The stable line the README quotes. */
    String summaryLine() {
        String figures = comparisons.stream().map(comparison -> String.format(Locale.ROOT,
                "%s %s=%.1f %s=%.1f %s ratio=%.3f paired=%.3f cpuRatio=%.3f", comparison.key(),
                comparison.baseline().id(), comparison.baseline().medianRate(),
                comparison.candidate().id(), comparison.candidate().medianRate(),
                comparison.baseline().unit(), comparison.ratio(), comparison.medianPairedRatio(), comparison.cpuRatio()))
            .collect(Collectors.joining(" | "));
        return "SMTP-LOAD " + figures + " | clients=" + settings.clients() + " rounds=" + settings.rounds()
            + " cpus=" + environment.get("cpus") + " date=" + environment.get("date");
    }

    void writeJson(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"benchmark\": \"smtp-load\",\n");
        json.append("  \"environment\": {")
            .append(environment.entrySet().stream().map(e -> quote(e.getKey()) + ": " + quote(e.getValue()))
                .collect(Collectors.joining(", ")))
            .append("},\n");
        json.append(String.format(Locale.ROOT,
            "  \"settings\": {\"clients\": %d, \"rounds\": %d, \"warmupRounds\": %d, \"messagesPerRound\": %d, "
                + "\"connectionsPerRound\": %d, \"roundCapSeconds\": %d},%n",
            settings.clients(), settings.rounds(), settings.warmupRounds(), settings.messages(), settings.connections(),
            settings.roundCap().toSeconds()));
        json.append("  \"comparisons\": {\n");
        json.append(comparisons.stream().map(BenchReport::json).map(block -> block.indent(4).stripTrailing())
            .collect(Collectors.joining(",\n")));
        json.append("\n  },\n");
        json.append("  \"summary\": ").append(quote(summaryLine())).append("\n}\n");
        Files.writeString(file, json.toString(), StandardCharsets.UTF_8);
    }

    private static String json(Comparison comparison) {
        return String.format(Locale.ROOT, """
                "%s": {
                  "question": %s,
                  "baseline": %s,
                  "candidate": %s,
                  "ratioOfMedians": %.4f,
                  "pairedRatios": [%s],
                  "medianPairedRatio": %.4f,
                  "cpuRatio": %.4f,
                  "target": %s,
                  "verdict": %s
                }""", comparison.key(), quote(comparison.question()), json(comparison.baseline()),
            json(comparison.candidate()), comparison.ratio(), joined(comparison.pairedRatios(), "%.4f", ", "),
            comparison.medianPairedRatio(), comparison.cpuRatio(),
            comparison.target().isPresent() ? String.format(Locale.ROOT, "%.2f", comparison.target().getAsDouble()) : "null",
            quote(comparison.verdict()));
    }

    private static String json(Measured measured) {
        String latencies = Arrays.stream(QUANTILES)
            .mapToObj(q -> String.format(Locale.ROOT, "\"%s\": %.3f", q == 1.0 ? "max" : "p" + Math.round(q * 100),
                measured.latencyMillis(q)))
            .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT,
            "{\"id\": %s, \"label\": %s, \"unit\": %s, \"medianRate\": %.2f, \"rates\": [%s], \"operations\": %d, "
                + "\"cappedRounds\": %d, \"medianCpuMicrosPerOperation\": %.1f, \"cpuMicrosPerOperation\": [%s], "
                + "\"latencyMs\": {%s}}",
            quote(measured.id()), quote(measured.label()), quote(measured.unit()), measured.medianRate(),
            joined(measured.rates(), "%.2f", ", "), measured.operations(), measured.cappedRounds(),
            measured.medianCpuMicros(), joined(measured.cpuMicrosPerOperation(), "%.1f", ", "), latencies);
    }

    private static String joined(double[] values, String format) {
        return joined(values, format, " ");
    }

    private static String joined(double[] values, String format, String separator) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, format, v))
            .collect(Collectors.joining(separator));
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
