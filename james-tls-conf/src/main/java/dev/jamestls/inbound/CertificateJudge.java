package dev.jamestls.inbound;

import java.security.cert.X509Certificate;
import java.util.List;

import dev.jamestls.policy.ClientCertificateRequirement;

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
     * @param accepted the chain satisfies the requirement
     * @param temporary the judgement could not be made now (revocation unknown under hard-fail)
     * @param reason what was presented and what was expected, never key material
     */
    record Judgement(boolean accepted, boolean temporary, String reason) {
        public static Judgement accept(String reason) {
            return new Judgement(true, false, reason);
        }

        public static Judgement reject(String reason) {
            return new Judgement(false, false, reason);
        }

        public static Judgement unknown(String reason) {
            return new Judgement(false, true, reason);
        }
    }
}
