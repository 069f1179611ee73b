package dev.jamestls.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.tls.ClientIdentity;
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
 * @param trustAnchors the rule's own trust anchors (Postfix {@code tafile=}) instead of the delivery's default anchors;
 *     for the levels that check a chain ({@code may}, {@code encrypt} record it, {@code verify}, {@code secure} enforce it)
 * @param clientIdentity the certificate this rule presents when a destination asks for one, instead of the
 *     delivery's default identity
 */
public record OutboundRequirement(
    OutboundLevel level,
    List<MatchName> match,
    List<String> pins,
    TlsProtocol minimumProtocol,
    CipherPolicy ciphers,
    List<SmartHost> smartHosts,
    Failure failure,
    Optional<TrustAnchorFile> trustAnchors,
    Optional<ClientIdentity> clientIdentity) {

    /** Opportunistic: STARTTLS when offered, TLS ≥ 1.2, forward-secret ciphers, clear-text fallback. */
    public static final OutboundRequirement OPPORTUNISTIC = new OutboundRequirement(OutboundLevel.MAY, List.of(), List.of(),
        TlsProtocol.LOWEST_ACCEPTABLE, CipherPolicy.DEFAULT, List.of(), Failure.TEMPORARY);

    public OutboundRequirement {
        Objects.requireNonNull(level, "level");
        match = List.copyOf(match);
        pins = List.copyOf(pins);
        MinimumProtocols.require(Objects.requireNonNull(minimumProtocol, "minimumProtocol"));
        Objects.requireNonNull(ciphers, "ciphers");
        smartHosts = List.copyOf(smartHosts);
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(trustAnchors, "trustAnchors");
        Objects.requireNonNull(clientIdentity, "clientIdentity");
        if (trustAnchors.isPresent() && (level == OutboundLevel.NONE || level == OutboundLevel.FINGERPRINT)) {
            throw new IllegalArgumentException("trust anchors apply to levels may, encrypt, verify and secure, not " + level
                + (level == OutboundLevel.FINGERPRINT ? " (pins need no CA)" : " (no TLS)"));
        }
        if (trustAnchors.isPresent() && level.usesDane()) {
            throw new IllegalArgumentException("trust anchors do not apply to level " + level
                + ": the destination's TLSA records say what to trust (RFC 7672 §3.1)");
        }
        if (!smartHosts.isEmpty() && level.usesDane()) {
            throw new IllegalArgumentException("level " + level + " needs the recipient domain's MX records (RFC 7672 §2.2); "
                + "a smart host is not looked up in DNS; use level secure or fingerprint for a smart host");
        }
        if (clientIdentity.isPresent() && level == OutboundLevel.NONE) {
            throw new IllegalArgumentException("a client identity needs TLS; level none never starts it");
        }
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

    /** The same requirement at another level, without what only the old level used (match names, pins, anchors). */
    public OutboundRequirement withLevel(OutboundLevel other) {
        boolean names = other == OutboundLevel.VERIFY || other == OutboundLevel.SECURE;
        boolean anchors = other != OutboundLevel.NONE && other != OutboundLevel.FINGERPRINT && !other.usesDane();
        return new OutboundRequirement(other, names ? match : List.of(), other == OutboundLevel.FINGERPRINT ? pins : List.of(),
            minimumProtocol, ciphers, smartHosts, failure, anchors ? trustAnchors : Optional.empty(),
            other == OutboundLevel.NONE ? Optional.empty() : clientIdentity);
    }

    /** A requirement without its own trust anchors or client identity. */
    public OutboundRequirement(OutboundLevel level, List<MatchName> match, List<String> pins, TlsProtocol minimumProtocol,
                               CipherPolicy ciphers, List<SmartHost> smartHosts, Failure failure) {
        this(level, match, pins, minimumProtocol, ciphers, smartHosts, failure, Optional.empty(), Optional.empty());
    }
}
