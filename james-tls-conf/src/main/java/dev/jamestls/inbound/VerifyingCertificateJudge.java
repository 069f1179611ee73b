package dev.jamestls.inbound;

import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.jamestls.policy.CertificateName;
import dev.jamestls.policy.ClientCertificateRequirement;
import dev.jamestls.policy.TrustAnchorFile;
import dev.jamestls.tls.CertificateText;
import dev.jamestls.verify.CertificateRequirement;
import dev.jamestls.verify.ChainVerifier;
import dev.jamestls.verify.VerificationKind;
import dev.jamestls.verify.VerificationOutcome;

/**
 * Judges partner client certificates with the verification core: the policy's
 * requirement becomes a {@link CertificateRequirement} (built once per
 * requirement and anchors), anchors come from the partner's own trust-anchor
 * file as the policy read it or, without one, from the default anchors given
 * here, as they are at the time of the judgement.
 * <p>
 * The translations are keyed by the policy requirement and the anchors it is
 * judged with, both content (certificates, compared by their encoding), never
 * a path: after a reload that changed a partner's anchor file or the default
 * anchors, the key differs and the next judgement uses the new anchors. At most
 * {@value #MAX_REQUIREMENTS} translations are kept; beyond that the map starts
 * afresh (each reload of changed anchors adds entries, and stale ones are never
 * asked for again).
 */
public final class VerifyingCertificateJudge implements CertificateJudge {
    static final int MAX_REQUIREMENTS = 10_000;

    private record Key(ClientCertificateRequirement requirement, List<X509Certificate> anchors) {
    }

    private final ChainVerifier verifier;
    private final Supplier<List<X509Certificate>> defaultAnchors;
    private final Map<Key, CertificateRequirement> requirements = new ConcurrentHashMap<>();

    /**
     * @param verifier the (caching) verification core
     * @param defaultAnchors anchors for partners without their own trust-anchor file
     */
    public VerifyingCertificateJudge(ChainVerifier verifier, List<X509Certificate> defaultAnchors) {
        this(verifier, constant(defaultAnchors));
    }

    /**
     * @param verifier the (caching) verification core
     * @param defaultAnchors the current anchors for partners without their own trust-anchor file (asked at
     *     every judgement: cheap, and the same list instance while the anchors do not change)
     */
    public VerifyingCertificateJudge(ChainVerifier verifier, Supplier<List<X509Certificate>> defaultAnchors) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.defaultAnchors = Objects.requireNonNull(defaultAnchors, "defaultAnchors");
    }

    private static Supplier<List<X509Certificate>> constant(List<X509Certificate> anchors) {
        List<X509Certificate> copy = List.copyOf(anchors);
        return () -> copy;
    }

    /**
     * Names with control characters are refused as {@link VerificationKind#MALFORMED} before any
     * path is built: such text must not reach verification messages, logs or replies.
     */
    @Override
    public Judgement judge(String connector, ClientCertificateRequirement requirement, List<X509Certificate> chain) {
        Optional<String> hostileText = CertificateText.controlCharacters(chain);
        if (hostileText.isPresent()) {
            return Judgement.of(VerificationKind.MALFORMED, VerificationKind.MALFORMED.description() + ": " + hostileText.get());
        }
        if (requirements.size() >= MAX_REQUIREMENTS) {
            requirements.clear();
        }
        List<X509Certificate> anchors = requirement.trustAnchors().map(TrustAnchorFile::certificates).orElseGet(defaultAnchors);
        CertificateRequirement core = requirements.computeIfAbsent(new Key(requirement, anchors),
            key -> toCore(key.requirement(), key.anchors()));
        VerificationOutcome outcome = verifier.verify(chain, core);
        return Judgement.of(outcome.kind(), outcome.message());
    }

    /** The policy requirement in the verification core's terms, with these anchors. */
    static CertificateRequirement toCore(ClientCertificateRequirement requirement, List<X509Certificate> anchors) {
        CertificateRequirement core = CertificateRequirement.client(anchors)
            .withNames(requirement.names().stream().map(CertificateName::toString).toList())
            .withPins(new HashSet<>(requirement.pins()))
            .withRevocation(requirement.revocation());
        return requirement.issuer().map(core::withIssuer).orElse(core);
    }
}
