package dev.jamestls.revocation;

import java.io.IOException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Verifies an OCSP response for one certificate (RFC 6960 §3.2). Pure: no
 * I/O, time is a parameter. Every failure is an UNKNOWN verdict whose detail
 * says why; nothing here throws on hostile input.
 */
public final class OcspResponseVerifier {
    /** RFC 6962 §3.3: SCTs in an OCSP single response; understood (ignored), so it may be critical. */
    private static final String CT_SCT_LIST = "1.3.6.1.4.1.11129.2.4.5";
    private static final Set<String> UNDERSTOOD_RESPONSE_EXTENSIONS = Set.of(OCSPObjectIdentifiers.id_pkix_ocsp_nonce.getId());
    private static final Set<String> UNDERSTOOD_SINGLE_EXTENSIONS = Set.of(CT_SCT_LIST);

    private OcspResponseVerifier() {
    }

    /**
     * @param der the response as received
     * @param certificate the certificate asked about
     * @param issuer its issuer
     * @param nonce the nonce sent, if any: a response carrying a different one is rejected
     * @param now the time of verification
     */
    public static OcspVerdict verify(byte[] der, X509Certificate certificate, X509Certificate issuer,
                                     Optional<byte[]> nonce, Instant now, RevocationSettings settings) {
        try {
            return check(der, certificate, issuer, nonce, now, settings);
        } catch (IOException | OCSPException | RuntimeException e) {
            return OcspVerdict.unknown("malformed OCSP response: " + e.getMessage());
        }
    }

    private static OcspVerdict check(byte[] der, X509Certificate certificate, X509Certificate issuer,
                                     Optional<byte[]> nonce, Instant now, RevocationSettings settings)
        throws IOException, OCSPException {
        OCSPResp response = new OCSPResp(der);
        if (response.getStatus() != OCSPResp.SUCCESSFUL) {
            // RFC 6960 §4.2.1: only "successful" carries a responseBytes.
            return OcspVerdict.unknown("responder status " + response.getStatus() + " (" + statusName(response.getStatus()) + ")");
        }
        if (!(response.getResponseObject() instanceof BasicOCSPResp basic)) {
            return OcspVerdict.unknown("response type is not id-pkix-ocsp-basic (RFC 6960 §4.2.1)");
        }
        Set<String> critical = basic.getCriticalExtensionOIDs();
        for (Object oid : critical) {
            if (!UNDERSTOOD_RESPONSE_EXTENSIONS.contains(oid.toString())) {
                return OcspVerdict.unknown("unhandled critical response extension " + oid);
            }
        }
        if (nonce.isPresent()) {
            Extension returned = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (returned != null && !Arrays.equals(ASN1OctetString.getInstance(returned.getParsedValue()).getOctets(), nonce.get())) {
                return OcspVerdict.unknown("nonce in the response does not match the request (RFC 6960 §4.4.1)");
            }
        }
        Optional<String> signatureProblem = signatureProblem(basic, issuer, now);
        if (signatureProblem.isPresent()) {
            return OcspVerdict.unknown(signatureProblem.get());
        }
        Instant producedAt = basic.getProducedAt().toInstant();
        if (producedAt.isBefore(certificate.getNotBefore().toInstant()) || producedAt.isAfter(certificate.getNotAfter().toInstant())) {
            return OcspVerdict.unknown("response produced at " + producedAt + ", outside the certificate's validity "
                + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant());
        }
        return singleResponse(basic, certificate, issuer, now, settings);
    }

    private static OcspVerdict singleResponse(BasicOCSPResp basic, X509Certificate certificate, X509Certificate issuer,
                                              Instant now, RevocationSettings settings) throws OCSPException {
        X509CertificateHolder issuerHolder;
        try {
            issuerHolder = new JcaX509CertificateHolder(issuer);
        } catch (java.security.cert.CertificateEncodingException e) {
            return OcspVerdict.unknown("issuer certificate cannot be encoded");
        }
        var digests = digestProvider();
        OcspVerdict result = null;
        for (SingleResp single : basic.getResponses()) {
            if (!single.getCertID().getSerialNumber().equals(certificate.getSerialNumber())
                || !single.getCertID().matchesIssuer(issuerHolder, digests)) {
                continue;
            }
            OcspVerdict verdict = judge(single, now, settings);
            // Several answers for one certificate: revoked wins, then unknown, then good.
            if (result == null || rank(verdict) > rank(result)) {
                result = verdict;
            }
        }
        return result != null ? result
            : OcspVerdict.unknown("no response for serial " + certificate.getSerialNumber().toString(16) + " of '"
                + issuer.getSubjectX500Principal().getName() + "'");
    }

    private static OcspVerdict judge(SingleResp single, Instant now, RevocationSettings settings) {
        for (Object oid : single.getCriticalExtensionOIDs()) {
            if (!UNDERSTOOD_SINGLE_EXTENSIONS.contains(oid.toString())) {
                return OcspVerdict.unknown("unhandled critical single response extension " + oid);
            }
        }
        Instant thisUpdate = single.getThisUpdate().toInstant();
        Date next = single.getNextUpdate();
        // RFC 6960 §3.2 (5): thisUpdate sufficiently recent; (6) nextUpdate after now when present.
        if (thisUpdate.isAfter(now.plus(settings.clockSkew()))) {
            return OcspVerdict.unknown("thisUpdate " + thisUpdate + " is in the future (now " + now + ")");
        }
        if (next != null && next.toInstant().isBefore(now.minus(settings.clockSkew()))) {
            return OcspVerdict.unknown("stale response: nextUpdate " + next.toInstant() + " has passed (now " + now + ")");
        }
        if (next == null && thisUpdate.plus(settings.maxAgeWithoutNextUpdate()).isBefore(now)) {
            return OcspVerdict.unknown("old response: no nextUpdate and thisUpdate " + thisUpdate + " is older than "
                + settings.maxAgeWithoutNextUpdate());
        }
        Optional<Instant> nextUpdate = next == null
            ? Optional.of(thisUpdate.plus(settings.maxAgeWithoutNextUpdate())) : Optional.of(next.toInstant());
        CertificateStatus status = single.getCertStatus();
        if (status == CertificateStatus.GOOD) {
            return new OcspVerdict(RevocationStatus.GOOD, "good at " + thisUpdate, nextUpdate);
        }
        if (status instanceof RevokedStatus revoked) {
            return new OcspVerdict(RevocationStatus.REVOKED, "revoked at " + revoked.getRevocationTime().toInstant()
                + (revoked.hasRevocationReason() ? ", reason " + revoked.getRevocationReason() : ""), nextUpdate);
        }
        return new OcspVerdict(RevocationStatus.UNKNOWN, "responder says unknown", Optional.empty());
    }

    private static Optional<String> signatureProblem(BasicOCSPResp basic, X509Certificate issuer, Instant now) {
        // RFC 6960 §4.2.2.2: signed by the issuing CA itself, or by a responder it delegated to.
        if (signedBy(basic, issuer.getPublicKey())) {
            return Optional.empty();
        }
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (X509CertificateHolder holder : basic.getCerts()) {
            try {
                X509Certificate responder = converter.getCertificate(holder);
                if (!responder.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())
                    || !signedBy(basic, responder.getPublicKey())) {
                    continue;
                }
                responder.verify(issuer.getPublicKey());
                List<String> usages = responder.getExtendedKeyUsage();
                if (usages == null || !usages.contains(KeyPurposeId.id_kp_OCSPSigning.getId())) {
                    return Optional.of("delegated responder '" + responder.getSubjectX500Principal().getName()
                        + "' lacks extended key usage id-kp-OCSPSigning (RFC 6960 §4.2.2.2)");
                }
                responder.checkValidity(Date.from(now));
                return Optional.empty();
            } catch (java.security.GeneralSecurityException e) {
                return Optional.of("delegated responder certificate is not valid for '"
                    + issuer.getSubjectX500Principal().getName() + "': " + e.getMessage());
            }
        }
        return Optional.of("response is not signed by '" + issuer.getSubjectX500Principal().getName()
            + "' nor by a responder it delegated to");
    }

    private static boolean signedBy(BasicOCSPResp basic, PublicKey key) {
        try {
            return basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
        } catch (OCSPException | OperatorCreationException | RuntimeException e) {
            return false;
        }
    }

    private static org.bouncycastle.operator.DigestCalculatorProvider digestProvider() {
        try {
            return new JcaDigestCalculatorProviderBuilder().build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("no digest provider", e);
        }
    }

    private static int rank(OcspVerdict verdict) {
        return switch (verdict.status()) {
            case GOOD, NOT_CHECKABLE -> 0;
            case UNKNOWN, UNREACHABLE -> 1;
            case REVOKED -> 2;
        };
    }

    private static String statusName(int status) {
        return switch (status) {
            case OCSPResp.MALFORMED_REQUEST -> "malformedRequest";
            case OCSPResp.INTERNAL_ERROR -> "internalError";
            case OCSPResp.TRY_LATER -> "tryLater";
            case OCSPResp.SIG_REQUIRED -> "sigRequired";
            case OCSPResp.UNAUTHORIZED -> "unauthorized";
            default -> "unknown status";
        };
    }
}
