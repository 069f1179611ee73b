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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.GeneralNames;

import dev.jamestls.dane.TlsaMatch;
import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.revocation.CertificateRevocation;
import dev.jamestls.revocation.HttpFetcher;
import dev.jamestls.revocation.RevocationCache;
import dev.jamestls.revocation.RevocationChecker;
import dev.jamestls.revocation.RevocationChecking;
import dev.jamestls.revocation.RevocationReport;
import dev.jamestls.revocation.RevocationSettings;
import dev.jamestls.revocation.RevocationStatus;
import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.tls.CertificatePins;
import dev.jamestls.tls.IssuerLinks;

/**
 * The verification core. Order of checks, first failure wins:
 * <ol>
 *   <li>a certificate was presented ({@code NO_CERTIFICATE}), and at most {@value #MAX_PRESENTED} of them
 *       (JSSE's default {@code jdk.tls.maxCertificateChainLength}), refused before any signature is checked
 *       ({@code INVALID_PATH});</li>
 *   <li>with DANE ({@link CertificateRequirement#usesDane()}, RFC 7672 §3.1): a leaf that matches a DANE-EE(3)
 *       record is accepted there and then, whatever else it holds (§3.1.1); otherwise the presented certificates
 *       that DANE-TA(2) records match ({@link TlsaMatch#trustAnchors}) become the trust anchors of the steps below,
 *       and when there is none the chain is refused ({@code TLSA_MISMATCH});</li>
 *   <li>the leaf is well-formed ({@code MALFORMED}, {@link PathProfile#malformed});</li>
 *   <li>when required (chain validation or DANE-TA), an RFC 5280 §6 path from the presented certificates, in any
 *       order, to a trust anchor valid at the clock's time ({@code NOT_TRUSTED}, {@code CHAIN_INCOMPLETE},
 *       {@code EXPIRED}, ...), then the RFC 5280 §4 profile on every certificate of that path
 *       ({@link PathProfile}); presented certificates that are not on the path play no part;</li>
 *   <li>the leaf's EKU allows the purpose, has anyExtendedKeyUsage, or is absent ({@code WRONG_USAGE});</li>
 *   <li>a name check, then the name constraints of the whole path, anchor included, over every name of the
 *       path and the name that matched ({@link NameConstraintCheck}), an issuer check and a pin check;</li>
 *   <li>revocation, when configured (last: it may go to the network, and a wrong partner should not).</li>
 * </ol>
 * Name choice: DNS SANs are the presented identifiers; for client certificates
 * only, the subject CN is used when the certificate has no subjectAltName extension
 * at all (many partner certificates are CN-only; RFC 9525 §6.4.4 forbids falling back
 * to the CN when a SAN is present, and §6.2 forbids CN for servers, so a server
 * certificate's CN is never used).
 * Pins count only on what was validated: with chain validation, a certificate of the
 * validated path (leaf, intermediates, the anchor it ends at); without it
 * ({@code fingerprint}), the leaf alone, as Postfix's {@code fingerprint} level.
 * With pins only, validity dates are not checked, as for DANE-EE (RFC 7672 §3.1.1):
 * the pin is the trust decision.
 */
public final class CertificateVerifier implements ChainVerifier {
    /** JSSE's default {@code jdk.tls.maxCertificateChainLength}: longer chains are refused unread. */
    static final int MAX_PRESENTED = 10;
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
        // Certificate times have one-second granularity (RFC 5280 §4.1.2.5): compare at that granularity, so
        // notAfter 00:00:00 still holds at 00:00:00.005 and notBefore 00:00:01 does not yet at 00:00:00.999.
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
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
        if (chain.size() > MAX_PRESENTED) {
            return outcomes.failure(VerificationKind.INVALID_PATH, "the peer presented " + chain.size()
                + " certificates; at most " + MAX_PRESENTED + " are read");
        }
        X509Certificate leaf = chain.get(0);
        List<X509Certificate> anchors = requirement.trustAnchors();
        List<TlsaMatch.Anchor> daneAnchors = List.of();
        if (requirement.usesDane()) {
            Optional<TlsaRecord> endEntity = TlsaMatch.endEntity(requirement.tlsa(), chain);
            if (endEntity.isPresent()) {
                // RFC 7672 §3.1.1: the leaf's key or certificate is the trust decision; its names, dates, usage and
                // the rest of the chain are not judged.
                return new VerificationOutcome(VerificationKind.ACCEPTED, "", presented, requirement.describe(),
                    RevocationReport.NOT_CHECKED, List.of("DANE-EE: the leaf matches TLSA " + TlsaMatch.compact(endEntity.get())),
                    Instant.MAX);
            }
            daneAnchors = TlsaMatch.trustAnchors(requirement.tlsa(), chain);
            if (daneAnchors.isEmpty()) {
                return outcomes.failure(VerificationKind.TLSA_MISMATCH, noTlsaMatch(leaf, requirement));
            }
            // RFC 7672 §3.1.2: an RFC 5280 path from the leaf to the matched certificate, as the trust anchor.
            anchors = daneAnchors.stream().map(TlsaMatch.Anchor::certificate).distinct().toList();
        }
        Optional<String> malformed = PathProfile.malformed(leaf);
        if (malformed.isPresent()) {
            return outcomes.failure(VerificationKind.MALFORMED, malformed.get());
        }
        Optional<PathResult> path = Optional.empty();
        if (requirement.chainValidation() || requirement.usesDane()) {
            PathResult result = buildPath(chain, anchors, requirement, now);
            if (result.failure != null) {
                return outcomes.failure(result.failure.kind(), result.failure.reason());
            }
            Optional<PkixFailures.Failure> profile = result.profileFailure(requirement);
            if (profile.isPresent()) {
                return outcomes.failure(profile.get().kind(), profile.get().reason());
            }
            path = Optional.of(result);
        }
        Optional<String> usage = wrongUsage(leaf, requirement.purpose());
        if (usage.isPresent()) {
            return outcomes.failure(VerificationKind.WRONG_USAGE, usage.get());
        }
        CertificateFacts leafFacts = presented.get(0);
        List<String> presentedNames = presentedNames(leaf, leafFacts, requirement.purpose());
        Optional<String> matched = Optional.empty();
        if (!requirement.acceptedNames().isEmpty()) {
            matched = matchedName(presentedNames, requirement);
            if (matched.isEmpty()) {
                return outcomes.failure(VerificationKind.NAME_MISMATCH, "none of the presented names "
                    + presentedNames + " matches " + requirement.acceptedNames());
            }
        }
        if (path.isPresent()) {
            List<String> namesUsed = new ArrayList<>();
            matched.filter(name -> !name.startsWith("*")).ifPresent(namesUsed::add);
            if (leafFacts.dnsNames().isEmpty() && !presentedNames.isEmpty()) {
                namesUsed.addAll(presentedNames); // the CN serves as the client's name
            }
            Optional<String> constraint = NameConstraintCheck.check(path.get().certificates(), path.get().anchor.getTrustedCert(),
                namesUsed);
            if (constraint.isPresent()) {
                return outcomes.failure(VerificationKind.INVALID_PATH, constraint.get());
            }
        }
        if (requirement.issuer().isPresent() && !requirement.issuer().get().equals(leaf.getIssuerX500Principal())) {
            return outcomes.failure(VerificationKind.ISSUER_MISMATCH, "issuer '" + leafFacts.issuer()
                + "' is not '" + requirement.issuer().get().getName() + "'");
        }
        if (!requirement.pins().isEmpty()) {
            // A pin counts only on what was validated: the path and its anchor, or, without validation, the leaf.
            List<X509Certificate> candidates = path.map(PathResult::certificatesWithAnchor).orElse(List.of(leaf));
            boolean pinned = candidates.stream().map(CertificatePins::spkiSha256).anyMatch(requirement.pins()::contains);
            if (!pinned) {
                List<String> chainPins = candidates.stream()
                    .map(c -> CertificatePins.spkiSha256(c) + " ('" + c.getSubjectX500Principal().getName() + "')")
                    .distinct().toList();
                return outcomes.failure(VerificationKind.PIN_MISMATCH, (path.isPresent()
                    ? "no certificate of the validated path has a configured pin; path pins "
                    : "the leaf certificate does not have a configured pin; leaf pin ") + chainPins);
            }
        }
        Instant validUntil = path.map(p -> p.validUntil).orElse(Instant.MAX);
        RevocationReport report = RevocationReport.NOT_CHECKED;
        List<String> notes = new ArrayList<>();
        if (path.isPresent()) {
            X509Certificate anchor = path.get().anchor.getTrustedCert();
            daneAnchors.stream().filter(a -> a.certificate().equals(anchor)).findFirst().ifPresent(a -> notes.add(
                "DANE-TA: '" + anchor.getSubjectX500Principal().getName() + "' matches TLSA " + TlsaMatch.compact(a.record())));
        }
        if (requirement.revocation() != RevocationChecking.OFF && path.isPresent() && path.get().hasCertificates()) {
            PathResult result = path.get();
            report = revocationChecker.check(result.path, result.anchor.getTrustedCert(), result.parameters, chain,
                requirement.localCrls(), now);
            outcomes.revocation = report;
            Optional<CertificateRevocation> revoked = report.firstRevoked();
            if (revoked.isPresent()) {
                return outcomes.failure(VerificationKind.REVOKED, revoked.get().describe());
            }
            Optional<CertificateRevocation> unknown = report.firstUndetermined();
            if (unknown.isPresent()) {
                if (requirement.revocation() == RevocationChecking.HARD_FAIL) {
                    VerificationKind kind = unknown.get().status() == RevocationStatus.UNREACHABLE
                        ? VerificationKind.REVOCATION_UNREACHABLE : VerificationKind.REVOCATION_UNKNOWN;
                    return outcomes.temporaryFailure(kind, unknown.get().describe(), now.plus(revocationSettings.unknownRetry()));
                }
                report.certificates().stream().filter(c -> c.status().undetermined())
                    .forEach(c -> notes.add("revocation unknown, accepted by soft-fail: " + c.describe()));
                validUntil = earliest(validUntil, now.plus(revocationSettings.unknownRetry()));
            }
            Optional<Instant> nextUpdate = report.earliestNextUpdate();
            if (nextUpdate.isPresent()) {
                validUntil = earliest(validUntil, nextUpdate.get());
            }
        }
        if (path.isEmpty()) {
            validUntil = earliest(validUntil, leaf.getNotAfter().toInstant());
        }
        return new VerificationOutcome(VerificationKind.ACCEPTED, "", presented, requirement.describe(), report, notes,
            validUntil);
    }

    /** Why no TLSA record matched, with the leaf's SPKI digest as a {@code 3 1 1} record would publish it. */
    private static String noTlsaMatch(X509Certificate leaf, CertificateRequirement requirement) {
        String reason = "the leaf '" + leaf.getSubjectX500Principal().getName() + "' (SPKI SHA2-256 "
            + HexFormat.of().formatHex(TlsaMatch.associationData(TlsaRecord.SELECTOR_SPKI, TlsaRecord.MATCH_SHA256, leaf))
            + ") matches no DANE-EE record and no presented certificate matches a DANE-TA record";
        if (TlsaMatch.matching(requirement.tlsa(), TlsaRecord.DANE_TA, leaf).isPresent()) {
            reason += "; a DANE-TA record matches the leaf, which is not self-issued: a server's own certificate or "
                + "key is published as DANE-EE(3)";
        }
        return reason;
    }

    // ---- structure -------------------------------------------------------------------------------------------

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

    /** The leaf's identifiers: DNS SANs; for a client certificate without subjectAltName extension, its CN. */
    private static List<String> presentedNames(X509Certificate leafCertificate, CertificateFacts leaf, CertificatePurpose purpose) {
        if (!leaf.dnsNames().isEmpty() || purpose == CertificatePurpose.SERVER_AUTH
            || leafCertificate.getExtensionValue(SUBJECT_ALT_NAME) != null) {
            return leaf.dnsNames();
        }
        String commonName = leaf.subjectCommonName();
        return commonName.equals(leaf.subject()) ? List.of() : List.of(commonName);
    }

    /**
     * The name the leaf is accepted for: the rule's host when it names one (a wildcard SAN stands for it),
     * otherwise the presented name that satisfied the rule's pattern.
     */
    private static Optional<String> matchedName(List<String> presentedNames, CertificateRequirement requirement) {
        for (String presented : presentedNames) {
            for (String accepted : requirement.acceptedNames()) {
                if (DnsNames.matches(accepted, presented)) {
                    boolean acceptedIsHost = !accepted.startsWith("*.") && !accepted.startsWith(".");
                    return Optional.of(acceptedIsHost ? accepted : presented.toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return Optional.empty();
    }

    // ---- path ---------------------------------------------------------------------------------------------------

    private static final class PathResult {
        final CertPath path;
        final TrustAnchor anchor;
        final PKIXBuilderParameters parameters;
        final Instant validUntil;
        final PkixFailures.Failure failure;
        /** The leaf is itself the configured anchor (a partner's self-signed certificate): no path below it. */
        final boolean directTrust;

        PathResult(CertPath path, TrustAnchor anchor, PKIXBuilderParameters parameters, PkixFailures.Failure failure,
                   boolean directTrust) {
            this.path = path;
            this.anchor = anchor;
            this.parameters = parameters;
            this.failure = failure;
            this.directTrust = directTrust;
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

        /** The validated path, leaf first, without the anchor (empty under direct trust). */
        List<X509Certificate> certificates() {
            return path.getCertificates().stream().map(X509Certificate.class::cast).toList();
        }

        /** Everything that was validated: the path and the anchor it ends at. */
        List<X509Certificate> certificatesWithAnchor() {
            List<X509Certificate> all = new ArrayList<>(certificates());
            all.add(anchor.getTrustedCert());
            return all;
        }

        /** The RFC 5280 §4 profile of every certificate of the path (see {@link PathProfile}). */
        Optional<PkixFailures.Failure> profileFailure(CertificateRequirement requirement) {
            X509Certificate anchorCertificate = anchor.getTrustedCert();
            if (directTrust) {
                return PathProfile.check(anchorCertificate, PathProfile.Role.DIRECTLY_TRUSTED_END_ENTITY, Optional.empty());
            }
            boolean hostCertificate = requirement.purpose() == CertificatePurpose.SERVER_AUTH
                && !requirement.acceptedNames().isEmpty();
            return PathProfile.check(certificates(), anchorCertificate, !JdkTrustAnchors.contains(anchorCertificate),
                hostCertificate);
        }

        static PathResult failed(VerificationKind kind, String reason) {
            return new PathResult(null, null, null, new PkixFailures.Failure(kind, reason), false);
        }
    }

    /** A path from the leaf to one of {@code trustAnchors}, under the requirement's RFC 5280 §6.1.1 policy inputs. */
    private static PathResult buildPath(List<X509Certificate> chain, List<X509Certificate> trustAnchors,
                                        CertificateRequirement requirement, Instant now) {
        X509Certificate leaf = chain.get(0);
        // An anchor outside its validity period anchors nothing (the JDK's builder would still use it).
        List<X509Certificate> validAnchors = trustAnchors.stream().filter(a -> validAt(a, now)).toList();
        for (X509Certificate anchor : trustAnchors) {
            if (anchor.equals(leaf)) {
                // The peer's own certificate is configured as the anchor (a partner's self-signed certificate).
                if (now.isAfter(leaf.getNotAfter().toInstant())) {
                    return failedWith(PkixFailures.expired(leaf, now));
                }
                if (now.isBefore(leaf.getNotBefore().toInstant())) {
                    return failedWith(PkixFailures.notYetValid(leaf, now));
                }
                try {
                    return new PathResult(factory().generateCertPath(List.of()), new TrustAnchor(anchor, null), null, null, true);
                } catch (CertificateException e) {
                    return PathResult.failed(VerificationKind.INTERNAL_ERROR, "path building unavailable: " + e.getMessage());
                }
            }
        }
        if (validAnchors.isEmpty()) {
            return diagnose(chain, trustAnchors, now, null, "no trust anchor is valid at " + now);
        }
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        for (X509Certificate anchor : validAnchors) {
            anchors.add(new TrustAnchor(anchor, null));
        }
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
            parameters.setDate(Date.from(now));
            parameters.setRevocationEnabled(false);
            parameters.setMaxPathLength(MAX_PRESENTED);
            PathOptions options = requirement.pathOptions();
            if (!options.initialPolicies().isEmpty()) {
                parameters.setInitialPolicies(options.initialPolicies());
            }
            parameters.setExplicitPolicyRequired(options.explicitPolicyRequired());
            parameters.setPolicyMappingInhibited(options.policyMappingInhibited());
            parameters.setAnyPolicyInhibited(options.anyPolicyInhibited());
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(chain)));
            try {
                PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(parameters);
                return new PathResult(result.getCertPath(), result.getTrustAnchor(), parameters, null, false);
            } catch (CertPathBuilderException e) {
                return diagnose(chain, trustAnchors, now, parameters, e.getMessage());
            }
        } catch (InvalidAlgorithmParameterException e) {
            return PathResult.failed(VerificationKind.INTERNAL_ERROR, "invalid path parameters: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            return PathResult.failed(VerificationKind.INTERNAL_ERROR, "path building unavailable: " + e.getMessage());
        }
    }

    private static boolean validAt(X509Certificate certificate, Instant now) {
        return !now.isBefore(certificate.getNotBefore().toInstant()) && !now.isAfter(certificate.getNotAfter().toInstant());
    }

    private static PathResult failedWith(PkixFailures.Failure failure) {
        return PathResult.failed(failure.kind(), failure.reason());
    }

    /**
     * The builder found no valid path. Explain why, never accept: walk issuer links (name, then signature; at most
     * one signature check per presented certificate and anchor) through the presented certificates and report the
     * anchor that is out of its validity period, the JDK validator's reason on the candidate path, or the missing link.
     */
    private static PathResult diagnose(List<X509Certificate> chain, List<X509Certificate> trustAnchors, Instant now,
                                       PKIXBuilderParameters parameters, String builderFailure) {
        List<X509Certificate> path = new ArrayList<>();
        X509Certificate current = chain.get(0);
        path.add(current);
        for (int step = 0; step <= chain.size(); step++) {
            Optional<X509Certificate> anchor = IssuerLinks.issuerAmong(current, trustAnchors);
            if (anchor.isPresent()) {
                X509Certificate anchorCertificate = anchor.get();
                if (now.isAfter(anchorCertificate.getNotAfter().toInstant())) {
                    return failedWith(PkixFailures.expired(anchorCertificate, now));
                }
                if (now.isBefore(anchorCertificate.getNotBefore().toInstant())) {
                    return failedWith(PkixFailures.notYetValid(anchorCertificate, now));
                }
                if (parameters != null) {
                    try {
                        CertPathValidator.getInstance("PKIX").validate(factory().generateCertPath(path), parameters);
                    } catch (CertPathValidatorException e) {
                        return failedWith(PkixFailures.classify(e, path, now));
                    } catch (GeneralSecurityException e) {
                        return PathResult.failed(VerificationKind.INTERNAL_ERROR, "path validation unavailable: " + e.getMessage());
                    }
                }
                // The validator alone would pass what the builder refused: still a refusal (a fallback only explains).
                return PathResult.failed(VerificationKind.NOT_TRUSTED, "no valid path to trust anchor '"
                    + anchorCertificate.getSubjectX500Principal().getName() + "': " + builderFailure);
            }
            List<X509Certificate> unused = chain.stream().filter(c -> !path.contains(c)).toList();
            Optional<X509Certificate> next = IssuerLinks.issuerAmong(current, unused);
            if (next.isEmpty()) {
                return dangling(current, path.size() == 1, trustAnchors);
            }
            current = next.get();
            path.add(current);
        }
        return PathResult.failed(VerificationKind.NOT_TRUSTED, builderFailure);
    }

    private static PathResult dangling(X509Certificate end, boolean isLeaf, List<X509Certificate> trustAnchors) {
        String subject = end.getSubjectX500Principal().getName();
        String issuer = end.getIssuerX500Principal().getName();
        if (IssuerLinks.signs(end, end)) {
            return PathResult.failed(VerificationKind.NOT_TRUSTED, (isLeaf ? "self-signed certificate '" : "self-signed root '")
                + subject + "' is not a trust anchor");
        }
        for (X509Certificate anchor : trustAnchors) {
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
