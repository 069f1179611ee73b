package dev.jamestls.verify;

import dev.jamestls.tls.Spelled;

/** RFC 8460 §4.3 result types of negotiation, certificate and policy failures, spelled as in reports. */
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
    VALIDATION_FAILURE,
    /** RFC 8460 §4.3.2.2: none of the TLSA records matched the server's chain. */
    TLSA_INVALID,
    /** RFC 8460 §4.3.2.2: no valid records came back from the DNSSEC-validating resolver. */
    DNSSEC_INVALID,
    /** RFC 8460 §4.3.2.2: DANE was required for the destination but no usable TLSA records were found. */
    DANE_REQUIRED,
    /** RFC 8460 §4.3.2.3: the MTA-STS policy could not be fetched. */
    STS_POLICY_FETCH_ERROR,
    /** RFC 8460 §4.3.2.3: the MTA-STS policy was fetched but did not parse. */
    STS_POLICY_INVALID,
    /** RFC 8460 §4.3.2.3: the MTA-STS policy host's certificate failed PKIX validation. */
    STS_WEBPKI_INVALID;

    @Override
    public String toString() {
        return spelling();
    }
}
