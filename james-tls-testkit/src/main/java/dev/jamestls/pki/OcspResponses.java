package dev.jamestls.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Signed OCSP responses (RFC 6960 §4.2) for test responders: the issuing CA
 * signs directly, or a delegated responder certificate (EKU {@code OCSPSigning},
 * issued by the CA, RFC 6960 §4.2.2.2) signs and is included in the response.
 *
 * <pre>{@code
 * byte[] der = OcspResponses.answer(requestDer, ca.certificate(), serial -> OcspResponses.Status.GOOD,
 *     now, now.plus(Duration.ofHours(1)));
 * }</pre>
 */
public final class OcspResponses {
    /** What the responder says about one serial number (RFC 6960 §2.2). */
    public enum Status { GOOD, REVOKED, UNKNOWN }

    private OcspResponses() {
    }

    /** Answers a DER OCSP request, copying its nonce (RFC 6960 §4.4.1), signed by {@code responder}. */
    public static byte[] answer(byte[] requestDer, IssuedCertificate responder,
                                java.util.function.Function<BigInteger, Status> statusOf,
                                Instant thisUpdate, Instant nextUpdate) {
        try {
            OCSPReq request = new OCSPReq(requestDer);
            BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(
                new RespID(new JcaX509CertificateHolder(responder.certificate()).getSubject()));
            for (Req single : request.getRequestList()) {
                CertificateID id = single.getCertID();
                builder.addResponse(id, status(statusOf.apply(id.getSerialNumber()), thisUpdate),
                    Date.from(thisUpdate), nextUpdate == null ? null : Date.from(nextUpdate), null);
            }
            Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (nonce != null) {
                builder.setResponseExtensions(new Extensions(nonce));
            }
            return sign(builder, responder, thisUpdate);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an OCSP request: " + e.getMessage(), e);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode responder certificate", e);
        }
    }

    /** A response for {@code serial} of {@code issuer} without a request (no nonce). */
    public static byte[] single(IssuedCertificate responder, X509Certificate issuer, BigInteger serial, Status status,
                                Instant thisUpdate, Optional<Instant> nextUpdate) {
        try {
            DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
            CertificateID id = new CertificateID(digests.get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(issuer), serial);
            BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(
                new RespID(new JcaX509CertificateHolder(responder.certificate()).getSubject()));
            builder.addResponse(id, status(status, thisUpdate), Date.from(thisUpdate),
                nextUpdate.map(Date::from).orElse(null), null);
            return sign(builder, responder, thisUpdate);
        } catch (OperatorCreationException | OCSPException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot build OCSP response for serial " + serial, e);
        }
    }

    /** An unsigned error response, e.g. {@link OCSPRespBuilder#TRY_LATER} (RFC 6960 §4.2.1). */
    public static byte[] error(int responseStatus) {
        try {
            return new OCSPRespBuilder().build(responseStatus, null).getEncoded();
        } catch (IOException | OCSPException e) {
            throw new IllegalStateException("cannot build OCSP error response " + responseStatus, e);
        }
    }

    private static CertificateStatus status(Status status, Instant thisUpdate) {
        Objects.requireNonNull(status, "status");
        return switch (status) {
            case GOOD -> CertificateStatus.GOOD;
            case REVOKED -> new RevokedStatus(Date.from(thisUpdate.minusSeconds(3600)), CRLReason.keyCompromise);
            case UNKNOWN -> new UnknownStatus();
        };
    }

    private static byte[] sign(BasicOCSPRespBuilder builder, IssuedCertificate responder, Instant producedAt) {
        try {
            String algorithm = responder.keyPair().getPublic().getAlgorithm().equals("EC")
                ? "SHA256withECDSA" : "SHA256withRSA";
            ContentSigner signer = new JcaContentSignerBuilder(algorithm).build(responder.keyPair().getPrivate());
            List<X509Certificate> chain = responder.issuerChain().isEmpty() ? List.of() : List.of(responder.certificate());
            X509CertificateHolder[] included = new X509CertificateHolder[chain.size()];
            for (int i = 0; i < chain.size(); i++) {
                included[i] = new JcaX509CertificateHolder(chain.get(i));
            }
            OCSPResp response = new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL,
                builder.build(signer, included, Date.from(producedAt)));
            return response.getEncoded();
        } catch (OperatorCreationException | OCSPException | IOException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot sign OCSP response", e);
        }
    }

    /** The DER nonce value of an OCSP request, if it carries one. */
    public static Optional<byte[]> nonce(byte[] requestDer) {
        try {
            Extension nonce = new OCSPReq(requestDer).getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            return nonce == null ? Optional.empty()
                : Optional.of(DEROctetString.getInstance(nonce.getExtnValue()).getOctets());
        } catch (IOException e) {
            throw new IllegalArgumentException("not an OCSP request: " + e.getMessage(), e);
        }
    }
}
