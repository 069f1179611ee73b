package dev.jamestls.pki;

import org.bouncycastle.asn1.x509.KeyPurposeId;

/** The extended key usages a generated certificate can carry (RFC 5280 §4.2.1.12). */
public enum ExtendedKeyUsage {
    SERVER_AUTH(KeyPurposeId.id_kp_serverAuth),
    CLIENT_AUTH(KeyPurposeId.id_kp_clientAuth),
    EMAIL_PROTECTION(KeyPurposeId.id_kp_emailProtection),
    /** RFC 6960 §4.2.2.2: a delegated OCSP responder. */
    OCSP_SIGNING(KeyPurposeId.id_kp_OCSPSigning);

    private final KeyPurposeId purpose;

    ExtendedKeyUsage(KeyPurposeId purpose) {
        this.purpose = purpose;
    }

    KeyPurposeId purpose() {
        return purpose;
    }
}
