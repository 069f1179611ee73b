package dev.jamestls.verify;

import java.util.Optional;

/**
 * The result of verifying a certificate chain: accepted, or why not. Each kind
 * says whether it is temporary (retry later: SMTP 4xx, mail stays queued) and
 * which RFC 8460 result type reports it.
 */
public enum VerificationKind {
    ACCEPTED("accepted", false, null),
    NO_CERTIFICATE("no certificate presented", false, TlsRptResultType.VALIDATION_FAILURE),
    NOT_TRUSTED("certificate not trusted", false, TlsRptResultType.CERTIFICATE_NOT_TRUSTED),
    CHAIN_INCOMPLETE("certificate chain incomplete", false, TlsRptResultType.CERTIFICATE_NOT_TRUSTED),
    EXPIRED("certificate expired", false, TlsRptResultType.CERTIFICATE_EXPIRED),
    NOT_YET_VALID("certificate not yet valid", false, TlsRptResultType.VALIDATION_FAILURE),
    WRONG_USAGE("certificate not issued for this purpose", false, TlsRptResultType.VALIDATION_FAILURE),
    NAME_MISMATCH("certificate name mismatch", false, TlsRptResultType.CERTIFICATE_HOST_MISMATCH),
    ISSUER_MISMATCH("certificate issuer mismatch", false, TlsRptResultType.CERTIFICATE_NOT_TRUSTED),
    PIN_MISMATCH("certificate pin mismatch", false, TlsRptResultType.CERTIFICATE_NOT_TRUSTED),
    /**
     * DANE (RFC 7672 §3.1): no usable TLSA record matched, neither DANE-EE on the leaf nor DANE-TA on a presented
     * certificate. Path and name failures below a matched DANE-TA keep their own kinds.
     */
    TLSA_MISMATCH("certificate matches no TLSA record", false, TlsRptResultType.TLSA_INVALID),
    REVOKED("certificate revoked", false, TlsRptResultType.VALIDATION_FAILURE),
    /** Revocation is required (hard-fail) and answers came back, but none was usable (stale, malformed, "unknown"). */
    REVOCATION_UNKNOWN("certificate revocation status unknown", true, TlsRptResultType.VALIDATION_FAILURE),
    /** Revocation is required (hard-fail) and none of the OCSP responders and CRL distribution points answered. */
    REVOCATION_UNREACHABLE("certificate revocation responder unreachable", true, TlsRptResultType.VALIDATION_FAILURE),
    MALFORMED("certificate malformed", false, TlsRptResultType.VALIDATION_FAILURE),
    /** A path to a trust anchor exists but breaks an RFC 5280 §6.1 rule (basic constraints, policies, name constraints). */
    INVALID_PATH("certificate path invalid", false, TlsRptResultType.VALIDATION_FAILURE),
    /** A signature or key algorithm the JDK's constraints reject (e.g. MD5, RSA below 1024 bits). */
    WEAK_ALGORITHM("certificate uses a rejected algorithm", false, TlsRptResultType.VALIDATION_FAILURE),
    /** An unexpected exception inside verification: never a reason to bounce (SPEC §2). */
    INTERNAL_ERROR("certificate verification error", true, TlsRptResultType.VALIDATION_FAILURE);

    private final String description;
    private final boolean temporary;
    private final TlsRptResultType resultType;

    VerificationKind(String description, boolean temporary, TlsRptResultType resultType) {
        this.description = description;
        this.temporary = temporary;
        this.resultType = resultType;
    }

    public String description() {
        return description;
    }

    public boolean temporary() {
        return temporary;
    }

    /** The RFC 8460 result type; empty for {@link #ACCEPTED}. */
    public Optional<TlsRptResultType> resultType() {
        return Optional.ofNullable(resultType);
    }
}
