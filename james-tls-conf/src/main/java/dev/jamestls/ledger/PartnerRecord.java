package dev.jamestls.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.outbound.AttemptRecord;
import dev.jamestls.tls.CertificateFacts;

/**
 * What the ledger knows of one partner domain, both directions. Immutable: each observation makes a new record.
 * Every collection is bounded ({@link PartnerLedger#MAX_VALUES}, {@link PartnerLedger#MAX_CERTIFICATES}).
 *
 * @param domain the partner domain, lower case: the {@code MAIL FROM} domain inbound, the recipient domain outbound,
 *     the envelope sender's domain of a TLS report
 * @param firstSeen when it was first seen
 * @param lastSeen when it was last seen, any direction
 * @param lastInbound when it last sent to us
 * @param lastOutbound when we last attempted delivery to it
 * @param inboundIdentity what backed the partner's name in its last inbound session
 * @param lastHelo the EHLO/HELO name its client last gave: unverified, shown as such
 * @param protocols TLS protocols seen, both directions, most recent last
 * @param ciphers cipher suites seen, both directions, most recent last
 * @param inboundVerdicts per inbound rule (connector, table line, {@code defaults}): verdict counts
 * @param verifiedConnectors the connectors whose client certificate requirement its sessions satisfied
 * @param outboundResults outbound attempts by verdict ({@code delivered}, {@code tls-not-secured}, ...)
 * @param lastFailure the last violation or failed attempt
 * @param certificates client and server certificates seen, most recent last
 * @param reports what its TLS reports say about us
 */
public record PartnerRecord(String domain, Instant firstSeen, Instant lastSeen, Optional<Instant> lastInbound,
                            Optional<Instant> lastOutbound, Optional<InboundIdentity> inboundIdentity, Optional<String> lastHelo,
                            List<String> protocols, List<String> ciphers, Map<String, Map<String, Long>> inboundVerdicts,
                            List<String> verifiedConnectors, Map<String, Long> outboundResults, Optional<LastFailure> lastFailure,
                            List<SeenCertificate> certificates, ReportsSaid reports) {
    public PartnerRecord {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
        Objects.requireNonNull(lastInbound, "lastInbound");
        Objects.requireNonNull(lastOutbound, "lastOutbound");
        Objects.requireNonNull(inboundIdentity, "inboundIdentity");
        Objects.requireNonNull(lastHelo, "lastHelo");
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
        Map<String, Map<String, Long>> verdicts = new LinkedHashMap<>();
        inboundVerdicts.forEach((rule, counts) -> verdicts.put(rule, Bounded.copy(counts)));
        inboundVerdicts = Bounded.copy(verdicts);
        verifiedConnectors = List.copyOf(verifiedConnectors);
        outboundResults = Bounded.copy(outboundResults);
        Objects.requireNonNull(lastFailure, "lastFailure");
        certificates = List.copyOf(certificates);
        Objects.requireNonNull(reports, "reports");
    }

    /** A partner seen for the first time at {@code at}, nothing recorded yet. */
    static PartnerRecord empty(String domain, Instant at) {
        return new PartnerRecord(domain, at, at, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
            List.of(), Map.of(), List.of(), Map.of(), Optional.empty(), List.of(), ReportsSaid.NONE);
    }

    /** The certificate seen that expires first, if any was seen. */
    public Optional<SeenCertificate> soonestExpiring() {
        return certificates.stream().min(Comparator.comparing(SeenCertificate::notAfter));
    }

    PartnerRecord inbound(InboundSeen seen) {
        Map<String, Map<String, Long>> verdicts = new LinkedHashMap<>(inboundVerdicts);
        String rule = LedgerText.of(seen.rule());
        if (!verdicts.containsKey(rule) && verdicts.size() >= PartnerLedger.MAX_VALUES - 1) {
            rule = Bounded.OTHER;
        }
        verdicts.put(rule, Bounded.increment(verdicts.getOrDefault(rule, Map.of()), LedgerText.of(seen.verdict()),
            PartnerLedger.MAX_VALUES));
        List<String> connectors = seen.verifiedConnector()
            .map(connector -> Bounded.recent(verifiedConnectors, LedgerText.of(connector), PartnerLedger.MAX_VALUES))
            .orElse(verifiedConnectors);
        Optional<LastFailure> failure = seen.violation()
            .map(violation -> new LastFailure(seen.at(), Direction.INBOUND, LedgerText.of(violation.kind()),
                LedgerText.of("rule " + seen.rule() + ": " + violation.reason())))
            .or(() -> lastFailure);
        List<SeenCertificate> seenCertificates = seen.clientCertificate()
            .map(leaf -> withCertificate(SeenCertificate.of(leaf, CertificateSide.CLIENT, seen.verifiedConnector().orElse(seen.rule()),
                seen.certificateCheck(), seen.at())))
            .orElse(certificates);
        return new PartnerRecord(domain, firstSeen, later(lastSeen, seen.at()), Optional.of(seen.at()), lastOutbound,
            Optional.of(seen.identity()), seen.helo().map(LedgerText::of).or(() -> lastHelo),
            seen.protocol().map(p -> Bounded.recent(protocols, LedgerText.of(p), PartnerLedger.MAX_VALUES)).orElse(protocols),
            seen.cipher().map(c -> Bounded.recent(ciphers, LedgerText.of(c), PartnerLedger.MAX_VALUES)).orElse(ciphers),
            verdicts, connectors, outboundResults, failure, seenCertificates, reports);
    }

    PartnerRecord outbound(AttemptRecord attempt, Optional<CertificateFacts> serverCertificate) {
        Instant at = attempt.at();
        Optional<LastFailure> failure = attempt.verdict().delivered() ? lastFailure
            : Optional.of(new LastFailure(at, Direction.OUTBOUND, attempt.verdict().spelling(), LedgerText.of(attempt.summary())));
        List<SeenCertificate> seenCertificates = serverCertificate
            .map(leaf -> withCertificate(SeenCertificate.of(leaf, CertificateSide.SERVER, attempt.mxHost(),
                attempt.verdict().spelling(), at)))
            .orElse(certificates);
        return new PartnerRecord(domain, firstSeen, later(lastSeen, at), lastInbound, Optional.of(at), inboundIdentity, lastHelo,
            attempt.protocol().map(p -> Bounded.recent(protocols, LedgerText.of(p), PartnerLedger.MAX_VALUES)).orElse(protocols),
            attempt.cipher().map(c -> Bounded.recent(ciphers, LedgerText.of(c), PartnerLedger.MAX_VALUES)).orElse(ciphers),
            inboundVerdicts, verifiedConnectors, Bounded.increment(outboundResults, attempt.verdict().spelling(), PartnerLedger.MAX_VALUES),
            failure, seenCertificates, reports);
    }

    PartnerRecord report(ReceivedReport report) {
        return new PartnerRecord(domain, firstSeen, later(lastSeen, report.receivedAt()), lastInbound, lastOutbound, inboundIdentity,
            lastHelo, protocols, ciphers, inboundVerdicts, verifiedConnectors, outboundResults, lastFailure, certificates,
            reports.plus(report));
    }

    /** The certificates with {@code seen} most recent (merged with an earlier sighting), the least recent dropped beyond the cap. */
    private List<SeenCertificate> withCertificate(SeenCertificate seen) {
        List<SeenCertificate> result = new ArrayList<>(certificates.size() + 1);
        SeenCertificate merged = seen;
        for (SeenCertificate known : certificates) {
            if (known.key().equals(seen.key())) {
                merged = known.seenAgain(seen);
            } else {
                result.add(known);
            }
        }
        result.add(merged);
        while (result.size() > PartnerLedger.MAX_CERTIFICATES) {
            result.remove(0);
        }
        return result;
    }

    /**
     * Whether the partner is more than a name a client wrote in {@code MAIL FROM}: we delivered to it (its name comes
     * from our own mail), or its client certificate satisfied a connector's requirement.
     */
    public boolean vouched() {
        return !outboundResults.isEmpty() || !verifiedConnectors.isEmpty();
    }

    private static Instant later(Instant a, Instant b) {
        return b.isAfter(a) ? b : a;
    }
}
