package dev.jamestls.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.outbound.AttemptClassification;
import dev.jamestls.outbound.AttemptClassifier;
import dev.jamestls.outbound.AttemptObservation;
import dev.jamestls.outbound.StartTlsLayer;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.outbound.TransactionResult;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.revocation.RevocationChecking;
import dev.jamestls.tls.CertificatePins;
import dev.jamestls.tls.TlsAlert;
import dev.jamestls.verify.CertificateRequirement;
import dev.jamestls.verify.ChainVerifier;
import dev.jamestls.verify.VerificationOutcome;
import dev.jamestls.verify.VerifyingTrustManager.OnFailure;

/**
 * Which outbound levels (SPEC §1.3) a probed server would pass, decided as delivery decides: each level's
 * {@link TlsPlan} (the one delivery builds for the same rule and host) turns what the probe saw into the
 * observation delivery would make under that plan, the plan's certificate requirement enforced as delivery's
 * trust manager enforces it, and {@link AttemptClassifier} gives the verdict, with the clear-text retry where
 * the plan allows it. A level passes when delivery would hand the message over (over TLS, or in clear text
 * where the level allows it), assuming the server then accepts the transaction. The reported RFC 8460 result
 * type is the TLS attempt's, also when the clear-text retry would deliver: delivery reports that failure too.
 */
public final class LevelJudge {
    private final ChainVerifier verifier;
    private final RevocationChecking revocation;

    /** @param revocation revocation checking for the levels that validate a chain ({@code verify}, {@code secure}) */
    public LevelJudge(ChainVerifier verifier, RevocationChecking revocation) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.revocation = Objects.requireNonNull(revocation, "revocation");
    }

    /**
     * @param plans one plan per level to judge, in order; a level without a plan is not evaluated
     * @param missing why a level has no plan (e.g. no pin given), for the levels without one
     */
    public List<LevelVerdict> judge(TargetProbe probe, List<TlsPlan> plans, Map<OutboundLevel, String> missing) {
        List<LevelVerdict> verdicts = new ArrayList<>();
        for (OutboundLevel level : OutboundLevel.values()) {
            Optional<TlsPlan> plan = plans.stream().filter(p -> p.level() == level).findFirst();
            if (plan.isPresent()) {
                verdicts.add(judge(probe, plan.get()));
            } else if (missing.containsKey(level) && level.requiresTls() && !probe.tlsEstablished()) {
                // Whatever its missing input, a level that needs TLS fails without it; dane without usable
                // TLSA records is may (RFC 7672 §2.2), so it stays not evaluated.
                String reason = probe.sessionFailure().map(failure -> "no SMTP session: " + failure).orElseGet(() -> tlsProblem(probe));
                verdicts.add(new LevelVerdict(level, LevelVerdict.Result.FAIL, reason, Optional.empty(), Optional.empty()));
            } else if (missing.containsKey(level)) {
                String reason = missing.get(level);
                if (level == OutboundLevel.FINGERPRINT) {
                    reason += "; presented SPKI pins " + probe.presented().stream().map(CertificatePins::spkiSha256).toList();
                }
                verdicts.add(new LevelVerdict(level, LevelVerdict.Result.NOT_EVALUATED, reason, Optional.empty(), Optional.empty()));
            }
        }
        return verdicts;
    }

    /**
     * Whether a target passes {@code level} by its verdicts. Under {@code dane} a host without usable TLSA records is
     * delivered to as {@code withoutDane} says ({@code may}, or {@code encrypt} for a secure RRset of unusable records,
     * RFC 7672 §3.1.3; empty: deferred, a DNSSEC lookup being bogus or failed); under {@code dane-only} it never passes.
     */
    public static boolean passes(OutboundLevel level, List<LevelVerdict> verdicts, Optional<OutboundLevel> withoutDane) {
        OutboundLevel row = level == OutboundLevel.DANE_ONLY ? OutboundLevel.DANE : level;
        Optional<LevelVerdict> verdict = verdicts.stream().filter(v -> v.level() == row).findFirst();
        if (verdict.isEmpty()) {
            return false;
        }
        if (level == OutboundLevel.DANE && verdict.get().result() == LevelVerdict.Result.NOT_EVALUATED) {
            return withoutDane.map(fallback -> passes(fallback, verdicts, Optional.empty())).orElse(false);
        }
        return verdict.get().result() == LevelVerdict.Result.PASS;
    }

    /** The verdict of one level: what delivery under {@code plan} would do with this server. */
    public LevelVerdict judge(TargetProbe probe, TlsPlan plan) {
        AttemptObservation seen = observe(probe, plan);
        AttemptClassification first = AttemptClassifier.classify(plan, seen);
        AttemptClassification last = AttemptClassifier.retryInClear(plan, seen)
            ? AttemptClassifier.classify(plan.clearTextFallback(), clearText(TlsStage.NOT_ATTEMPTED)) : first;
        boolean passes = last.verdict().delivered();
        AttemptClassification deciding = passes ? last : first;
        AttemptClassification reported = new AttemptClassification(deciding.verdict(), first.resultType(), deciding.reason());
        return new LevelVerdict(plan.level(), passes ? LevelVerdict.Result.PASS : LevelVerdict.Result.FAIL,
            reason(probe, plan, seen, passes, deciding), seen.certificate(), Optional.of(reported));
    }

    /** What delivery's client would observe under {@code plan}, the transaction assumed accepted once it may start. */
    private AttemptObservation observe(TargetProbe probe, TlsPlan plan) {
        Optional<String> ip = Optional.of(probe.address().getHostAddress());
        if (probe.sessionFailure().isPresent()) {
            return new AttemptObservation(Optional.empty(), false, TlsStage.CONNECT_FAILED, Optional.empty(), Optional.empty(),
                Optional.empty(), probe.sessionFailure(), TransactionResult.NOT_STARTED);
        }
        if (!plan.startTls()) {
            return clearText(TlsStage.NOT_ATTEMPTED);
        }
        if (!probe.starttlsOffered()) {
            // Without STARTTLS a mandatory plan stops before MAIL; may goes on in clear text on the same connection.
            return new AttemptObservation(ip, false, TlsStage.NOT_OFFERED, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("STARTTLS not offered"), plan.tlsMandatory() ? TransactionResult.NOT_STARTED : TransactionResult.SENT);
        }
        if (!probe.tlsEstablished() && probe.handshakeFailure().isEmpty()) {
            return notSecured(ip, TlsStage.REFUSED, Optional.empty(), probe.tlsFailure().orElse("STARTTLS refused"));
        }
        if (!probe.tlsEstablished()) {
            boolean version = probe.handshakeFailure().get().peerAlert().equals(Optional.of(TlsAlert.PROTOCOL_VERSION));
            return notSecured(ip, version ? TlsStage.PROTOCOL_VERSION : TlsStage.HANDSHAKE_FAILED, Optional.empty(),
                probe.handshakeFailure().get().describe());
        }
        String protocol = probe.protocol().orElseThrow();
        String cipher = probe.cipherSuite().orElseThrow();
        if (!StartTlsLayer.offers(plan, protocol, cipher)) {
            return notSecured(ip, TlsStage.HANDSHAKE_FAILED, Optional.empty(), "negotiated " + protocol + " " + cipher
                + ", which this level's plan does not offer (" + String.join("/", plan.protocols()) + ", " + plan.ciphers() + ")");
        }
        Optional<VerificationOutcome> certificate = plan.certificate().map(required -> verifier.verify(probe.presented(),
            withRevocation(plan, required)));
        if (certificate.isPresent() && !certificate.get().accepted() && plan.onCertificateFailure() == OnFailure.FAIL_HANDSHAKE) {
            // Delivery's trust manager ends the handshake: nothing of the message leaves (SPEC §2).
            return notSecured(ip, TlsStage.HANDSHAKE_FAILED, certificate, certificate.get().message());
        }
        return new AttemptObservation(ip, true, TlsStage.ESTABLISHED, Optional.of(protocol), Optional.of(cipher), certificate,
            Optional.empty(), probe.sessionOverTls() ? TransactionResult.SENT
                : TransactionResult.broken("no EHLO reply over TLS: " + probe.tlsFailure().orElse("connection ended")));
    }

    private CertificateRequirement withRevocation(TlsPlan plan, CertificateRequirement required) {
        return plan.level() == OutboundLevel.VERIFY || plan.level() == OutboundLevel.SECURE ? required.withRevocation(revocation) : required;
    }

    private static AttemptObservation clearText(TlsStage stage) {
        return new AttemptObservation(Optional.empty(), false, stage, Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), TransactionResult.SENT);
    }

    private static AttemptObservation notSecured(Optional<String> ip, TlsStage stage, Optional<VerificationOutcome> certificate,
                                                 String error) {
        return new AttemptObservation(ip, true, stage, Optional.empty(), Optional.empty(), certificate, Optional.of(error),
            TransactionResult.NOT_STARTED);
    }

    /** The deciding fact, in the probe's words. */
    private static String reason(TargetProbe probe, TlsPlan plan, AttemptObservation seen, boolean passes,
                                 AttemptClassification deciding) {
        if (seen.stage() == TlsStage.CONNECT_FAILED) {
            return "no SMTP session: " + probe.sessionFailure().orElseThrow();
        }
        if (!plan.startTls()) {
            return "clear text only; STARTTLS not used";
        }
        boolean tls = seen.stage() == TlsStage.ESTABLISHED || seen.certificate().isPresent();
        if (!tls) {
            return tlsProblem(probe) + (passes ? "; would deliver in clear text" : "");
        }
        if (plan.level() == OutboundLevel.MAY && passes) {
            return "TLS used: " + probe.protocol().orElseThrow() + " " + probe.cipherSuite().orElseThrow();
        }
        if (!plan.certificateRequired()) {
            return passes ? probe.protocol().orElseThrow() + " " + probe.cipherSuite().orElseThrow() : deciding.reason();
        }
        VerificationOutcome outcome = seen.certificate().orElseThrow();
        if (!outcome.accepted()) {
            return outcome.kind().description() + ": " + outcome.reason();
        }
        if (!passes) {
            return deciding.reason();
        }
        String notes = outcome.notes().isEmpty() ? "" : " (" + String.join("; ", outcome.notes()) + ")";
        return "certificate accepted: " + checked(probe, plan) + notes;
    }

    /** What the certificate was checked against: the MX name, the match names, pins, or TLSA records. */
    private static String checked(TargetProbe probe, TlsPlan plan) {
        if (plan.level() == OutboundLevel.FINGERPRINT) {
            return "pinned";
        }
        CertificateRequirement required = plan.certificate().orElseThrow();
        if (required.usesDane()) {
            return "TLSA records";
        }
        List<String> names = required.acceptedNames();
        return names.equals(List.of(probe.host())) && plan.level() == OutboundLevel.VERIFY ? "MX name " + probe.host()
            : "match " + String.join(":", names);
    }

    private static String tlsProblem(TargetProbe probe) {
        if (!probe.starttlsOffered()) {
            return "STARTTLS not offered (RFC 8460 starttls-not-supported)";
        }
        return probe.tlsFailure().orElse("TLS not established");
    }
}
