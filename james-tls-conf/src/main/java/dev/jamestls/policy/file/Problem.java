package dev.jamestls.policy.file;

import java.nio.file.Path;
import java.util.Objects;

import dev.jamestls.tls.Spelled;

/**
 * One finding in a configuration file, located to file, line and column.
 *
 * @param severity error or warning
 * @param file the file
 * @param line 1-based line, 0 when the problem concerns the whole file
 * @param column 1-based column, 0 when not known
 * @param subject the element, attribute or entry concerned, e.g. {@code <outbound level="verfy">}
 * @param message what is wrong and what is accepted
 */
public record Problem(Severity severity, Path file, int line, int column, String subject, String message) {

    public enum Severity implements Spelled {
        ERROR,
        WARNING;

        @Override
        public String toString() {
            return spelling();
        }
    }

    public Problem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(message, "message");
    }

    public static Problem error(Path file, int line, int column, String subject, String message) {
        return new Problem(Severity.ERROR, file, line, column, subject, message);
    }

    public static Problem warning(Path file, int line, int column, String subject, String message) {
        return new Problem(Severity.WARNING, file, line, column, subject, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code line:column}, {@code line}, or empty. */
    public String position() {
        if (line <= 0) {
            return "";
        }
        return column > 0 ? line + ":" + column : String.valueOf(line);
    }

    /** The finding without the file: {@code <subject>: message}. */
    public String detail() {
        return subject.isEmpty() ? message : subject + ": " + message;
    }

    /** {@code tls-policy.xml:12:5: error: <outbound level="verfy">: unknown level 'verfy'; accepted: ...}. */
    @Override
    public String toString() {
        String where = position().isEmpty() ? "" : ":" + position();
        return file.getFileName() + where + ": " + severity + ": " + detail();
    }
}
