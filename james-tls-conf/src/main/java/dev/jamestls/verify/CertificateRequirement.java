package dev.jamestls.verify;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import dev.jamestls.revocation.RevocationChecking;
import dev.jamestls.tls.CertificatePins;

/**
 * What a peer's certificate chain must satisfy. Immutable; build it once per
 * connector / destination with the factories and {@code with...} methods.
 *
 * <pre>{@code
 * CertificateRequirement partner = CertificateRequirement.client(anchors)
 *     .withNames("partner.example", "*.partner.example")
 *     .withIssuer("CN=Partner CA,O=Partner")
 *     .withRevocation(RevocationChecking.SOFT_FAIL);
 * CertificateRequirement secure = CertificateRequirement.server(anchors).withNames(".partner.example");
 * CertificateRequirement fingerprint = CertificateRequirement.pinsOnly(CertificatePurpose.SERVER_AUTH, Set.of(pin));
 * }</pre>
 *
 * @param purpose the EKU the leaf must allow (or have no EKU)
 * @param trustAnchors the anchors a validated chain must end at; required when {@code chainValidation}
 * @param acceptedNames normalised accepted names ({@link DnsNames}); empty: names are not checked
 * @param issuer the DN the leaf's issuer must equal (X500Principal equality, RFC 5280 §7.1)
 * @param pins base64 SHA-256 SPKI pins (RFC 7469 §2.4); when not empty one certificate of the chain must match
 * @param chainValidation whether RFC 5280 path validation is required; false only for pins-only
 *     ({@code fingerprint}) verification, where no CA is needed
 * @param revocation revocation checking mode; needs chain validation
 * @param pathOptions RFC 5280 §6.1.1 policy inputs
 * @param localCrls CRLs configured locally, used alongside fetched ones
 */
public record CertificateRequirement(CertificatePurpose purpose, List<X509Certificate> trustAnchors,
                                     List<String> acceptedNames, Optional<X500Principal> issuer, Set<String> pins,
                                     boolean chainValidation, RevocationChecking revocation, PathOptions pathOptions,
                                     List<X509CRL> localCrls) {

    public CertificateRequirement {
        Objects.requireNonNull(purpose, "purpose");
        trustAnchors = List.copyOf(trustAnchors);
        List<String> names = new ArrayList<>();
        for (String name : acceptedNames) {
            String normalized = DnsNames.normalizeAccepted(name);
            if (!names.contains(normalized)) {
                names.add(normalized);
            }
        }
        acceptedNames = List.copyOf(names);
        Objects.requireNonNull(issuer, "issuer");
        for (String pin : pins) {
            if (!CertificatePins.isWellFormedPin(pin)) {
                throw new IllegalArgumentException("pin '" + pin
                    + "' is not a base64 SHA-256 SPKI pin (44 characters, RFC 7469 §2.4)");
            }
        }
        pins = Set.copyOf(new LinkedHashSet<>(pins));
        Objects.requireNonNull(revocation, "revocation");
        Objects.requireNonNull(pathOptions, "pathOptions");
        localCrls = List.copyOf(localCrls);
        if (chainValidation && trustAnchors.isEmpty()) {
            throw new IllegalArgumentException("trust anchors are required when the chain is validated; got none");
        }
        if (!chainValidation && pins.isEmpty()) {
            throw new IllegalArgumentException(
                "pins are required when the chain is not validated (fingerprint level); got none");
        }
        if (!chainValidation && revocation != RevocationChecking.OFF) {
            throw new IllegalArgumentException("revocation '" + revocation
                + "' needs chain validation (the issuer must be known); use 'off' with pins only");
        }
    }

    /** A partner's client certificate validated against {@code anchors}: names, issuer and pins not yet restricted. */
    public static CertificateRequirement client(List<X509Certificate> anchors) {
        return new CertificateRequirement(CertificatePurpose.CLIENT_AUTH, anchors, List.of(), Optional.empty(), Set.of(),
            true, RevocationChecking.OFF, PathOptions.DEFAULT, List.of());
    }

    /** A server certificate validated against {@code anchors} (levels verify / secure). */
    public static CertificateRequirement server(List<X509Certificate> anchors) {
        return new CertificateRequirement(CertificatePurpose.SERVER_AUTH, anchors, List.of(), Optional.empty(), Set.of(),
            true, RevocationChecking.OFF, PathOptions.DEFAULT, List.of());
    }

    /** Pins only, no CA (level fingerprint): one certificate of the chain must have one of {@code pins}. */
    public static CertificateRequirement pinsOnly(CertificatePurpose purpose, Set<String> pins) {
        return new CertificateRequirement(purpose, List.of(), List.of(), Optional.empty(), pins, false,
            RevocationChecking.OFF, PathOptions.DEFAULT, List.of());
    }

    /** PLACEHOLDER until the DANE verification core lands. */
    public static CertificateRequirement dane(List<dev.jamestls.dane.TlsaRecord> records, List<String> names) {
        throw new UnsupportedOperationException("DANE verification");
    }

    /** PLACEHOLDER until the DANE verification core lands. */
    public List<dev.jamestls.dane.TlsaRecord> tlsa() {
        return List.of();
    }

    public CertificateRequirement withNames(String... names) {
        return withNames(List.of(names));
    }

    public CertificateRequirement withNames(List<String> names) {
        return new CertificateRequirement(purpose, trustAnchors, names, issuer, pins, chainValidation, revocation,
            pathOptions, localCrls);
    }

    /** @throws IllegalArgumentException when {@code dn} is not an RFC 4514 distinguished name */
    public CertificateRequirement withIssuer(String dn) {
        X500Principal principal;
        try {
            principal = new X500Principal(dn);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("issuer DN '" + dn + "' is not an RFC 4514 distinguished name: "
                + e.getMessage(), e);
        }
        return new CertificateRequirement(purpose, trustAnchors, acceptedNames, Optional.of(principal), pins,
            chainValidation, revocation, pathOptions, localCrls);
    }

    public CertificateRequirement withPins(Set<String> newPins) {
        return new CertificateRequirement(purpose, trustAnchors, acceptedNames, issuer, newPins, chainValidation,
            revocation, pathOptions, localCrls);
    }

    public CertificateRequirement withRevocation(RevocationChecking mode) {
        return new CertificateRequirement(purpose, trustAnchors, acceptedNames, issuer, pins, chainValidation, mode,
            pathOptions, localCrls);
    }

    public CertificateRequirement withPathOptions(PathOptions options) {
        return new CertificateRequirement(purpose, trustAnchors, acceptedNames, issuer, pins, chainValidation,
            revocation, options, localCrls);
    }

    public CertificateRequirement withLocalCrls(List<X509CRL> crls) {
        return new CertificateRequirement(purpose, trustAnchors, acceptedNames, issuer, pins, chainValidation,
            revocation, pathOptions, crls);
    }

    /** What the rule expects, printable: names, issuer, pins (the "expected" half of every message). */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add("purpose " + purpose.usageName());
        parts.add(acceptedNames.isEmpty() ? "any name" : "names " + acceptedNames);
        issuer.ifPresent(dn -> parts.add("issuer '" + dn.getName() + "'"));
        if (!pins.isEmpty()) {
            parts.add("pins " + pins.stream().sorted().toList());
        }
        parts.add(chainValidation ? "chain to " + trustAnchors.size() + " trust anchor(s)" : "no chain validation");
        if (revocation != RevocationChecking.OFF) {
            parts.add("revocation " + revocation);
        }
        return String.join(", ", parts);
    }
}
