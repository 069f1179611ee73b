package dev.jamestls.james;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;


import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.inbound.InboundEvaluator;
import dev.jamestls.inbound.InboundSession;
import dev.jamestls.inbound.InboundVerdict;
import dev.jamestls.inbound.VerifyingCertificateJudge;
import dev.jamestls.policy.InboundResolution;
import dev.jamestls.policy.TrustAnchorFile;
import dev.jamestls.policy.file.ReloadingPolicy;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.verify.CachingCertificateVerifier;
import dev.jamestls.verify.JdkTrustAnchors;

/**
 * The inbound policy as James components share it: one live-reloaded policy
 * per file and one evaluator (with its verification caches) per
 * (policy file, default-anchor file), whichever hook or mailet asks first.
 * The default anchors are live like the policy: the policy's watcher re-reads
 * the file when its content changes ({@link ReloadingPolicy#watchAnchors}), and
 * the evaluator's caches are keyed by anchor content, so the registry of
 * runtimes may be keyed by the file's path without ever serving old anchors.
 * Logging and metrics of decisions happen here, once.
 */
public final class InboundPolicyRuntime {
    private static final Logger LOGGER = LoggerFactory.getLogger("dev.jamestls.inbound");
    private static final Map<String, InboundPolicyRuntime> RUNTIMES = new HashMap<>();

    private final String key;
    private final Path policyFile;
    private final ReloadingPolicy policy;
    private final InboundEvaluator evaluator;
    private int users;

    private InboundPolicyRuntime(String key, Path policyFile, ReloadingPolicy policy, InboundEvaluator evaluator) {
        this.key = key;
        this.policyFile = policyFile;
        this.policy = policy;
        this.evaluator = evaluator;
    }

    /** The component that obtained this runtime is destroyed; the last one releases the policy. */
    public void release() {
        synchronized (RUNTIMES) {
            if (--users <= 0 && RUNTIMES.remove(key, this)) {
                PolicyRegistry.release(policyFile);
            }
        }
    }

    /**
     * @param policyFile the policy file, resolved
     * @param defaultAnchors PEM file of anchors for partners without their own, empty for the JDK's
     * @throws IllegalArgumentException with every problem of the file (file, line, column) when it does not load
     */
    public static InboundPolicyRuntime forFiles(Path policyFile, Optional<Path> defaultAnchors) {
        Path normalized = policyFile.toAbsolutePath().normalize();
        Optional<Path> anchorFile = defaultAnchors.map(path -> path.toAbsolutePath().normalize());
        String key = normalized + "|" + anchorFile.map(Path::toString).orElse("");
        synchronized (RUNTIMES) {
            InboundPolicyRuntime runtime = RUNTIMES.get(key);
            if (runtime == null) {
                ReloadingPolicy reloading = PolicyRegistry.policy(normalized);
                Supplier<List<X509Certificate>> anchors;
                try {
                    anchors = anchorFile.isPresent() ? watchAnchors(reloading, anchorFile.get()) : jdkAnchors();
                } catch (RuntimeException e) {
                    PolicyRegistry.release(normalized);
                    throw e;
                }
                runtime = new InboundPolicyRuntime(key, normalized, reloading, new InboundEvaluator(new VerifyingCertificateJudge(
                    CachingCertificateVerifier.forServer(Clock.systemUTC()), anchors)));
                RUNTIMES.put(key, runtime);
            }
            runtime.users++;
            return runtime;
        }
    }

    private static Supplier<List<X509Certificate>> watchAnchors(ReloadingPolicy policy, Path file) {
        try {
            Supplier<TrustAnchorFile> anchors = policy.watchAnchors(file);
            return () -> anchors.get().certificates();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("trustAnchors: " + e.getMessage(), e);
        }
    }

    /** The JDK's anchors as the JVM has them when the component starts. */
    private static Supplier<List<X509Certificate>> jdkAnchors() {
        List<X509Certificate> anchors = JdkTrustAnchors.certificates();
        return () -> anchors;
    }

    /** The rule for a sender domain as received (null or empty for {@code <>}). */
    public InboundResolution resolve(String senderDomain) {
        return policy.current().resolveInbound(senderDomain);
    }

    /** The connector whose certificate grants this session relay, if any (see {@link InboundEvaluator#relayPartner}). */
    public Optional<String> relayPartner(InboundSession session) {
        dev.jamestls.policy.TlsPolicy current = policy.current();
        List<dev.jamestls.policy.Connector> active = current.connectors().stream()
            .filter(connector -> !current.expiredConnectors().contains(connector))
            .toList();
        Optional<String> partner = evaluator.relayPartner(active, session);
        partner.ifPresent(name -> LOGGER.info("inbound-tls session={} client={} relay granted by connector {} (verified client certificate {})",
            session.sessionId(), session.clientAddress().getHostAddress(), name,
            PeerText.escape(session.facts().peerCertificate().map(c -> c.subject()).orElse("-"))));
        return partner;
    }

    /**
     * Evaluates, logs one structured line and counts the decision. The line holds the full
     * reason (both sides) under the session id the short SMTP reply names; peer text in it is
     * escaped ({@link PeerText}).
     */
    public InboundVerdict decide(InboundResolution resolution, InboundSession session, InboundDecisionMetrics metrics) {
        InboundVerdict verdict = evaluator.evaluate(resolution, session);
        // Violations at INFO, compliant decisions at DEBUG: a flushed INFO line per transaction
        // costs more than the evaluation itself (docs/benchmarks.md); metrics count every decision.
        // The line is built only when its level is on.
        org.slf4j.event.Level level = verdict.compliant() ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.INFO;
        if (LOGGER.isEnabledForLevel(level)) {
            LOGGER.atLevel(level).log("inbound-tls session={} client={} sender={} rule={} kind={} mode={} verdict={} reason={} protocol={} cipher={}{}",
                session.sessionId(), session.clientAddress().getHostAddress(), PeerText.escape(resolution.senderLabel()), resolution.rule(),
                resolution.kind(), resolution.mode(), verdict.verdictName(),
                verdict.violation().map(v -> v.kind().spelling() + ": " + PeerText.escape(v.reason())).orElse("-"),
                session.facts().protocol().orElse("-"), session.facts().cipher().orElse("-"),
                verdict.rejects() ? " reply=\"" + verdict.violation().orElseThrow().reply() + "\"" : "");
        }
        metrics.count(verdict);
        return verdict;
    }
}
