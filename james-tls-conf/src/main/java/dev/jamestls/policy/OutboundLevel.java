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
    FINGERPRINT,
    /**
     * Opportunistic DANE (RFC 7672 §2.2): an MX host with usable TLSA records under a DNSSEC-secure MX RRset is
     * authenticated by them, TLS mandatory; any other host is delivered to as under {@code may}.
     */
    DANE,
    /** Mandatory DANE (Postfix {@code dane-only}): a host without usable TLSA records under secure DNS is never used. */
    DANE_ONLY;

    /**
     * True for every level that never sends message bytes in clear text (SPEC §2), whatever DNS says;
     * {@code dane} makes TLS mandatory only towards hosts with usable TLSA records.
     */
    public boolean requiresTls() {
        return switch (this) {
            case NONE, MAY, DANE -> false;
            case ENCRYPT, VERIFY, SECURE, FINGERPRINT, DANE_ONLY -> true;
        };
    }

    /** True for the levels whose failed certificate check fails the delivery (verify, secure, fingerprint, DANE). */
    public boolean authenticates() {
        return switch (this) {
            case NONE, MAY, ENCRYPT -> false;
            case VERIFY, SECURE, FINGERPRINT, DANE, DANE_ONLY -> true;
        };
    }

    /** True for {@code dane} and {@code dane-only}: the destination's TLSA records decide. */
    public boolean usesDane() {
        return this == DANE || this == DANE_ONLY;
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
