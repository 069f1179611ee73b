package dev.jamestls.tls;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * TLS alert descriptions (RFC 8446 §6, with the TLS 1.2 ones of RFC 5246 §7.2),
 * spelt as the RFCs and the JDK spell them ({@code protocol_version}). A peer
 * that refuses a handshake says why only through one of these; naming it from
 * this closed list keeps our output the same on every JDK update, whatever
 * prose the JDK wraps around it.
 */
public enum TlsAlert {
    CLOSE_NOTIFY(0),
    UNEXPECTED_MESSAGE(10),
    BAD_RECORD_MAC(20),
    DECRYPTION_FAILED(21),
    RECORD_OVERFLOW(22),
    DECOMPRESSION_FAILURE(30),
    HANDSHAKE_FAILURE(40),
    NO_CERTIFICATE(41),
    BAD_CERTIFICATE(42),
    UNSUPPORTED_CERTIFICATE(43),
    CERTIFICATE_REVOKED(44),
    CERTIFICATE_EXPIRED(45),
    CERTIFICATE_UNKNOWN(46),
    ILLEGAL_PARAMETER(47),
    UNKNOWN_CA(48),
    ACCESS_DENIED(49),
    DECODE_ERROR(50),
    DECRYPT_ERROR(51),
    EXPORT_RESTRICTION(60),
    PROTOCOL_VERSION(70),
    INSUFFICIENT_SECURITY(71),
    INTERNAL_ERROR(80),
    INAPPROPRIATE_FALLBACK(86),
    USER_CANCELED(90),
    NO_RENEGOTIATION(100),
    MISSING_EXTENSION(109),
    UNSUPPORTED_EXTENSION(110),
    CERTIFICATE_UNOBTAINABLE(111),
    UNRECOGNIZED_NAME(112),
    BAD_CERTIFICATE_STATUS_RESPONSE(113),
    BAD_CERTIFICATE_HASH_VALUE(114),
    UNKNOWN_PSK_IDENTITY(115),
    CERTIFICATE_REQUIRED(116),
    NO_APPLICATION_PROTOCOL(120);

    private final int code;

    TlsAlert(int code) {
        this.code = code;
    }

    /** The AlertDescription value on the wire. */
    public int code() {
        return code;
    }

    /** The RFC spelling, e.g. {@code protocol_version}. */
    public String rfcName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The alert of that RFC spelling, if it is one. */
    public static Optional<TlsAlert> fromRfcName(String name) {
        return Arrays.stream(values()).filter(alert -> alert.rfcName().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return rfcName();
    }
}
