package dev.jamestls.verify;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.revocation.RevocationReport;
import dev.jamestls.tls.CertificateFacts;

/**
 * The typed result of verifying one chain against one requirement.
 *
 * @param kind accepted, or the failure
 * @param reason the specific fact that decided, e.g. {@code 'CN=x' expired at 2026-01-01T00:00:00Z (now ...)}
 * @param presented facts of the presented chain, leaf first (no key material)
 * @param expected what the requirement expected ({@link CertificateRequirement#describe()})
 * @param revocation revocation status per certificate, when checked
 * @param notes facts recorded without failing (e.g. a soft-failed revocation check)
 * @param validUntil until when this outcome may be reused (certificate expiry, CRL/OCSP nextUpdate)
 */
public record VerificationOutcome(VerificationKind kind, String reason, List<CertificateFacts> presented,
                                  String expected, RevocationReport revocation, List<String> notes,
                                  Instant validUntil) {
    public VerificationOutcome {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        presented = List.copyOf(presented);
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(revocation, "revocation");
        notes = List.copyOf(notes);
        Objects.requireNonNull(validUntil, "validUntil");
    }

    public boolean accepted() {
        return kind == VerificationKind.ACCEPTED;
    }

    public boolean temporary() {
        return kind.temporary();
    }

    public Optional<TlsRptResultType> resultType() {
        return kind.resultType();
    }

    /** The leaf's facts, when a certificate was presented. */
    public Optional<CertificateFacts> leaf() {
        return presented.isEmpty() ? Optional.empty() : Optional.of(presented.get(0));
    }

    /**
     * Both sides in one line, for logs, SMTP replies and DSNs:
     * {@code <kind>: <reason>; presented: <leaf facts>; expected: <requirement>[; notes]}.
     */
    public String message() {
        StringBuilder text = new StringBuilder(kind.description());
        if (!reason.isEmpty()) {
            text.append(": ").append(reason);
        }
        text.append("; presented: ").append(leaf().map(VerificationOutcome::describe).orElse("no certificate"));
        text.append("; expected: ").append(expected);
        if (!notes.isEmpty()) {
            text.append("; notes: ").append(String.join("; ", notes));
        }
        return text.toString();
    }

    /** Printable facts of one certificate: subject, issuer, DNS names, SPKI pin, validity. */
    public static String describe(CertificateFacts facts) {
        return "subject '" + facts.subject() + "', issuer '" + facts.issuer() + "', DNS names " + facts.dnsNames()
            + ", SPKI pin '" + facts.spkiSha256() + "', valid " + facts.notBefore() + " to " + facts.notAfter();
    }
}
