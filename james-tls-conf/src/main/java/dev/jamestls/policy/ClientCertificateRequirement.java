package dev.jamestls.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.revocation.RevocationChecking;
import dev.jamestls.tls.CertificatePins;

/**
 * What a partner's TLS client certificate must show (SPEC §1.4). The chain must
 * also validate (PKIX, EKU clientAuth or none, not expired): that part is fixed.
 *
 * @param names accepted subject CN / DNS SAN names; at least one
 * @param issuer required issuer DN (RFC 2253), if any
 * @param pins accepted SPKI SHA-256 pins (RFC 7469 §2.4 base64); empty = no pinning
 * @param trustAnchors partner-specific trust anchors, instead of the default anchors: the certificates
 *     and the digest of the file they were read from, so that equal requirements mean equal anchors
 * @param revocation revocation checking (RFC 5280 CRL, RFC 6960 OCSP)
 */
public record ClientCertificateRequirement(
    List<CertificateName> names,
    Optional<String> issuer,
    List<String> pins,
    Optional<TrustAnchorFile> trustAnchors,
    RevocationChecking revocation) {

    public ClientCertificateRequirement {
        names = List.copyOf(names);
        Objects.requireNonNull(issuer, "issuer");
        pins = List.copyOf(pins);
        Objects.requireNonNull(trustAnchors, "trustAnchors");
        Objects.requireNonNull(revocation, "revocation");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a client certificate requirement needs at least one accepted name");
        }
        for (String pin : pins) {
            requireWellFormedPin(pin);
        }
    }

    public static String requireWellFormedPin(String pin) {
        if (!CertificatePins.isWellFormedPin(pin)) {
            throw new IllegalArgumentException("not an SPKI SHA-256 pin '" + pin
                + "'; accepted: base64 of 32 bytes, 44 characters ending in '=' (RFC 7469 §2.4)");
        }
        return pin;
    }
}
