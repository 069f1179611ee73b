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
                .append(",\"severity\":").append(string(problem.severity().label()))
                .append(",\"subject\":").append(string(problem.subject()))
                .append(",\"message\":").append(string(problem.message()))
                .append('}');
        }
        return json.append("]}").toString();
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
