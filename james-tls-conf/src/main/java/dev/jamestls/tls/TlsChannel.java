package dev.jamestls.tls;

/** How the SMTP session came to be encrypted, if at all. */
public enum TlsChannel {
    /** Clear text: no TLS at all. */
    NONE("none"),
    /** Upgraded with the STARTTLS command (RFC 3207). */
    STARTTLS("starttls"),
    /** TLS from the first byte (RFC 8314 implicit TLS, "SMTPS"). */
    IMPLICIT("implicit");

    private final String spelling;

    TlsChannel(String spelling) {
        this.spelling = spelling;
    }

    /** The spelling used in mail attributes, headers and logs. */
    public String spelling() {
        return spelling;
    }

    public boolean isEncrypted() {
        return this != NONE;
    }

    public static TlsChannel parse(String value) {
        for (TlsChannel channel : values()) {
            if (channel.spelling.equals(value)) {
                return channel;
            }
        }
        throw new IllegalArgumentException("unknown TLS channel '" + value + "'; accepted: none, starttls, implicit");
    }
}
