package dev.jamestls.revocation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CRLException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.tls.CertificateFacts;

/**
 * Determines the revocation status of every certificate of a validated path.
 *
 * <p>Per certificate: OCSP first (RFC 6960; each responder URL of its
 * authorityInfoAccess), because an answer is small, signed and specific; a
 * definitive answer (good or revoked) decides. Otherwise CRLs: each HTTP
 * distribution point (RFC 5280 §4.2.1.13) is fetched (or taken from the
 * cache), checked for freshness by {@link CrlFreshness}, and the usable CRLs,
 * plus the caller's local CRLs, are handed to the JDK's RFC 5280 §6.3 CRL
 * processing (signature by the issuer or a CRL signer, scope,
 * issuingDistributionPoint, delta CRLs, critical extensions). The JDK never
 * goes to the network here: its own OCSP and CRLDP fetching stay off.
 *
 * <p>A certificate whose status stays undetermined is {@link RevocationStatus#UNREACHABLE} when none of
 * its places to ask answered at all (and no local CRL was given), otherwise {@link RevocationStatus#UNKNOWN}:
 * an operator fixes the first in the network, the second at the responder or CRL issuer.
 */
public final class RevocationChecker {
    private static final SecureRandom NONCES = new SecureRandom();

    private final HttpFetcher fetcher;
    private final RevocationCache cache;
    private final RevocationSettings settings;

    public RevocationChecker(HttpFetcher fetcher, RevocationCache cache, RevocationSettings settings) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * @param path the validated path, leaf first, without the trust anchor
     * @param anchorCertificate the trust anchor's certificate (issuer of the last certificate of {@code path})
     * @param validation the parameters the path was validated with (anchors, policies); copied, not changed
     * @param otherCertificates further certificates that may sign CRLs (e.g. everything the peer presented)
     * @param localCrls CRLs configured locally, used alongside the fetched ones
     * @param now the time of the check
     */
    public RevocationReport check(CertPath path, X509Certificate anchorCertificate, PKIXParameters validation,
                                  List<X509Certificate> otherCertificates, List<X509CRL> localCrls, Instant now) {
        @SuppressWarnings("unchecked")
        List<X509Certificate> certificates = (List<X509Certificate>) path.getCertificates();
        int count = certificates.size();
        CertificateRevocation[] decided = new CertificateRevocation[count];
        List<Sources> notes = new ArrayList<>();
        List<X509CRL> crls = new ArrayList<>();
        for (X509CRL crl : localCrls) {
            Optional<String> problem = CrlFreshness.problem(crl, now, settings);
            if (problem.isEmpty()) {
                crls.add(crl);
            }
        }
        boolean[] hasCrlSource = new boolean[count];
        for (int i = 0; i < count; i++) {
            X509Certificate certificate = certificates.get(i);
            X509Certificate issuer = i + 1 < count ? certificates.get(i + 1) : anchorCertificate;
            CertificateFacts facts = CertificateFacts.of(certificate);
            Sources reasons = new Sources(!localCrls.isEmpty());
            notes.add(reasons);
            decided[i] = ocsp(certificate, issuer, facts, reasons, now).orElse(null);
            if (decided[i] != null) {
                continue;
            }
            for (String url : facts.crlUrls()) {
                hasCrlSource[i] = true;
                fetchCrl(url, reasons, now).ifPresent(crls::add);
            }
            hasCrlSource[i] |= !localCrls.isEmpty();
            if (!hasCrlSource[i] && facts.ocspUrls().isEmpty()) {
                decided[i] = new CertificateRevocation(facts.subject(), RevocationStatus.NOT_CHECKABLE, "none",
                    "no OCSP responder, no CRL distribution point", Optional.empty());
            }
        }
        boolean crlsNeeded = false;
        for (int i = 0; i < count; i++) {
            crlsNeeded |= decided[i] == null && hasCrlSource[i];
        }
        if (crlsNeeded) {
            applyCrls(path, validation, otherCertificates, crls, decided, notes, now);
        }
        List<CertificateRevocation> result = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            result.add(decided[i] != null ? decided[i]
                : new CertificateRevocation(certificates.get(i).getSubjectX500Principal().getName(),
                    notes.get(i).undetermined(), "none", String.join("; ", notes.get(i).reasons), Optional.empty()));
        }
        return new RevocationReport(result);
    }

    private Optional<CertificateRevocation> ocsp(X509Certificate certificate, X509Certificate issuer,
                                                 CertificateFacts facts, Sources reasons, Instant now) {
        String key = facts.sha256();
        for (String url : facts.ocspUrls()) {
            Optional<OcspVerdict> cached = cache.ocsp(key, now);
            OcspVerdict verdict;
            if (cached.isPresent()) {
                verdict = cached.get();
            } else {
                Optional<byte[]> nonce = settings.sendNonce() ? Optional.of(nonce()) : Optional.empty();
                try {
                    byte[] answer = fetcher.post(URI.create(url), OcspRequests.CONTENT_TYPE,
                        OcspRequests.request(certificate, issuer, nonce));
                    verdict = OcspResponseVerifier.verify(answer, certificate, issuer, nonce, now, settings);
                } catch (HttpStatusException e) {
                    reasons.unusable("OCSP " + url + " unreachable: " + e.getMessage());
                    continue;
                } catch (IOException e) {
                    reasons.unreachable("OCSP " + url + " unreachable: " + e.getMessage());
                    continue;
                } catch (IllegalArgumentException e) {
                    reasons.unusable("OCSP " + url + " unreachable: " + e.getMessage());
                    continue;
                }
                if (verdict.status() != RevocationStatus.UNKNOWN) {
                    cache.putOcsp(key, verdict, verdict.nextUpdate().orElse(now.plus(settings.maxAgeWithoutNextUpdate())), now);
                }
            }
            reasons.answered();
            if (verdict.status() == RevocationStatus.UNKNOWN) {
                reasons.add("OCSP " + url + ": " + verdict.detail());
                continue;
            }
            return Optional.of(new CertificateRevocation(facts.subject(), verdict.status(), "OCSP " + url,
                verdict.detail(), verdict.nextUpdate()));
        }
        return Optional.empty();
    }

    private Optional<X509CRL> fetchCrl(String url, Sources reasons, Instant now) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            reasons.unusable("CRL distribution point '" + url + "' is not a URI");
            return Optional.empty();
        }
        Optional<X509CRL> cached = cache.crl(uri, now);
        if (cached.isPresent()) {
            reasons.answered();
            return cached;
        }
        try {
            byte[] body = fetcher.get(uri);
            reasons.answered();
            X509CRL crl = decodeCrl(body);
            Optional<String> problem = CrlFreshness.problem(crl, now, settings);
            if (problem.isPresent()) {
                reasons.add("CRL " + url + " unusable: " + problem.get());
                return Optional.empty();
            }
            cache.putCrl(uri, crl, CrlFreshness.expiry(crl, settings), now);
            return Optional.of(crl);
        } catch (HttpStatusException e) {
            reasons.unusable("CRL " + url + " unreachable: " + e.getMessage());
        } catch (IOException e) {
            reasons.unreachable("CRL " + url + " unreachable: " + e.getMessage());
        } catch (GeneralSecurityException | RuntimeException e) {
            reasons.add("CRL " + url + " malformed: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** A CRL as a distribution point serves it: DER (RFC 5280 §4.2.1.13), or PEM, which the JDK also reads; an empty body is an error. */
    public static X509CRL decodeCrl(byte[] body) throws GeneralSecurityException {
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(body));
        if (crl == null) {
            throw new CRLException("empty body");
        }
        return crl;
    }

    private void applyCrls(CertPath path, PKIXParameters validation, List<X509Certificate> otherCertificates,
                           List<X509CRL> crls, CertificateRevocation[] decided, List<Sources> notes, Instant now) {
        @SuppressWarnings("unchecked")
        List<X509Certificate> certificates = (List<X509Certificate>) path.getCertificates();
        try {
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
            // CRLs only, from the stores only; "soft" so that one undetermined certificate does not hide the others.
            checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                PKIXRevocationChecker.Option.NO_FALLBACK, PKIXRevocationChecker.Option.SOFT_FAIL));
            PKIXParameters parameters = (PKIXParameters) validation.clone();
            parameters.setDate(Date.from(now));
            parameters.setRevocationEnabled(true);
            parameters.setCertPathCheckers(List.of(checker));
            List<Object> store = new ArrayList<>(crls);
            store.addAll(certificates);
            store.addAll(otherCertificates);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
            try {
                validator.validate(path, parameters);
            } catch (StackOverflowError e) {
                // The JDK's search for a separate CRL signing key (RevocationChecker.buildToNewKey) can recurse
                // without bound on crafted CRLs; treat it as "no usable CRL", never as a crash.
                for (Sources reasons : notes) {
                    reasons.add("CRL processing failed: the JDK's CRL signer search did not terminate");
                }
                return;
            } catch (CertPathValidatorException e) {
                int index = e.getIndex();
                if (e.getReason() == CertPathValidatorException.BasicReason.REVOKED && index >= 0 && index < decided.length) {
                    X509Certificate revoked = certificates.get(index);
                    decided[index] = new CertificateRevocation(revoked.getSubjectX500Principal().getName(),
                        RevocationStatus.REVOKED, "CRL", e.getMessage(), Optional.empty());
                    return;
                }
                for (Sources reasons : notes) {
                    reasons.add("CRL processing failed: " + e.getMessage());
                }
                return;
            }
            for (CertPathValidatorException softFailure : checker.getSoftFailExceptions()) {
                int index = softFailure.getIndex();
                if (index >= 0 && index < notes.size()) {
                    notes.get(index).add("CRL: " + softFailure.getMessage());
                }
            }
            boolean[] undetermined = new boolean[certificates.size()];
            for (CertPathValidatorException softFailure : checker.getSoftFailExceptions()) {
                if (softFailure.getIndex() >= 0 && softFailure.getIndex() < undetermined.length) {
                    undetermined[softFailure.getIndex()] = true;
                }
            }
            for (int i = 0; i < certificates.size(); i++) {
                if (decided[i] == null && !undetermined[i]) {
                    X509Certificate certificate = certificates.get(i);
                    decided[i] = new CertificateRevocation(certificate.getSubjectX500Principal().getName(),
                        RevocationStatus.GOOD, crlSource(certificate), "not listed", nextUpdate(certificate, crls));
                }
            }
        } catch (GeneralSecurityException e) {
            for (Sources reasons : notes) {
                reasons.add("CRL processing unavailable: " + e.getMessage());
            }
        }
    }

    private static String crlSource(X509Certificate certificate) {
        List<String> urls = CertificateFacts.of(certificate).crlUrls();
        return urls.isEmpty() ? "local CRL" : "CRL " + String.join(", ", urls);
    }

    private static Optional<Instant> nextUpdate(X509Certificate certificate, List<X509CRL> crls) {
        return crls.stream()
            .filter(crl -> crl.getIssuerX500Principal().equals(certificate.getIssuerX500Principal()))
            .map(crl -> crl.getNextUpdate() == null ? crl.getThisUpdate() : crl.getNextUpdate())
            .map(Date::toInstant)
            .min(Instant::compareTo);
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[16];
        NONCES.nextBytes(nonce);
        return nonce;
    }

    /**
     * What asking about one certificate showed: why no answer decided, and whether every place to ask was
     * out of reach (no HTTP answer at all) or something came back (an answer of any HTTP status, a cached
     * answer, a local CRL) or could not even be asked (a distribution point that is not a URI).
     */
    private static final class Sources {
        final List<String> reasons = new ArrayList<>();
        private boolean onlyUnreachable;

        Sources(boolean localCrls) {
            this.onlyUnreachable = !localCrls;
        }

        /** An answer came back (a reason may follow through {@link #add}). */
        void answered() {
            onlyUnreachable = false;
        }

        /** Why an answer that came back did not decide. */
        void add(String reason) {
            reasons.add(reason);
        }

        /** A place to ask gave no answer: connection refused, timeout, name not resolved. */
        void unreachable(String reason) {
            reasons.add(reason);
        }

        /** A place to ask failed otherwise: an HTTP error status, or an address that is not a URI. */
        void unusable(String reason) {
            onlyUnreachable = false;
            reasons.add(reason);
        }

        /** The status of a certificate that no answer decided. */
        RevocationStatus undetermined() {
            return onlyUnreachable && !reasons.isEmpty() ? RevocationStatus.UNREACHABLE : RevocationStatus.UNKNOWN;
        }
    }
}
