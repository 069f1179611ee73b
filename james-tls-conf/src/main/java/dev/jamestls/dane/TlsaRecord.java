package dev.jamestls.dane;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One TLSA record (RFC 6698 §2.1): certificate usage, selector, matching type and the certificate
 * association data. Immutable; the data is copied in and out.
 *
 * <p>For SMTP only DANE-TA(2) and DANE-EE(3) are usable (RFC 7672 §3.1.3: PKIX-TA(0) and PKIX-EE(1)
 * "SHOULD NOT" be published and a client treats them as unusable), with selector Cert(0) or SPKI(1) and
 * matching type Full(0), SHA2-256(1) or SHA2-512(2) (RFC 6698 §2.1.2-2.1.3, mnemonics from RFC 7218).
 * Any other combination is still a record (it is in the RRset), but {@link #usable()} is false.
 *
 * @param usage certificate usage, 0-255
 * @param selector selector, 0-255
 * @param matchingType matching type, 0-255
 * @param data certificate association data
 */
public record TlsaRecord(int usage, int selector, int matchingType, byte[] data) {
    /** RFC 7218 §2.1: DANE-TA, a trust anchor that the chain must lead to. */
    public static final int DANE_TA = 2;
    /** RFC 7218 §2.1: DANE-EE, the server's own certificate or key. */
    public static final int DANE_EE = 3;
    /** RFC 7218 §2.2: the full certificate. */
    public static final int SELECTOR_CERT = 0;
    /** RFC 7218 §2.2: the SubjectPublicKeyInfo. */
    public static final int SELECTOR_SPKI = 1;
    /** RFC 7218 §2.3: the selected content itself. */
    public static final int MATCH_FULL = 0;
    /** RFC 7218 §2.3: its SHA-256 digest. */
    public static final int MATCH_SHA256 = 1;
    /** RFC 7218 §2.3: its SHA-512 digest. */
    public static final int MATCH_SHA512 = 2;

    public TlsaRecord {
        requireOctet("usage", usage);
        requireOctet("selector", selector);
        requireOctet("matching type", matchingType);
        data = Objects.requireNonNull(data, "data").clone();
    }

    private static void requireOctet(String field, int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("TLSA " + field + " " + value + " is not an octet (0-255)");
        }
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Whether an SMTP client may use this record to authenticate a server (RFC 7672 §3.1.3). */
    public boolean usable() {
        boolean usageOk = usage == DANE_TA || usage == DANE_EE;
        boolean selectorOk = selector == SELECTOR_CERT || selector == SELECTOR_SPKI;
        boolean lengthOk = switch (matchingType) {
            case MATCH_FULL -> data.length > 0;
            case MATCH_SHA256 -> data.length == 32;
            case MATCH_SHA512 -> data.length == 64;
            default -> false;
        };
        return usageOk && selectorOk && lengthOk;
    }

    /** Presentation form (RFC 6698 §2.2): {@code 3 1 1 <hex>}. */
    @Override
    public String toString() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TlsaRecord that && usage == that.usage && selector == that.selector
            && matchingType == that.matchingType && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(usage, selector, matchingType, Arrays.hashCode(data));
    }
}
