package dev.jamestls.tls;

/** How the SMTP session came to be encrypted, if at all. */
public enum TlsChannel implements Spelled {
    /** Clear text: no TLS at all. */
    NONE,
    /** Upgraded with the STARTTLS command (RFC 3207). */
    STARTTLS,
    /** TLS from the first byte (RFC 8314 implicit TLS, "SMTPS"). */
    IMPLICIT;

    /** The spelling used in mail attributes, headers and logs. */

    public boolean isEncrypted() {
        return this != NONE;
    }

    public static TlsChannel parse(String value) {
        return Spelled.parse(TlsChannel.class, "TLS channel", value);
    }
}
