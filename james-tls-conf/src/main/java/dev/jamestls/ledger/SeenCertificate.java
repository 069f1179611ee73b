package dev.jamestls.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import dev.jamestls.tls.CertificateFacts;

/**
 * A certificate a partner presented, as the ledger keeps it.
 *
 * @param sha256 lower-case hex SHA-256 of the DER certificate: the key
 * @param side presented by its client (inbound) or its server (outbound)
 * @param subject subject DN, escaped peer text
 * @param issuer issuer DN, escaped peer text
 * @param notAfter end of validity (RFC 5280 §4.1.2.5)
 * @param where the connector or rule that judged it (inbound), the MX host (outbound); escaped
 * @param check what our verification said when it was last seen ({@code verified}, {@code rejected},
 *     {@code not-checked}, ...; for a server certificate the attempt's verdict)
 * @param firstSeen when it was first seen
 * @param lastSeen when it was last seen
 */
public record SeenCertificate(String sha256, CertificateSide side, String subject, String issuer, Instant notAfter, String where,
                              String check, Instant firstSeen, Instant lastSeen) {
    public SeenCertificate {
        Objects.requireNonNull(sha256, "sha256");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 is not 64 lower-case hex digits: " + LedgerText.of(sha256));
        }
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }

    /** The leaf of a peer's chain seen at {@code at}: its peer text escaped and bounded. */
    public static SeenCertificate of(CertificateFacts leaf, CertificateSide side, String where, String check, Instant at) {
        return new SeenCertificate(leaf.sha256(), side, LedgerText.of(leaf.subject()), LedgerText.of(leaf.issuer()), leaf.notAfter(),
            LedgerText.of(where), LedgerText.of(check), at, at);
    }

    /** Whole days from {@code now} to {@link #notAfter()}, rounded down; negative once expired. */
    public long daysLeft(Instant now) {
        return Math.floorDiv(Duration.between(now, notAfter).getSeconds(), Duration.ofDays(1).getSeconds());
    }

    /** The same certificate seen again: first seen kept, the rest from {@code later}. */
    SeenCertificate seenAgain(SeenCertificate later) {
        return new SeenCertificate(sha256, side, subject, issuer, notAfter, later.where, later.check, firstSeen,
            later.lastSeen.isAfter(lastSeen) ? later.lastSeen : lastSeen);
    }

    /** The key of a certificate within a partner: the same certificate may be seen on both sides. */
    String key() {
        return side.spelling() + ":" + sha256;
    }
}
