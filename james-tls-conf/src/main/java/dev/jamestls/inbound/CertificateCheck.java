package dev.jamestls.inbound;

import dev.jamestls.tls.Spelled;

/**
 * What our verification decided about the client certificate for the rule that applied,
 * distinct from what the listener did with it; spelt as recorded in attributes and headers.
 */
public enum CertificateCheck implements Spelled {
    /** The rule asks for no client certificate. */
    NOT_REQUIRED,
    /** The rule asks for one, but an earlier check (IP range, TLS, protocol) already failed. */
    NOT_CHECKED,
    /** The rule asks for one and none was presented. */
    MISSING,
    /** The presented chain satisfies the rule's requirement. */
    VERIFIED,
    /** The presented chain does not (untrusted, expired, wrong name, issuer, pin, EKU, revoked, malformed). */
    REJECTED,
    /** Its revocation status could not be established (hard-fail): answers unusable, or responders unreachable. */
    UNKNOWN,
    /** Verification failed inside our code: nothing was decided about the certificate (temporary, SPEC §2). */
    ERROR;
}
