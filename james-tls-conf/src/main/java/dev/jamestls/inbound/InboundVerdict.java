package dev.jamestls.inbound;

import java.util.Objects;
import java.util.Optional;

import dev.jamestls.policy.InboundResolution;
import dev.jamestls.policy.Mode;

/**
 * The decision for one mail transaction: which rule applied, in which mode,
 * and the violation if there is one. In {@link Mode#TESTING} a violation is
 * computed and recorded exactly as in enforce mode, but {@link #rejects()} is
 * false (SPEC §1.5).
 *
 * @param resolution the rule that applied and how it was chosen
 * @param violation what is wrong, empty when the mail complies
 * @param verifiedPartner the connector whose client certificate requirement the session satisfied, if any
 */
public record InboundVerdict(InboundResolution resolution, Optional<Violation> violation, Optional<String> verifiedPartner) {

    public static final String COMPLIANT = "compliant";
    public static final String VIOLATION = "violation";

    public InboundVerdict {
        Objects.requireNonNull(resolution, "resolution");
        Objects.requireNonNull(violation, "violation");
        Objects.requireNonNull(verifiedPartner, "verifiedPartner");
    }

    public boolean compliant() {
        return violation.isEmpty();
    }

    /** True when the SMTP dialogue must refuse the mail: a violation of an enforced rule. */
    public boolean rejects() {
        return violation.isPresent() && resolution.mode() == Mode.ENFORCE;
    }

    /** {@value #COMPLIANT} or {@value #VIOLATION}, as matchers and attributes spell it. */
    public String verdictName() {
        return compliant() ? COMPLIANT : VIOLATION;
    }

    /** What our verification decided about the client certificate under this rule. */
    public CertificateCheck certificateCheck() {
        if (verifiedPartner.isPresent()) {
            return CertificateCheck.VERIFIED;
        }
        if (resolution.requirement().clientCertificate().isEmpty()) {
            return CertificateCheck.NOT_REQUIRED;
        }
        return violation.map(Violation::kind).map(kind -> switch (kind) {
            case CERTIFICATE_REQUIRED -> CertificateCheck.MISSING;
            case CERTIFICATE_REJECTED, CERTIFICATE_MALFORMED -> CertificateCheck.REJECTED;
            case REVOCATION_UNKNOWN, REVOCATION_UNREACHABLE -> CertificateCheck.UNKNOWN;
            case VERIFICATION_ERROR -> CertificateCheck.ERROR;
            case IP_NOT_ALLOWED, TLS_REQUIRED, PROTOCOL_TOO_OLD -> CertificateCheck.NOT_CHECKED;
        }).orElse(CertificateCheck.NOT_CHECKED);
    }

    public String rule() {
        return resolution.rule();
    }

    public Mode mode() {
        return resolution.mode();
    }
}
