package dev.jamestls.inbound;

import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.jamestls.policy.CertificateName;
import dev.jamestls.policy.ClientCertificateRequirement;
import dev.jamestls.policy.TrustAnchorFile;
import dev.jamestls.verify.CertificateRequirement;
import dev.jamestls.verify.ChainVerifier;
import dev.jamestls.verify.VerificationOutcome;

/**
 * Judges partner client certificates with the verification core: the policy's
 * requirement becomes a {@link CertificateRequirement} (built once per
 * requirement), anchors come from the partner's own trust-anchor file as the
 * policy read it or, without one, from the default anchors given here.
 * <p>
 * The translations are keyed by the policy requirement, whose anchors are
 * content (certificates and file digest), never a path: after a reload that
 * changed a partner's anchor file, the requirement differs and the next
 * judgement uses the new anchors. At most {@value #MAX_REQUIREMENTS}
 * translations are kept; beyond that the map starts afresh (each reload of a
 * changed policy adds entries, and stale ones are never asked for again).
 */
public final class VerifyingCertificateJudge implements CertificateJudge {
    static final int MAX_REQUIREMENTS = 10_000;

    private final ChainVerifier verifier;
    private final List<X509Certificate> defaultAnchors;
    private final Map<ClientCertificateRequirement, CertificateRequirement> requirements = new ConcurrentHashMap<>();

    /**
     * @param verifier the (caching) verification core
     * @param defaultAnchors anchors for partners without their own trust-anchor file
     */
    public VerifyingCertificateJudge(ChainVerifier verifier, List<X509Certificate> defaultAnchors) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.defaultAnchors = List.copyOf(defaultAnchors);
    }

    @Override
    public Judgement judge(String connector, ClientCertificateRequirement requirement, List<X509Certificate> chain) {
        if (requirements.size() >= MAX_REQUIREMENTS) {
            requirements.clear();
        }
        CertificateRequirement core = requirements.computeIfAbsent(requirement, this::toCore);
        VerificationOutcome outcome = verifier.verify(chain, core);
        if (outcome.accepted()) {
            return Judgement.accept(outcome.message());
        }
        return outcome.temporary() ? Judgement.unknown(outcome.message()) : Judgement.reject(outcome.message());
    }

    /** The policy requirement in the verification core's terms. */
    CertificateRequirement toCore(ClientCertificateRequirement requirement) {
        List<X509Certificate> anchors = requirement.trustAnchors().map(TrustAnchorFile::certificates).orElse(defaultAnchors);
        CertificateRequirement core = CertificateRequirement.client(anchors)
            .withNames(requirement.names().stream().map(CertificateName::toString).toList())
            .withPins(new HashSet<>(requirement.pins()))
            .withRevocation(requirement.revocation());
        return requirement.issuer().map(core::withIssuer).orElse(core);
    }
}
