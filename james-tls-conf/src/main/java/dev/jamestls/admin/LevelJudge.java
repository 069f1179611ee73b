package dev.jamestls.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.jamestls.policy.MatchName;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.revocation.RevocationMode;
import dev.jamestls.tls.CertificatePins;
import dev.jamestls.tls.TlsProtocol;
import dev.jamestls.verify.CertificatePurpose;
import dev.jamestls.verify.CertificateRequirement;
import dev.jamestls.verify.ChainVerifier;
import dev.jamestls.verify.VerificationOutcome;

/**
 * Which outbound levels (SPEC §1.3) a probed server would pass, decided by the verification
 * core with the requirements the product would build for each level:
 * <ul>
 *   <li>{@code none}, {@code may}: pass whenever an SMTP session works ({@code may} falls back to clear text);</li>
 *   <li>{@code encrypt}: STARTTLS offered and TLS ≥ 1.2 negotiated (RFC 3207, RFC 8996);</li>
 *   <li>{@code verify}: and the chain validates to the anchors and covers the MX host name;</li>
 *   <li>{@code secure}: and the chain validates and covers the match names (never the MX name);</li>
 *   <li>{@code fingerprint}: and a certificate of the chain has one of the pins (no CA needed).</li>
 * </ul>
 */
public final class LevelJudge {
    private final ChainVerifier verifier;
    private final TrustAnchors anchors;
    private final RevocationMode revocation;

    public LevelJudge(ChainVerifier verifier, TrustAnchors anchors, RevocationMode revocation) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.anchors = Objects.requireNonNull(anchors, "anchors");
        this.revocation = Objects.requireNonNull(revocation, "revocation");
    }

    /** Level {@code verify} towards {@code host}: the chain to the anchors, the host name in the DNS SANs. */
    public CertificateRequirement verifyRequirement(String host) {
        return CertificateRequirement.server(anchors.certificates()).withNames(host).withRevocation(revocation);
    }

    /**
     * The accepted names of level {@code secure}: the match list with {@code nexthop} and {@code dot-nexthop}
     * resolved against {@code nexthop}.
     *
     * @throws IllegalArgumentException for {@code hostname}, which {@code secure} does not trust (SPEC §1.3)
     */
    public static List<String> secureNames(List<MatchName> match, String nexthop) {
        List<String> names = new ArrayList<>();
        for (MatchName name : match) {
            switch (name.kind()) {
                case NEXTHOP -> names.add(nexthop);
                case DOT_NEXTHOP -> names.add("." + nexthop);
                case HOSTNAME -> throw new IllegalArgumentException(
                    "match 'hostname' is not allowed under level secure: the MX host name comes from unauthenticated DNS");
                default -> names.add(name.toString());
            }
        }
        return names;
    }

    /**
     * @param secureNames accepted names for {@code secure} ({@link #secureNames})
     * @param pins SPKI pins for {@code fingerprint}; empty: not evaluated
     */
    public List<LevelVerdict> judge(TargetProbe probe, List<String> secureNames, Set<String> pins) {
        List<LevelVerdict> verdicts = new ArrayList<>();
        if (probe.sessionFailure().isPresent()) {
            for (OutboundLevel level : OutboundLevel.values()) {
                verdicts.add(fail(level, "no SMTP session: " + probe.sessionFailure().get()));
            }
            return verdicts;
        }
        verdicts.add(new LevelVerdict(OutboundLevel.NONE, LevelVerdict.Result.PASS, "clear text only; STARTTLS not used",
            Optional.empty()));
        verdicts.add(new LevelVerdict(OutboundLevel.MAY, LevelVerdict.Result.PASS, probe.tlsEstablished()
            ? "TLS used: " + probe.protocol().get() + " " + probe.cipherSuite().get()
            : tlsProblem(probe) + "; would deliver in clear text", Optional.empty()));
        Optional<String> noTls = probe.tlsEstablished() ? protocolProblem(probe.protocol().get()) : Optional.of(tlsProblem(probe));
        if (noTls.isPresent()) {
            for (OutboundLevel level : List.of(OutboundLevel.ENCRYPT, OutboundLevel.VERIFY, OutboundLevel.SECURE,
                OutboundLevel.FINGERPRINT)) {
                verdicts.add(fail(level, noTls.get()));
            }
            return verdicts;
        }
        verdicts.add(new LevelVerdict(OutboundLevel.ENCRYPT, LevelVerdict.Result.PASS,
            probe.protocol().get() + " " + probe.cipherSuite().get(), Optional.empty()));
        VerificationOutcome verify = probe.verifyOutcome()
            .orElseGet(() -> verifier.verify(probe.presented(), verifyRequirement(probe.host())));
        verdicts.add(verdict(OutboundLevel.VERIFY, verify, "MX name " + probe.host()));
        if (secureNames.isEmpty()) {
            verdicts.add(new LevelVerdict(OutboundLevel.SECURE, LevelVerdict.Result.NOT_EVALUATED, "no match names", Optional.empty()));
        } else {
            CertificateRequirement secure = CertificateRequirement.server(anchors.certificates()).withNames(secureNames)
                .withRevocation(revocation);
            verdicts.add(verdict(OutboundLevel.SECURE, verifier.verify(probe.presented(), secure),
                "match " + String.join(":", secureNames)));
        }
        if (pins.isEmpty()) {
            verdicts.add(new LevelVerdict(OutboundLevel.FINGERPRINT, LevelVerdict.Result.NOT_EVALUATED,
                "no pin given; presented SPKI pins " + probe.presented().stream().map(CertificatePins::spkiSha256).toList(),
                Optional.empty()));
        } else {
            CertificateRequirement pinned = CertificateRequirement.pinsOnly(CertificatePurpose.SERVER_AUTH, pins);
            verdicts.add(verdict(OutboundLevel.FINGERPRINT, verifier.verify(probe.presented(), pinned), "pinned"));
        }
        return verdicts;
    }

    private static LevelVerdict verdict(OutboundLevel level, VerificationOutcome outcome, String passed) {
        if (outcome.accepted()) {
            String notes = outcome.notes().isEmpty() ? "" : " (" + String.join("; ", outcome.notes()) + ")";
            return new LevelVerdict(level, LevelVerdict.Result.PASS, "certificate accepted: " + passed + notes, Optional.of(outcome));
        }
        return new LevelVerdict(level, LevelVerdict.Result.FAIL, outcome.kind().description() + ": " + outcome.reason(),
            Optional.of(outcome));
    }

    private static String tlsProblem(TargetProbe probe) {
        if (!probe.starttlsOffered()) {
            return "STARTTLS not offered (RFC 8460 starttls-not-supported)";
        }
        return probe.tlsFailure().orElse("TLS not established");
    }

    /** RFC 8996: below TLS 1.2 never counts as encrypted (the probe does not offer it; a server cannot force it). */
    private static Optional<String> protocolProblem(String protocol) {
        Optional<TlsProtocol> known = TlsProtocol.fromJsseName(protocol);
        if (known.isEmpty() || !known.get().isAtLeast(TlsProtocol.LOWEST_ACCEPTABLE)) {
            return Optional.of("negotiated " + protocol + ", below " + TlsProtocol.LOWEST_ACCEPTABLE.jsseName() + " (RFC 8996)");
        }
        return Optional.empty();
    }

    private static LevelVerdict fail(OutboundLevel level, String reason) {
        return new LevelVerdict(level, LevelVerdict.Result.FAIL, reason, Optional.empty());
    }
}
