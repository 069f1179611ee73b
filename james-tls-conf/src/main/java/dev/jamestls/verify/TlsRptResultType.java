package dev.jamestls.verify;

/** RFC 8460 §4.3 result types of negotiation and certificate failures, spelled as in reports. */
public enum TlsRptResultType {
    /** RFC 8460 §4.3.1: the receiving MX did not offer STARTTLS (or refused the command). */
    STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
    /** RFC 8460 §4.3.2.1: the certificate does not match the host name. */
    CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
    /** RFC 8460 §4.3.2.1: the certificate has expired. */
    CERTIFICATE_EXPIRED("certificate-expired"),
    /** RFC 8460 §4.3.2.1: no trust anchor could be established. */
    CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
    /** RFC 8460 §4.3.2.1: any other validation failure. */
    VALIDATION_FAILURE("validation-failure");

    private final String spelling;

    TlsRptResultType(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    @Override
    public String toString() {
        return spelling;
    }
}
