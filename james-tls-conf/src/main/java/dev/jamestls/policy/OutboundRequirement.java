package dev.jamestls.policy;

import java.util.List;
import java.util.Objects;

import dev.jamestls.tls.TlsProtocol;

/**
 * What a delivery to a recipient domain must achieve (SPEC §1.3).
 *
 * @param level the validation level
 * @param match names checked under {@code secure} (required there) or {@code verify}; empty otherwise
 * @param pins SPKI SHA-256 pins under {@code fingerprint} (required there); empty otherwise
 * @param minimumProtocol lowest protocol; never below TLS 1.2 (RFC 8996)
 * @param ciphers the cipher policy
 * @param smartHosts relay hosts used instead of MX lookup, in order; empty = MX
 * @param failure what an unsecurable delivery becomes
 */
public record OutboundRequirement(
    OutboundLevel level,
    List<MatchName> match,
    List<String> pins,
    TlsProtocol minimumProtocol,
    CipherPolicy ciphers,
    List<SmartHost> smartHosts,
    FailureMode failure) {

    /** Opportunistic: STARTTLS when offered, TLS ≥ 1.2, forward-secret ciphers, clear-text fallback. */
    public static final OutboundRequirement OPPORTUNISTIC = new OutboundRequirement(OutboundLevel.MAY, List.of(), List.of(),
        TlsProtocol.LOWEST_ACCEPTABLE, CipherPolicy.DEFAULT, List.of(), FailureMode.TEMPORARY);

    public OutboundRequirement {
        Objects.requireNonNull(level, "level");
        match = List.copyOf(match);
        pins = List.copyOf(pins);
        MinimumProtocols.require(Objects.requireNonNull(minimumProtocol, "minimumProtocol"));
        Objects.requireNonNull(ciphers, "ciphers");
        smartHosts = List.copyOf(smartHosts);
        Objects.requireNonNull(failure, "failure");
        for (String pin : pins) {
            ClientCertificateRequirement.requireWellFormedPin(pin);
        }
        if (level == OutboundLevel.SECURE && match.isEmpty()) {
            throw new IllegalArgumentException("level secure needs match names: the MX host name is not trusted (SPEC §1.3)");
        }
        if (level == OutboundLevel.SECURE && match.stream().anyMatch(m -> m.kind() == MatchName.Kind.HOSTNAME)) {
            throw new IllegalArgumentException(
                "match 'hostname' is not allowed under level secure: the MX host name comes from unauthenticated DNS; use level verify");
        }
        if (!match.isEmpty() && level != OutboundLevel.SECURE && level != OutboundLevel.VERIFY) {
            throw new IllegalArgumentException("match names apply to levels secure and verify only, not " + level);
        }
        if (level == OutboundLevel.FINGERPRINT && pins.isEmpty()) {
            throw new IllegalArgumentException("level fingerprint needs at least one pin");
        }
        if (!pins.isEmpty() && level != OutboundLevel.FINGERPRINT) {
            throw new IllegalArgumentException("pins apply to level fingerprint only, not " + level);
        }
    }

    public OutboundRequirement withFailure(FailureMode newFailure) {
        return new OutboundRequirement(level, match, pins, minimumProtocol, ciphers, smartHosts, newFailure);
    }
}
