package dev.jamestls.inbound;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.jamestls.pki.PemFiles;
import dev.jamestls.policy.CertificateName;
import dev.jamestls.policy.ClientCertificateRequirement;
import dev.jamestls.tls.CertificateText;
import dev.jamestls.verify.CertificateRequirement;
import dev.jamestls.verify.ChainVerifier;
import dev.jamestls.verify.VerificationKind;
import dev.jamestls.verify.VerificationOutcome;

/**
 * Judges partner client certificates with the verification core: the policy's
 * requirement becomes a {@link CertificateRequirement} (built once per
 * requirement), anchors come from the partner's own trust-anchor file or,
 * without one, from the default anchors given here.
 */
public final class VerifyingCertificateJudge implements CertificateJudge {
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

    /**
     * Names with control characters are refused as {@link VerificationKind#MALFORMED} before any
     * path is built: such text must not reach verification messages, logs or replies.
     */
    @Override
    public Judgement judge(String connector, ClientCertificateRequirement requirement, List<X509Certificate> chain) {
        Optional<String> hostileText = CertificateText.controlCharacters(chain);
        if (hostileText.isPresent()) {
            return new Judgement(VerificationKind.MALFORMED, VerificationKind.MALFORMED.description() + ": " + hostileText.get());
        }
        CertificateRequirement core = requirements.computeIfAbsent(requirement, this::toCore);
        VerificationOutcome outcome = verifier.verify(chain, core);
        return new Judgement(outcome.kind(), outcome.message());
    }

    /** The policy requirement in the verification core's terms. */
    CertificateRequirement toCore(ClientCertificateRequirement requirement) {
        List<X509Certificate> anchors = requirement.trustAnchors().map(VerifyingCertificateJudge::readAnchors).orElse(defaultAnchors);
        CertificateRequirement core = CertificateRequirement.client(anchors)
            .withNames(requirement.names().stream().map(CertificateName::toString).toList())
            .withPins(new HashSet<>(requirement.pins()))
            .withRevocation(requirement.revocation());
        return requirement.issuer().map(core::withIssuer).orElse(core);
    }

    private static List<X509Certificate> readAnchors(Path file) {
        try {
            return PemFiles.readCertificates(file);
        } catch (IOException e) {
            throw new UncheckedIOException("partner trust anchors " + file + ": " + e.getMessage(), e);
        }
    }
}
