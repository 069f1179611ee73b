package dev.jamestls.tlsrpt;

import java.util.Objects;

import dev.jamestls.tls.Spelled;

/** A TLS report that is not an RFC 8460 §4.4 report: what is wrong, and where ({@code policies[0].summary}). */
public final class TlsReportFormatException extends Exception {
    /** What is wrong with the report. */
    public enum Problem implements Spelled {
        /** Not JSON, or more than one JSON value. */
        NOT_JSON,
        /** A required member is missing. */
        MISSING,
        /** A member has the wrong JSON type (a string where a number belongs, a fraction, ...). */
        WRONG_TYPE,
        /** A session count is negative. */
        NEGATIVE_COUNT,
        /** A date-time is not RFC 3339 with a time zone, or the range ends before it starts. */
        BAD_DATE,
        /** A value outside its vocabulary (a {@code policy-type}) or empty where text is required. */
        BAD_VALUE,
        /** A received report larger than the receiver accepts, sent or uncompressed. */
        TOO_LARGE,
        /** A received {@code application/tlsrpt+gzip} report that is not gzip. */
        NOT_GZIP,
        /** A received report whose date range ends in the future. */
        FUTURE_DATE,
        /** A received mail that announces a report (RFC 8460 §5.3 headers) but whose report part cannot be found or read. */
        NO_REPORT;

        @Override
        public String toString() {
            return spelling();
        }
    }

    /** How much of a detail is kept: it may quote the peer's JSON, up to a whole report. */
    public static final int MAX_DETAIL = 300;

    private final Problem problem;
    private final String field;

    public TlsReportFormatException(Problem problem, String field, String detail) {
        super(problem + " at " + field + ": " + (detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) + "..." : detail));
        this.problem = Objects.requireNonNull(problem, "problem");
        this.field = Objects.requireNonNull(field, "field");
    }

    public Problem problem() {
        return problem;
    }

    /** The member's path, {@code $} for the whole report. */
    public String field() {
        return field;
    }
}
