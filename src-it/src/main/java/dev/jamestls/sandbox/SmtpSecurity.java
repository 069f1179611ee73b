package dev.jamestls.sandbox;

/** How a client secures an SMTP connection. */
public enum SmtpSecurity {
    /** No TLS at all. */
    CLEAR_TEXT("clear text"),
    /** Plain connection upgraded with STARTTLS (RFC 3207). */
    STARTTLS("STARTTLS"),
    /** TLS from the first byte (RFC 8314 §3.3). */
    IMPLICIT_TLS("implicit TLS");

    private final String label;

    SmtpSecurity(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
