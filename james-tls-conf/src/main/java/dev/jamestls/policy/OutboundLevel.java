package dev.jamestls.policy;

import dev.jamestls.tls.Spelled;

/**
 * Outbound validation levels, weakest to strongest (SPEC §1.3; names as Postfix
 * {@code smtp_tls_security_level}).
 */
public enum OutboundLevel implements Spelled {
    /** Clear text only. */
    NONE,
    /** STARTTLS if offered; clear-text fallback; certificate recorded, not enforced. */
    MAY,
    /** TLS required, no certificate check. */
    ENCRYPT,
    /** TLS required, chain validated, MX host name checked. */
    VERIFY,
    /** TLS required, chain validated, names checked against {@code match}; the MX name is not trusted. */
    SECURE,
    /** TLS required, the peer's SPKI SHA-256 must be one of the pins; no CA needed. */
    FINGERPRINT;

    /** True for every level that never sends message bytes in clear text (SPEC §2). */
    public boolean requiresTls() {
        return compareTo(ENCRYPT) >= 0;
    }

    public static OutboundLevel parse(String value) {
        return Spelled.parse(OutboundLevel.class, "level", value);
    }

    public static String accepted() {
        return Spelled.accepted(OutboundLevel.class);
    }

    @Override
    public String toString() {
        return spelling();
    }
}
