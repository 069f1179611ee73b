package dev.jamestls.cli;

import java.nio.file.Path;
import java.util.List;

import dev.jamestls.policy.file.Problem;

/** The few JSON documents the CLI prints; a string escaper, no library. */
final class Json {
    private Json() {
    }

    static String report(Path confDir, List<Problem> problems, long errors, long warnings) {
        StringBuilder json = new StringBuilder();
        json.append("{\"confDir\":").append(string(confDir.toString()))
            .append(",\"errors\":").append(errors)
            .append(",\"warnings\":").append(warnings)
            .append(",\"findings\":[");
        for (int i = 0; i < problems.size(); i++) {
            Problem problem = problems.get(i);
            json.append(i == 0 ? "" : ",")
                .append("{\"file\":").append(string(problem.file().toString()))
                .append(",\"line\":").append(problem.line())
                .append(",\"column\":").append(problem.column())
                .append(",\"severity\":").append(string(problem.severity().spelling()))
                .append(",\"subject\":").append(string(problem.subject()))
                .append(",\"message\":").append(string(problem.message()))
                .append('}');
        }
        return json.append("]}").toString();
    }

    /**
     * A JSON document (RFC 8259) from maps (keys in insertion order), lists, strings, numbers,
     * booleans, {@link java.time.Instant}s (ISO-8601 strings) and {@code null}, indented by two spaces.
     */
    static String pretty(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            out.append(string(text));
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof java.time.Instant instant) {
            out.append(string(instant.toString()));
        } else if (value instanceof java.util.Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            String separator = "\n";
            for (java.util.Map.Entry<?, ?> entry : map.entrySet()) {
                out.append(separator).append("  ".repeat(depth + 1)).append(string(String.valueOf(entry.getKey()))).append(": ");
                write(out, entry.getValue(), depth + 1);
                separator = ",\n";
            }
            out.append('\n').append("  ".repeat(depth)).append('}');
        } else if (value instanceof java.util.Collection<?> list) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            boolean scalars = list.stream().noneMatch(v -> v instanceof java.util.Map || v instanceof java.util.Collection);
            out.append('[');
            String separator = scalars ? "" : "\n" + "  ".repeat(depth + 1);
            for (Object element : list) {
                out.append(separator);
                write(out, element, depth + 1);
                separator = scalars ? ", " : ",\n" + "  ".repeat(depth + 1);
            }
            out.append(scalars ? "" : "\n" + "  ".repeat(depth)).append(']');
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    // RFC 8259 §7.
    static String string(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
