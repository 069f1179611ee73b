package dev.jamestls.inbound;

/**
 * What our verification decided about the client certificate for the rule that applied,
 * distinct from what the listener did with it; spelt as recorded in attributes and headers.
 */
public enum CertificateCheck {
    /** The rule asks for no client certificate. */
    NOT_REQUIRED("not-required"),
    /** The rule asks for one, but an earlier check (IP range, TLS, protocol) already failed. */
    NOT_CHECKED("not-checked"),
    /** The rule asks for one and none was presented. */
    MISSING("missing"),
    /** The presented chain satisfies the rule's requirement. */
    VERIFIED("verified"),
    /** The presented chain does not (untrusted, expired, wrong name, issuer, pin, EKU, revoked, malformed). */
    REJECTED("rejected"),
    /** Its revocation status could not be established (hard-fail): answers unusable, or responders unreachable. */
    UNKNOWN("unknown"),
    /** Verification failed inside our code: nothing was decided about the certificate (temporary, SPEC §2). */
    ERROR("error");

    private final String spelling;

    CertificateCheck(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }
}
