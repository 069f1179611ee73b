package dev.jamestls.verify;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPath;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.GeneralNames;

import dev.jamestls.revocation.CertificateRevocation;
import dev.jamestls.revocation.HttpFetcher;
import dev.jamestls.revocation.RevocationCache;
import dev.jamestls.revocation.RevocationChecker;
import dev.jamestls.revocation.RevocationMode;
import dev.jamestls.revocation.RevocationReport;
import dev.jamestls.revocation.RevocationSettings;
import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.tls.CertificatePins;

/**
 * The verification core. Order of checks, first failure wins:
 * <ol>
 *   <li>a certificate was presented ({@code NO_CERTIFICATE});</li>
 *   <li>every presented certificate is well-formed: DER extensions, parseable SAN and EKU,
 *       no unrecognised critical extension (RFC 5280 §4.2) ({@code MALFORMED});</li>
 *   <li>when required, an RFC 5280 §6 path from the presented certificates, in any order, to a trust anchor,
 *       at the clock's time ({@code NOT_TRUSTED}, {@code CHAIN_INCOMPLETE}, {@code EXPIRED}, ...);</li>
 *   <li>the leaf's EKU allows the purpose, has anyExtendedKeyUsage, or is absent ({@code WRONG_USAGE});</li>
 *   <li>a name check, an issuer check and a pin check, each when configured;</li>
 *   <li>revocation, when configured (last: it may go to the network, and a wrong partner should not).</li>
 * </ol>
 * Name choice: DNS SANs are the presented identifiers; for client certificates
 * only, the subject CN is used when the certificate has no DNS SAN at all (many
 * partner certificates are CN-only; RFC 9525 §6.2 forbids CN for servers, so a
 * server certificate's CN is never used).
 * Pins match any certificate of the presented chain or the trust anchor the path ends at.
 * With pins only (no chain validation) validity dates are not checked, as for
 * DANE-EE (RFC 7672 §3.1.1): the pin is the trust decision.
 */
public final class CertificateVerifier implements ChainVerifier {
    private static final Set<String> UNDERSTOOD_CRITICAL = Set.of(
        "2.5.29.15", // keyUsage
        "2.5.29.19", // basicConstraints
        "2.5.29.17", // subjectAltName
        "2.5.29.30", // nameConstraints
        "2.5.29.32", // certificatePolicies
        "2.5.29.33", // policyMappings
        "2.5.29.36", // policyConstraints
        "2.5.29.54", // inhibitAnyPolicy
        "2.5.29.37"); // extKeyUsage
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";

    private final Clock clock;
    private final RevocationChecker revocationChecker;
    private final RevocationSettings revocationSettings;

    public CertificateVerifier(Clock clock, RevocationChecker revocationChecker, RevocationSettings revocationSettings) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.revocationChecker = Objects.requireNonNull(revocationChecker, "revocationChecker");
        this.revocationSettings = Objects.requireNonNull(revocationSettings, "revocationSettings");
    }

    /** A verifier that fetches CRLs and OCSP answers with {@code fetcher}, with the default cache and settings. */
    public static CertificateVerifier withRevocation(Clock clock, HttpFetcher fetcher) {
        return new CertificateVerifier(clock,
            new RevocationChecker(fetcher, RevocationCache.defaults(), RevocationSettings.DEFAULT),
            RevocationSettings.DEFAULT);
    }

    @Override
    public VerificationOutcome verify(List<X509Certificate> presentedChain, CertificateRequirement requirement) {
        Instant now = clock.instant();
        List<CertificateFacts> presented = List.of();
        try {
            presented = CertificateFacts.ofChain(presentedChain);
            return verify(List.copyOf(presentedChain), presented, requirement, now);
        } catch (RuntimeException e) {
            // SPEC §2: an unexpected exception is a temporary failure, never a bounce.
            return new VerificationOutcome(VerificationKind.INTERNAL_ERROR, e.getClass().getName() + ": " + e.getMessage(),
                presented, requirement.describe(), RevocationReport.NOT_CHECKED, List.of(), now);
        }
    }

    private VerificationOutcome verify(List<X509Certificate> chain, List<CertificateFacts> presented,
                                       CertificateRequirement requirement, Instant now) {
        Outcomes outcomes = new Outcomes(presented, requirement, now);
        if (chain.isEmpty()) {
            return outcomes.failure(VerificationKind.NO_CERTIFICATE, "the peer presented no certificate");
        }
        X509Certificate leaf = chain.get(0);
        for (X509Certificate certificate : chain) {
            Optional<String> malformed = malformed(certificate);
            if (malformed.isPresent()) {
                return outcomes.failure(VerificationKind.MALFORMED, malformed.get());
            }
        }
        Optional<PathResult> path = Optional.empty();
        if (requirement.chainValidation()) {
            PathResult result = buildPath(chain, requirement, now);
            if (result.failure != null) {
                return outcomes.failure(result.failure.kind(), result.failure.reason());
            }
            path = Optional.of(result);
        }
        Optional<String> usage = wrongUsage(leaf, requirement.purpose());
        if (usage.isPresent()) {
            return outcomes.failure(VerificationKind.WRONG_USAGE, usage.get());
        }
        CertificateFacts leafFacts = presented.get(0);
        if (!requirement.acceptedNames().isEmpty() && !nameMatches(leafFacts, requirement)) {
            return outcomes.failure(VerificationKind.NAME_MISMATCH, "none of the presented names "
                + presentedNames(leafFacts, requirement.purpose()) + " matches " + requirement.acceptedNames());
        }
        if (requirement.issuer().isPresent() && !requirement.issuer().get().equals(leaf.getIssuerX500Principal())) {
            return outcomes.failure(VerificationKind.ISSUER_MISMATCH, "issuer '" + leafFacts.issuer()
                + "' is not '" + requirement.issuer().get().getName() + "'");
        }
        if (!requirement.pins().isEmpty()) {
            List<X509Certificate> candidates = new ArrayList<>(chain);
            path.ifPresent(p -> candidates.add(p.anchor.getTrustedCert()));
            boolean pinned = candidates.stream().map(CertificatePins::spkiSha256).anyMatch(requirement.pins()::contains);
            if (!pinned) {
                List<String> chainPins = candidates.stream()
                    .map(c -> CertificatePins.spkiSha256(c) + " ('" + c.getSubjectX500Principal().getName() + "')")
                    .distinct().toList();
                return outcomes.failure(VerificationKind.PIN_MISMATCH, "no certificate of the chain has a configured pin; "
                    + "chain pins " + chainPins);
            }
        }
        Instant validUntil = path.map(p -> p.validUntil).orElse(Instant.MAX);
        RevocationReport report = RevocationReport.NOT_CHECKED;
        List<String> notes = new ArrayList<>();
        if (requirement.revocation() != RevocationMode.OFF && path.isPresent() && path.get().hasCertificates()) {
            PathResult result = path.get();
            report = revocationChecker.check(result.path, result.anchor.getTrustedCert(), result.parameters, chain,
                requirement.localCrls(), now);
            outcomes.revocation = report;
            Optional<CertificateRevocation> revoked = report.firstRevoked();
            if (revoked.isPresent()) {
                return outcomes.failure(VerificationKind.REVOKED, revoked.get().describe());
            }
            Optional<CertificateRevocation> unknown = report.firstUnknown();
            if (unknown.isPresent()) {
                if (requirement.revocation() == RevocationMode.HARD_FAIL) {
                    return outcomes.temporaryFailure(VerificationKind.REVOCATION_UNKNOWN, unknown.get().describe(),
                        now.plus(revocationSettings.unknownRetry()));
                }
                report.certificates().stream().filter(c -> c.status() == dev.jamestls.revocation.RevocationStatus.UNKNOWN)
                    .forEach(c -> notes.add("revocation unknown, accepted by soft-fail: " + c.describe()));
                validUntil = earliest(validUntil, now.plus(revocationSettings.unknownRetry()));
            }
            Optional<Instant> nextUpdate = report.earliestNextUpdate();
            if (nextUpdate.isPresent()) {
                validUntil = earliest(validUntil, nextUpdate.get());
            }
        }
        if (!requirement.chainValidation()) {
            validUntil = earliest(validUntil, leaf.getNotAfter().toInstant());
        }
        return new VerificationOutcome(VerificationKind.ACCEPTED, "", presented, requirement.describe(), report, notes,
            validUntil);
    }

    // ---- structure -------------------------------------------------------------------------------------------

    private static Optional<String> malformed(X509Certificate certificate) {
        String who = "'" + certificate.getSubjectX500Principal().getName() + "'";
        Set<String> critical = certificate.getCriticalExtensionOIDs();
        if (critical != null) {
            for (String oid : critical) {
                if (!UNDERSTOOD_CRITICAL.contains(oid)) {
                    return Optional.of(who + " has an unrecognised critical extension " + oid + " (RFC 5280 §4.2)");
                }
            }
        }
        Set<String> all = new HashSet<>();
        if (critical != null) {
            all.addAll(critical);
        }
        if (certificate.getNonCriticalExtensionOIDs() != null) {
            all.addAll(certificate.getNonCriticalExtensionOIDs());
        }
        for (String oid : all) {
            try {
                byte[] value = certificate.getExtensionValue(oid);
                ASN1Primitive.fromByteArray(DEROctetString.getInstance(value).getOctets());
            } catch (IOException | RuntimeException e) {
                return Optional.of(who + " has extension " + oid + " that is not valid DER");
            }
        }
        try {
            byte[] san = certificate.getExtensionValue(SUBJECT_ALT_NAME);
            if (san != null) {
                GeneralNames.getInstance(ASN1Primitive.fromByteArray(DEROctetString.getInstance(san).getOctets()));
                if (certificate.getSubjectAlternativeNames() == null) {
                    throw new CertificateParsingException("the JDK cannot parse it");
                }
            }
        } catch (IOException | CertificateParsingException | RuntimeException e) {
            return Optional.of(who + " has a malformed subjectAltName extension (RFC 5280 §4.2.1.6)");
        }
        try {
            certificate.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return Optional.of(who + " has a malformed extKeyUsage extension (RFC 5280 §4.2.1.12)");
        }
        return Optional.empty();
    }

    private static Optional<String> wrongUsage(X509Certificate leaf, CertificatePurpose purpose) {
        List<String> usages;
        try {
            usages = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return Optional.of("extKeyUsage cannot be parsed");
        }
        // RFC 5280 §4.2.1.12: no EKU means no restriction; anyExtendedKeyUsage allows every purpose.
        if (usages == null || usages.contains(purpose.oid()) || usages.contains(CertificatePurpose.ANY_EXTENDED_KEY_USAGE)) {
            return Optional.empty();
        }
        return Optional.of("extended key usage " + usages.stream().map(CertificateVerifier::usageName).toList()
            + " does not allow " + purpose.usageName() + " (RFC 5280 §4.2.1.12)");
    }

    private static String usageName(String oid) {
        return switch (oid) {
            case "1.3.6.1.5.5.7.3.1" -> "serverAuth";
            case "1.3.6.1.5.5.7.3.2" -> "clientAuth";
            case "1.3.6.1.5.5.7.3.4" -> "emailProtection";
            case "1.3.6.1.5.5.7.3.9" -> "OCSPSigning";
            default -> oid;
        };
    }

    // ---- names ------------------------------------------------------------------------------------------------

    private static List<String> presentedNames(CertificateFacts leaf, CertificatePurpose purpose) {
        if (!leaf.dnsNames().isEmpty() || purpose == CertificatePurpose.SERVER_AUTH) {
            return leaf.dnsNames();
        }
        String commonName = leaf.subjectCommonName();
        return commonName.equals(leaf.subject()) ? List.of() : List.of(commonName);
    }

    private static boolean nameMatches(CertificateFacts leaf, CertificateRequirement requirement) {
        for (String presented : presentedNames(leaf, requirement.purpose())) {
            for (String accepted : requirement.acceptedNames()) {
                if (DnsNames.matches(accepted, presented)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- path ---------------------------------------------------------------------------------------------------

    private static final class PathResult {
        final CertPath path;
        final TrustAnchor anchor;
        final PKIXBuilderParameters parameters;
        final Instant validUntil;
        final PkixFailures.Failure failure;

        PathResult(CertPath path, TrustAnchor anchor, PKIXBuilderParameters parameters, PkixFailures.Failure failure) {
            this.path = path;
            this.anchor = anchor;
            this.parameters = parameters;
            this.failure = failure;
            Instant until = Instant.MAX;
            if (path != null) {
                for (java.security.cert.Certificate certificate : path.getCertificates()) {
                    until = earliest(until, ((X509Certificate) certificate).getNotAfter().toInstant());
                }
                until = earliest(until, anchor.getTrustedCert().getNotAfter().toInstant());
            }
            this.validUntil = until;
        }

        boolean hasCertificates() {
            return !path.getCertificates().isEmpty();
        }

        static PathResult failed(VerificationKind kind, String reason) {
            return new PathResult(null, null, null, new PkixFailures.Failure(kind, reason));
        }
    }

    private static PathResult buildPath(List<X509Certificate> chain, CertificateRequirement requirement, Instant now) {
        X509Certificate leaf = chain.get(0);
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        for (X509Certificate anchor : requirement.trustAnchors()) {
            anchors.add(new TrustAnchor(anchor, null));
        }
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
            parameters.setDate(Date.from(now));
            parameters.setRevocationEnabled(false);
            PathOptions options = requirement.pathOptions();
            if (!options.initialPolicies().isEmpty()) {
                parameters.setInitialPolicies(options.initialPolicies());
            }
            parameters.setExplicitPolicyRequired(options.explicitPolicyRequired());
            parameters.setPolicyMappingInhibited(options.policyMappingInhibited());
            parameters.setAnyPolicyInhibited(options.anyPolicyInhibited());
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(chain)));
            for (X509Certificate anchor : requirement.trustAnchors()) {
                if (anchor.equals(leaf)) {
                    // The peer's own certificate is configured as the anchor (a partner's self-signed certificate).
                    if (now.isAfter(leaf.getNotAfter().toInstant())) {
                        return failedWith(PkixFailures.expired(leaf, now));
                    }
                    if (now.isBefore(leaf.getNotBefore().toInstant())) {
                        return failedWith(PkixFailures.notYetValid(leaf, now));
                    }
                    return new PathResult(factory().generateCertPath(List.of()), new TrustAnchor(anchor, null), parameters, null);
                }
            }
            try {
                PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(parameters);
                return new PathResult(result.getCertPath(), result.getTrustAnchor(), parameters, null);
            } catch (CertPathBuilderException e) {
                return diagnose(chain, requirement, parameters, now, e);
            }
        } catch (InvalidAlgorithmParameterException e) {
            return PathResult.failed(VerificationKind.INTERNAL_ERROR, "invalid path parameters: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            return PathResult.failed(VerificationKind.INTERNAL_ERROR, "path building unavailable: " + e.getMessage());
        }
    }

    private static PathResult failedWith(PkixFailures.Failure failure) {
        return PathResult.failed(failure.kind(), failure.reason());
    }

    /**
     * The builder found no valid path. Walk issuer links (name and signature) through the presented
     * certificates to say why: the JDK validator's reason on the best candidate path, or which link is missing.
     */
    private static PathResult diagnose(List<X509Certificate> chain, CertificateRequirement requirement,
                                       PKIXBuilderParameters parameters, Instant now, CertPathBuilderException builderFailure)
        throws GeneralSecurityException {
        List<X509Certificate> path = new ArrayList<>();
        X509Certificate current = chain.get(0);
        path.add(current);
        for (int step = 0; step <= chain.size(); step++) {
            Optional<X509Certificate> anchor = IssuerLinks.issuerAmong(current, requirement.trustAnchors());
            if (anchor.isPresent()) {
                CertPath candidate = factory().generateCertPath(path);
                try {
                    CertPathValidator.getInstance("PKIX").validate(candidate, parameters);
                    // The validator accepts what the builder missed: use it.
                    return new PathResult(candidate, new TrustAnchor(anchor.get(), null), parameters, null);
                } catch (CertPathValidatorException e) {
                    return failedWith(PkixFailures.classify(e, path, now));
                }
            }
            List<X509Certificate> unused = chain.stream().filter(c -> !path.contains(c)).toList();
            Optional<X509Certificate> next = IssuerLinks.issuerAmong(current, unused);
            if (next.isEmpty()) {
                return dangling(current, path.size() == 1, requirement, builderFailure);
            }
            current = next.get();
            path.add(current);
        }
        return PathResult.failed(VerificationKind.NOT_TRUSTED, builderFailure.getMessage());
    }

    private static PathResult dangling(X509Certificate end, boolean isLeaf, CertificateRequirement requirement,
                                       CertPathBuilderException builderFailure) {
        String subject = end.getSubjectX500Principal().getName();
        String issuer = end.getIssuerX500Principal().getName();
        if (IssuerLinks.signs(end, end)) {
            return PathResult.failed(VerificationKind.NOT_TRUSTED, (isLeaf ? "self-signed certificate '" : "self-signed root '")
                + subject + "' is not a trust anchor");
        }
        for (X509Certificate anchor : requirement.trustAnchors()) {
            if (anchor.getSubjectX500Principal().equals(end.getIssuerX500Principal())) {
                return PathResult.failed(VerificationKind.NOT_TRUSTED, "signature of '" + subject
                    + "' does not verify with the key of trust anchor '" + issuer + "'");
            }
        }
        if (isLeaf) {
            return PathResult.failed(VerificationKind.CHAIN_INCOMPLETE, "issuer '" + issuer + "' of '" + subject
                + "' was not presented and is not a trust anchor");
        }
        return PathResult.failed(VerificationKind.NOT_TRUSTED, "chain ends at '" + subject + "' issued by '" + issuer
            + "', which is not a trust anchor");
    }

    private static CertificateFactory factory() throws CertificateException {
        return CertificateFactory.getInstance("X.509");
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** Builds outcomes sharing the presented facts and the expectation text. */
    private static final class Outcomes {
        final List<CertificateFacts> presented;
        final CertificateRequirement requirement;
        final Instant now;
        RevocationReport revocation = RevocationReport.NOT_CHECKED;

        Outcomes(List<CertificateFacts> presented, CertificateRequirement requirement, Instant now) {
            this.presented = presented;
            this.requirement = requirement;
            this.now = now;
        }

        VerificationOutcome failure(VerificationKind kind, String reason) {
            Instant until = kind == VerificationKind.NOT_YET_VALID && !presented.isEmpty()
                ? earliest(presented.get(0).notBefore(), Instant.MAX) : Instant.MAX;
            return new VerificationOutcome(kind, reason, presented, requirement.describe(), revocation, List.of(), until);
        }

        VerificationOutcome temporaryFailure(VerificationKind kind, String reason, Instant until) {
            return new VerificationOutcome(kind, reason, presented, requirement.describe(), revocation, List.of(), until);
        }
    }
}
