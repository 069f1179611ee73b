package dev.jamestls.inbound;

import dev.jamestls.policy.Failure;
import dev.jamestls.smtp.SmtpReply;
import dev.jamestls.verify.VerificationKind;
import dev.jamestls.tls.Spelled;

/**
 * Why a mail does not comply with its inbound rule; spelt as recorded in attributes and logs.
 * Each kind answers with a fixed pair of replies, permanent and temporary, chosen by the rule's
 * {@code failure} (RFC 3463 §2: the enhanced status keeps its subject and detail, only the class
 * digit follows the reply code).
 */
public enum ViolationKind implements Spelled {
    /** The partner may only connect from configured IP ranges and this client is outside them. */
    IP_NOT_ALLOWED(Replies.NOT_AUTHORIZED),
    /** The rule requires TLS and the session is clear text (RFC 3207). */
    TLS_REQUIRED(Replies.SECURITY),
    /** TLS is used but below the rule's minimum protocol (RFC 8996). */
    PROTOCOL_TOO_OLD(Replies.SECURITY),
    /** The rule requires a client certificate and none was presented. */
    CERTIFICATE_REQUIRED(Replies.SECURITY),
    /** A certificate was presented but is not the partner's (untrusted, expired, wrong name, issuer, pin, EKU, revoked). */
    CERTIFICATE_REJECTED(Replies.NOT_AUTHORIZED),
    /**
     * A presented certificate carries control characters in its names: made to forge log lines or
     * headers, never issued to a partner. Always permanent: retrying the same certificate cannot help.
     */
    CERTIFICATE_MALFORMED(Replies.ALWAYS_PERMANENT),
    /**
     * Revocation status could not be established and the rule fails hard: answers came back, but none was
     * usable (stale, malformed, badly signed, "unknown"). Always temporary.
     */
    REVOCATION_UNKNOWN(Replies.ALWAYS_TEMPORARY),
    /**
     * Revocation status could not be established and the rule fails hard: none of the certificate's OCSP
     * responders and CRL distribution points answered. Always temporary.
     */
    REVOCATION_UNREACHABLE(Replies.ALWAYS_TEMPORARY),
    /** Verification failed inside our code (SPEC §2: never a refusal of the certificate). Always temporary. */
    VERIFICATION_ERROR(Replies.INTERNAL_ERROR);

    private final Replies replies;

    ViolationKind(Replies replies) {
        this.replies = replies;
    }

    /**
     * The violation a presented certificate's failed verification is: the one place where verification
     * kinds become inbound reasons. Temporary kinds stay temporary whatever the rule's {@code failure}.
     *
     * @throws IllegalArgumentException for {@link VerificationKind#ACCEPTED}, which is no violation
     */
    public static ViolationKind ofCertificate(VerificationKind kind) {
        return switch (kind) {
            case ACCEPTED -> throw new IllegalArgumentException("an accepted certificate is no violation");
            case MALFORMED -> CERTIFICATE_MALFORMED;
            case REVOCATION_UNKNOWN -> REVOCATION_UNKNOWN;
            case REVOCATION_UNREACHABLE -> REVOCATION_UNREACHABLE;
            case INTERNAL_ERROR -> VERIFICATION_ERROR;
            case NO_CERTIFICATE, NOT_TRUSTED, CHAIN_INCOMPLETE, EXPIRED, NOT_YET_VALID, WRONG_USAGE, NAME_MISMATCH,
                ISSUER_MISMATCH, PIN_MISMATCH, TLSA_MISMATCH, REVOKED, INVALID_PATH, WEAK_ALGORITHM -> CERTIFICATE_REJECTED;
        };
    }

    /** The reply code of this kind under {@code failure}. */
    public int code(Failure failure) {
        return failure == Failure.PERMANENT ? replies.permanentCode : replies.temporaryCode;
    }

    /** The RFC 3463 enhanced status of this kind under {@code failure}. */
    public String enhancedStatus(Failure failure) {
        return failure == Failure.PERMANENT ? replies.permanentStatus : replies.temporaryStatus;
    }

    private enum Replies implements Spelled {
        // RFC 3207 §4: 530 5.7.0; its temporary form 451 4.7.0, as Exchange Online answers "STARTTLS required".
        SECURITY(SmtpReply.MUST_ISSUE_STARTTLS, SmtpReply.SECURITY_OTHER,
            SmtpReply.TEMPORARY_LOCAL_ERROR, SmtpReply.SECURITY_OTHER_TEMPORARY),
        // RFC 5321 §4.2.2: 550 policy rejection, 450 "temporarily blocked for policy reasons"; RFC 3463 X.7.1.
        NOT_AUTHORIZED(SmtpReply.POLICY_REJECTED, SmtpReply.NOT_AUTHORIZED,
            SmtpReply.POLICY_REJECTED_TEMPORARY, SmtpReply.NOT_AUTHORIZED_TEMPORARY),
        ALWAYS_PERMANENT(SmtpReply.POLICY_REJECTED, SmtpReply.NOT_AUTHORIZED,
            SmtpReply.POLICY_REJECTED, SmtpReply.NOT_AUTHORIZED),
        // RFC 3463 §3.8: X.7.5 cryptographic failure, temporary form.
        ALWAYS_TEMPORARY(SmtpReply.TEMPORARY_LOCAL_ERROR, SmtpReply.CRYPTOGRAPHIC_FAILURE_TEMPORARY,
            SmtpReply.TEMPORARY_LOCAL_ERROR, SmtpReply.CRYPTOGRAPHIC_FAILURE_TEMPORARY),
        // RFC 5321 §4.2.2: 451 local error in processing; RFC 3463 §3.4: X.3.0 other mail system status, temporary.
        INTERNAL_ERROR(SmtpReply.TEMPORARY_LOCAL_ERROR, SmtpReply.MAIL_SYSTEM_OTHER_TEMPORARY,
            SmtpReply.TEMPORARY_LOCAL_ERROR, SmtpReply.MAIL_SYSTEM_OTHER_TEMPORARY);

        private final int permanentCode;
        private final String permanentStatus;
        private final int temporaryCode;
        private final String temporaryStatus;

        Replies(int permanentCode, String permanentStatus, int temporaryCode, String temporaryStatus) {
            this.permanentCode = permanentCode;
            this.permanentStatus = permanentStatus;
            this.temporaryCode = temporaryCode;
            this.temporaryStatus = temporaryStatus;
        }
    }
}
