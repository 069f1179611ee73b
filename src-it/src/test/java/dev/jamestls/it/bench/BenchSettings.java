package dev.jamestls.it.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * The knobs of one load run, read from system properties (the {@code bench}
 * profile of {@code src-it/pom.xml} passes {@code -Dbench.*} through).
 *
 * @param clients parallel SMTP clients per configuration
 * @param rounds measured rounds per configuration (alternated, see {@link SmtpLoadBenchmark})
 * @param messages transactions per round over persistent STARTTLS sessions (the transaction benchmark)
 * @param connections connections per round, one transaction each (the certificate benchmark)
 * @param warmupRounds unmeasured rounds per configuration before the measured ones
 * @param roundCap wall-clock cap of one round; a capped round still reports its rate
 * @param output where the JSON report goes
 */
record BenchSettings(int clients, int rounds, int messages, int connections, int warmupRounds,
                     Duration roundCap, Path output) {

    static final String PREFIX = "bench.";

    BenchSettings {
        positive("clients", clients, 1, 256);
        positive("rounds", rounds, 1, 101);
        positive("messages", messages, 1, 1_000_000);
        positive("connections", connections, 1, 1_000_000);
        positive("warmupRounds", warmupRounds, 0, 100);
        if (roundCap.isNegative() || roundCap.isZero() || roundCap.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("bench.roundSeconds must be between 1 and 600; got " + roundCap.toSeconds());
        }
    }

    static BenchSettings from(Properties properties) {
        return new BenchSettings(
            integer(properties, "clients", 8),
            integer(properties, "rounds", 7),
            integer(properties, "messages", 5_000),
            integer(properties, "connections", 300),
            integer(properties, "warmupRounds", 6),
            Duration.ofSeconds(integer(properties, "roundSeconds", 30)),
            Path.of(properties.getProperty(PREFIX + "output", "target/bench/smtp-load.json")));
    }

    private static int integer(Properties properties, String name, int fallback) {
        String value = properties.getProperty(PREFIX + name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + name + " must be a whole number; got '" + value + "'", e);
        }
    }

    private static void positive(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(PREFIX + name + " must be between " + min + " and " + max + "; got " + value);
        }
    }
}
