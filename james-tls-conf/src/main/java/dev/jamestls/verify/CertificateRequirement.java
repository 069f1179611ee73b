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

import dev.jamestls.dane.TlsaMatch;
import dev.jamestls.dane.TlsaRecord;
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
 * CertificateRequirement dane = CertificateRequirement.dane(tlsaRecords, List.of("mx.partner.example", "partner.example"));
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
 * @param tlsa the usable TLSA records of a DANE requirement ({@link #dane}); empty otherwise. A DANE requirement
 *     has no trust anchors, issuer, pins or revocation: the records are the trust decision (RFC 7672 §3.1)
 */
public record CertificateRequirement(CertificatePurpose purpose, List<X509Certificate> trustAnchors,
                                     List<String> acceptedNames, Optional<X500Principal> issuer, Set<String> pins,
                                     boolean chainValidation, RevocationChecking revocation, PathOptions pathOptions,
                                     List<X509CRL> localCrls, List<TlsaRecord> tlsa) {
    private static final String USABLE_TLSA = "RFC 7672 §3.1.3: usage 2 DANE-TA or 3 DANE-EE, selector 0 Cert or 1 SPKI, "
        + "matching type 0 Full, 1 SHA2-256 of 32 octets or 2 SHA2-512 of 64 octets";

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
        tlsa = List.copyOf(new LinkedHashSet<>(tlsa));
        if (!tlsa.isEmpty()) {
            requireDane(purpose, trustAnchors, acceptedNames, issuer, pins, chainValidation, revocation, localCrls, tlsa);
        } else if (chainValidation && trustAnchors.isEmpty()) {
            throw new IllegalArgumentException("trust anchors are required when the chain is validated; got none");
        } else if (!chainValidation && pins.isEmpty()) {
            throw new IllegalArgumentException(
                "pins are required when the chain is not validated (fingerprint level); got none");
        } else if (!chainValidation && revocation != RevocationChecking.OFF) {
            throw new IllegalArgumentException("revocation '" + revocation
                + "' needs chain validation (the issuer must be known); use 'off' with pins only");
        }
    }

    /** RFC 7672 §3.1: the TLSA records alone decide; only usable records, and names for DANE-TA. */
    private static void requireDane(CertificatePurpose purpose, List<X509Certificate> trustAnchors, List<String> names,
                                    Optional<X500Principal> issuer, Set<String> pins, boolean chainValidation,
                                    RevocationChecking revocation, List<X509CRL> localCrls, List<TlsaRecord> tlsa) {
        for (TlsaRecord record : tlsa) {
            if (!record.usable()) {
                throw new IllegalArgumentException("TLSA record " + TlsaMatch.compact(record) + " is not usable for SMTP ("
                    + USABLE_TLSA + ")");
            }
        }
        if (purpose != CertificatePurpose.SERVER_AUTH) {
            throw new IllegalArgumentException("DANE authenticates servers (RFC 7672); purpose "
                + CertificatePurpose.SERVER_AUTH.usageName() + " only, got " + purpose.usageName());
        }
        if (!trustAnchors.isEmpty() || issuer.isPresent() || !pins.isEmpty() || chainValidation
            || revocation != RevocationChecking.OFF || !localCrls.isEmpty()) {
            throw new IllegalArgumentException("pins, an issuer, trust anchors and revocation do not apply to DANE "
                + "(RFC 7672 §3.1: the TLSA records are the trust decision)");
        }
        if (names.isEmpty() && tlsa.stream().anyMatch(record -> record.usage() == TlsaRecord.DANE_TA)) {
            throw new IllegalArgumentException("DANE-TA records need the names to check (RFC 7672 §3.2.2: the MX host "
                + "name and the next-hop domain); got none");
        }
    }

    /** A partner's client certificate validated against {@code anchors}: names, issuer and pins not yet restricted. */
    public static CertificateRequirement client(List<X509Certificate> anchors) {
        return new CertificateRequirement(CertificatePurpose.CLIENT_AUTH, anchors, List.of(), Optional.empty(), Set.of(),
            true, RevocationChecking.OFF, PathOptions.DEFAULT, List.of(), List.of());
    }

    /** A server certificate validated against {@code anchors} (levels verify / secure). */
    public static CertificateRequirement server(List<X509Certificate> anchors) {
        return new CertificateRequirement(CertificatePurpose.SERVER_AUTH, anchors, List.of(), Optional.empty(), Set.of(),
            true, RevocationChecking.OFF, PathOptions.DEFAULT, List.of(), List.of());
    }

    /** Pins only, no CA (level fingerprint): one certificate of the chain must have one of {@code pins}. */
    public static CertificateRequirement pinsOnly(CertificatePurpose purpose, Set<String> pins) {
        return new CertificateRequirement(purpose, List.of(), List.of(), Optional.empty(), pins, false,
            RevocationChecking.OFF, PathOptions.DEFAULT, List.of(), List.of());
    }

    /**
     * A server authenticated by the usable records of its TLSA RRset (RFC 7672 §3.1): DANE-EE(3) records
     * match the leaf, DANE-TA(2) records a presented trust anchor below which the chain is validated and the
     * leaf must carry one of {@code names} (the MX host name and the next-hop domain, RFC 7672 §3.2.2).
     * Unusable records (PKIX-TA, PKIX-EE, unknown selector or matching type, a digest of the wrong length)
     * are left out, RFC 7672 §3.1.3.
     *
     * @throws IllegalArgumentException when no record is usable: the destination has no usable TLSA records,
     *     which the caller decides before building a requirement
     */
    public static CertificateRequirement dane(List<TlsaRecord> records, List<String> names) {
        List<TlsaRecord> usable = records.stream().filter(TlsaRecord::usable).toList();
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("none of the TLSA records "
                + records.stream().map(TlsaMatch::compact).toList() + " is usable for SMTP (" + USABLE_TLSA + ")");
        }
        return new CertificateRequirement(CertificatePurpose.SERVER_AUTH, List.of(), names, Optional.empty(), Set.of(),
            false, RevocationChecking.OFF, PathOptions.DEFAULT, List.of(), usable);
    }

    /** Whether this requirement authenticates with TLSA records ({@link #dane}). */
    public boolean usesDane() {
        return !tlsa.isEmpty();
    }

    public CertificateRequirement withNames(String... names) {
        return withNames(List.of(names));
    }

    public CertificateRequirement withNames(List<String> names) {
        return new CertificateRequirement(purpose, trustAnchors, names, issuer, pins, chainValidation, revocation,
            pathOptions, localCrls, tlsa);
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
            chainValidation, revocation, pathOptions, localCrls, tlsa);
    }

    public CertificateRequirement withPins(Set<String> newPins) {
        return new CertificateRequirement(purpose, trustAnchors, acceptedNames, issuer, newPins, chainValidation,
            revocation, pathOptions, localCrls, tlsa);
    }

    public CertificateRequirement withRevocation(RevocationChecking mode) {
        return new CertificateRequirement(purpose, trustAnchors, acceptedNames, issuer, pins, chainValidation, mode,
            pathOptions, localCrls, tlsa);
    }

    public CertificateRequirement withPathOptions(PathOptions options) {
        return new CertificateRequirement(purpose, trustAnchors, acceptedNames, issuer, pins, chainValidation,
            revocation, options, localCrls, tlsa);
    }

    public CertificateRequirement withLocalCrls(List<X509CRL> crls) {
        return new CertificateRequirement(purpose, trustAnchors, acceptedNames, issuer, pins, chainValidation,
            revocation, pathOptions, crls, tlsa);
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
        if (usesDane()) {
            parts.add("DANE TLSA " + tlsa.stream().map(TlsaMatch::compact).toList());
        } else {
            parts.add(chainValidation ? "chain to " + trustAnchors.size() + " trust anchor(s)" : "no chain validation");
        }
        if (revocation != RevocationChecking.OFF) {
            parts.add("revocation " + revocation);
        }
        return String.join(", ", parts);
    }
}
