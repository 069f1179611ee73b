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
     * @param kind accepted, or the failure; {@link VerificationKind#temporary()} when the judgement
     *     could not be made now (revocation unknown under hard-fail)
     * @param reason what was presented and what was expected, never key material
     */
    record Judgement(VerificationKind kind, String reason) {
        public Judgement {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(reason, "reason");
        }

        public boolean accepted() {
            return kind == VerificationKind.ACCEPTED;
        }

        public boolean temporary() {
            return kind.temporary();
        }
    }
}
