package dev.jamestls.verify;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The one place where JDK certificate-path and JSSE exceptions become
 * {@link VerificationKind}s, with a reason naming the certificate concerned.
 */
public final class PkixFailures {
    /** A classified failure. */
    public record Failure(VerificationKind kind, String reason) {
        public Failure {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(reason, "reason");
        }
    }

    private PkixFailures() {
    }

    /**
     * @param failure what the JDK threw
     * @param path the certificates the exception's index refers to (leaf first), may be empty
     * @param now the validation time
     */
    public static Failure classify(Throwable failure, List<X509Certificate> path, Instant now) {
        if (failure instanceof CertPathValidatorException e) {
            X509Certificate subject = e.getIndex() >= 0 && e.getIndex() < path.size() ? path.get(e.getIndex()) : null;
            String who = subject == null ? "" : "'" + subject.getSubjectX500Principal().getName() + "': ";
            CertPathValidatorException.Reason reason = e.getReason();
            if (reason == BasicReason.EXPIRED) {
                return subject == null ? new Failure(VerificationKind.EXPIRED, e.getMessage()) : expired(subject, now);
            }
            if (reason == BasicReason.NOT_YET_VALID) {
                return subject == null ? new Failure(VerificationKind.NOT_YET_VALID, e.getMessage()) : notYetValid(subject, now);
            }
            if (reason == BasicReason.REVOKED) {
                return new Failure(VerificationKind.REVOKED, who + e.getMessage());
            }
            if (reason == BasicReason.UNDETERMINED_REVOCATION_STATUS) {
                return new Failure(VerificationKind.REVOCATION_UNKNOWN, who + e.getMessage());
            }
            if (reason == BasicReason.INVALID_SIGNATURE) {
                return new Failure(VerificationKind.NOT_TRUSTED, who + "signature does not verify: " + e.getMessage());
            }
            if (reason == BasicReason.ALGORITHM_CONSTRAINED) {
                return new Failure(VerificationKind.WEAK_ALGORITHM, who + e.getMessage());
            }
            if (reason == PKIXReason.NO_TRUST_ANCHOR) {
                return new Failure(VerificationKind.NOT_TRUSTED, who + e.getMessage());
            }
            if (reason == PKIXReason.NAME_CHAINING) {
                return new Failure(VerificationKind.CHAIN_INCOMPLETE, who + e.getMessage());
            }
            if (reason == PKIXReason.INVALID_KEY_USAGE) {
                return new Failure(VerificationKind.WRONG_USAGE, who + e.getMessage());
            }
            if (reason == PKIXReason.UNRECOGNIZED_CRIT_EXT) {
                return new Failure(VerificationKind.MALFORMED, who + e.getMessage());
            }
            // NOT_CA_CERT, PATH_TOO_LONG, INVALID_NAME, INVALID_POLICY, UNSPECIFIED: RFC 5280 §6.1.3–6.1.4 rules.
            return new Failure(VerificationKind.INVALID_PATH, who + e.getMessage());
        }
        if (failure instanceof CertificateExpiredException e) {
            return new Failure(VerificationKind.EXPIRED, e.getMessage());
        }
        if (failure instanceof CertificateNotYetValidException e) {
            return new Failure(VerificationKind.NOT_YET_VALID, e.getMessage());
        }
        if (failure instanceof CertificateParsingException e) {
            return new Failure(VerificationKind.MALFORMED, e.getMessage());
        }
        if (failure instanceof java.security.cert.CertificateException e && e.getCause() != null && e.getCause() != e) {
            return classify(e.getCause(), path, now);
        }
        if (failure instanceof java.security.cert.CertPathBuilderException e) {
            return new Failure(VerificationKind.NOT_TRUSTED, e.getMessage());
        }
        if (failure instanceof java.security.cert.CertificateException e) {
            return new Failure(VerificationKind.NOT_TRUSTED, e.getMessage());
        }
        return new Failure(VerificationKind.INTERNAL_ERROR, failure.getClass().getName() + ": " + failure.getMessage());
    }

    static Failure expired(X509Certificate certificate, Instant now) {
        return new Failure(VerificationKind.EXPIRED, "'" + certificate.getSubjectX500Principal().getName() + "' expired at "
            + certificate.getNotAfter().toInstant() + " (now " + now + ")");
    }

    static Failure notYetValid(X509Certificate certificate, Instant now) {
        return new Failure(VerificationKind.NOT_YET_VALID, "'" + certificate.getSubjectX500Principal().getName()
            + "' is valid only from " + certificate.getNotBefore().toInstant() + " (now " + now + ")");
    }
}
