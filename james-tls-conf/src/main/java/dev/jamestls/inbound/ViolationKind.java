package dev.jamestls.inbound;

/** Why a mail does not comply with its inbound rule; spelt as recorded in attributes and logs. */
public enum ViolationKind {
    /** The partner may only connect from configured IP ranges and this client is outside them. */
    IP_NOT_ALLOWED("ip-not-allowed"),
    /** The rule requires TLS and the session is clear text (RFC 3207). */
    TLS_REQUIRED("tls-required"),
    /** TLS is used but below the rule's minimum protocol (RFC 8996). */
    PROTOCOL_TOO_OLD("protocol-too-old"),
    /** The rule requires a client certificate and none was presented. */
    CERTIFICATE_REQUIRED("certificate-required"),
    /** A certificate was presented but is not the partner's (untrusted, expired, wrong name, issuer, pin, EKU, revoked). */
    CERTIFICATE_REJECTED("certificate-rejected"),
    /** Revocation status could not be established and the rule fails hard (temporary). */
    REVOCATION_UNKNOWN("revocation-unknown");

    private final String attributeValue;

    ViolationKind(String attributeValue) {
        this.attributeValue = attributeValue;
    }

    public String attributeValue() {
        return attributeValue;
    }
}
