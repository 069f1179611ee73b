package dev.jamestls.verify;

import dev.jamestls.tls.Spelled;

/** RFC 8460 §4.3 result types of negotiation and certificate failures, spelled as in reports. */
public enum TlsRptResultType implements Spelled {
    /** RFC 8460 §4.3.1: the receiving MX did not offer STARTTLS (or refused the command). */
    STARTTLS_NOT_SUPPORTED,
    /** RFC 8460 §4.3.2.1: the certificate does not match the host name. */
    CERTIFICATE_HOST_MISMATCH,
    /** RFC 8460 §4.3.2.1: the certificate has expired. */
    CERTIFICATE_EXPIRED,
    /** RFC 8460 §4.3.2.1: no trust anchor could be established. */
    CERTIFICATE_NOT_TRUSTED,
    /** RFC 8460 §4.3.2.1: any other validation failure. */
    VALIDATION_FAILURE;

    @Override
    public String toString() {
        return spelling();
    }
}
