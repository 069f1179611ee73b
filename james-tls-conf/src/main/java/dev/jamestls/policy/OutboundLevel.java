package dev.jamestls.policy;

/**
 * Outbound validation levels, weakest to strongest (SPEC §1.3; names as Postfix
 * {@code smtp_tls_security_level}).
 */
public enum OutboundLevel {
    /** Clear text only. */
    NONE("none"),
    /** STARTTLS if offered; clear-text fallback; certificate recorded, not enforced. */
    MAY("may"),
    /** TLS required, no certificate check. */
    ENCRYPT("encrypt"),
    /** TLS required, chain validated, MX host name checked. */
    VERIFY("verify"),
    /** TLS required, chain validated, names checked against {@code match}; the MX name is not trusted. */
    SECURE("secure"),
    /** TLS required, the peer's SPKI SHA-256 must be one of the pins; no CA needed. */
    FINGERPRINT("fingerprint");

    private final String spelling;

    OutboundLevel(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    /** True for every level that never sends message bytes in clear text (SPEC §2). */
    public boolean requiresTls() {
        return compareTo(ENCRYPT) >= 0;
    }

    public static OutboundLevel parse(String value) {
        return ConfigEnums.parse(OutboundLevel.class, "level", value, OutboundLevel::spelling);
    }

    public static String accepted() {
        return ConfigEnums.accepted(OutboundLevel.class, OutboundLevel::spelling);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
