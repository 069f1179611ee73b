package dev.jamestls.inbound;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import dev.jamestls.policy.ClientCertificateRequirement;
import dev.jamestls.verify.VerificationKind;

/**
 * Decides whether a presented client certificate chain is the partner's
 * (PKIX path, EKU, validity, names, issuer, pins, revocation). Implemented over
 * the verification core; the evaluator only needs the judgement.
 */
@FunctionalInterface
public interface CertificateJudge {

    /**
     * @param connector the connector whose requirement applies (for caching and messages)
     * @param requirement what the certificate must show
     * @param chain the presented chain, leaf first, never empty
     */
    Judgement judge(String connector, ClientCertificateRequirement requirement, List<X509Certificate> chain);

    /**
     * The typed outcome of one judgement. Temporary or permanent is an explicit field, and it must agree
     * with the kind ({@link VerificationKind#temporary()}): a temporary judgement (revocation status
     * unknown or its responders unreachable under hard-fail, an internal verification error) says
     * nothing about the certificate and is asked again later; a permanent one refuses the certificate.
     *
     * @param kind accepted, or the failure
     * @param temporary whether the judgement could not be made now
     * @param reason what was presented and what was expected, never key material
     */
    record Judgement(VerificationKind kind, boolean temporary, String reason) {
        public Judgement {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(reason, "reason");
            if (temporary != kind.temporary()) {
                throw new IllegalArgumentException(kind + " is a " + (kind.temporary() ? "temporary" : "permanent")
                    + " outcome, not a " + (temporary ? "temporary" : "permanent") + " one");
            }
        }

        /** The judgement of {@code kind}, temporary when the kind is. */
        public static Judgement of(VerificationKind kind, String reason) {
            return new Judgement(kind, kind.temporary(), reason);
        }

        public boolean accepted() {
            return kind == VerificationKind.ACCEPTED;
        }
    }
}
