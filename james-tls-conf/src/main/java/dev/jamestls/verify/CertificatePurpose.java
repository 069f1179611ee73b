package dev.jamestls.verify;

import dev.jamestls.tls.Spelled;

/** What the peer's certificate is used for: the extended key usage it must allow (RFC 5280 §4.2.1.12). */
public enum CertificatePurpose implements Spelled {
    /** A partner's TLS client certificate (inbound). */
    CLIENT_AUTH("1.3.6.1.5.5.7.3.2", "clientAuth"),
    /** A receiving MTA's TLS server certificate (outbound). */
    SERVER_AUTH("1.3.6.1.5.5.7.3.1", "serverAuth");

    /** RFC 5280 §4.2.1.12: anyExtendedKeyUsage. */
    static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

    private final String oid;
    private final String usageName;

    CertificatePurpose(String oid, String usageName) {
        this.oid = oid;
        this.usageName = usageName;
    }

    /** The id-kp OID the certificate's EKU must contain (when it has an EKU). */
    public String oid() {
        return oid;
    }

    /** The RFC 5280 name, e.g. {@code clientAuth}. */
    public String usageName() {
        return usageName;
    }

    public static CertificatePurpose parse(String value) {
        return Spelled.parse(CertificatePurpose.class, "certificate purpose", value);
    }

    @Override
    public String toString() {
        return spelling();
    }
}
