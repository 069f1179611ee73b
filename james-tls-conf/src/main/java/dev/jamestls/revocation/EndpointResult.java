package dev.jamestls.revocation;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

import dev.jamestls.tls.Spelled;

/**
 * What one CRL distribution point or OCSP responder answered.
 *
 * @param type CRL or OCSP
 * @param url the endpoint
 * @param certificate subject of the certificate asked about; empty for a bare {@code --url}
 * @param outcome the classification
 * @param httpStatus the HTTP status when the server answered
 * @param elapsed time from request to the end of the answer (or to the failure)
 * @param nextUpdate CRL or OCSP {@code nextUpdate}, when the answer was usable
 * @param detail the fact behind the outcome, printable
 */
public record EndpointResult(Type type, String url, String certificate, Outcome outcome, OptionalInt httpStatus,
                             Duration elapsed, Optional<Instant> nextUpdate, String detail) {
    public enum Type {
        CRL("CRL"), OCSP("OCSP");

        private final String spelling;

        Type(String spelling) {
            this.spelling = spelling;
        }

        @Override
        public String toString() {
            return spelling;
        }
    }

    /** Outcomes, spelt as in the output; only {@link #GOOD} is a healthy endpoint. */
    public enum Outcome implements Spelled {
        /** Reachable, a usable signed answer: not revoked (CRL: serial not listed; OCSP: good). */
        GOOD,
        /** Reachable, a usable answer that says the certificate is revoked. */
        REVOKED,
        /** No HTTP answer: connection refused, timeout, DNS failure. */
        UNREACHABLE,
        /** An HTTP answer other than 200 OK. */
        HTTP_ERROR,
        /** 200 OK, but not a CRL / OCSP response, or a bad signature. */
        MALFORMED,
        /** A CRL past its nextUpdate or with a thisUpdate in the future (RFC 5280 §6.3.3 (a)). */
        STALE,
        /** An OCSP answer that cannot be used or says "unknown" (RFC 6960 §2.2). */
        UNKNOWN,
        /** The endpoint was not asked: the issuer needed for the request is not available. */
        NOT_ASKED;

        @Override
        public String toString() {
            return spelling();
        }
    }

    public EndpointResult {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(httpStatus, "httpStatus");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(nextUpdate, "nextUpdate");
        Objects.requireNonNull(detail, "detail");
    }

    public boolean healthy() {
        return outcome == Outcome.GOOD;
    }
}
