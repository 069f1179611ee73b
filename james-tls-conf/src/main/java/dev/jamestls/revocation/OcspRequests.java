package dev.jamestls.revocation;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Optional;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/** Builds OCSP requests (RFC 6960 §4.1). Pure. */
public final class OcspRequests {
    /** RFC 6960 Appendix A.1: the media type of a POSTed request. */
    public static final String CONTENT_TYPE = "application/ocsp-request";

    private OcspRequests() {
    }

    /** A DER request for {@code certificate} issued by {@code issuer}; SHA-1 CertID as RFC 5019 §2.1.1 requires. */
    public static byte[] request(X509Certificate certificate, X509Certificate issuer, Optional<byte[]> nonce) {
        try {
            CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(issuer), certificate.getSerialNumber());
            OCSPReqBuilder builder = new OCSPReqBuilder().addRequest(id);
            if (nonce.isPresent()) {
                builder.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                    new DEROctetString(nonce.get()).getEncoded())));
            }
            return builder.build().getEncoded();
        } catch (OperatorCreationException | OCSPException | CertificateEncodingException | IOException e) {
            throw new IllegalStateException("cannot build OCSP request for " + certificate.getSubjectX500Principal(), e);
        }
    }
}
