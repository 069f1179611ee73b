package dev.jamestls.outbound;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.smtp.PeerReply;
import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.verify.TlsRptResultType;

/**
 * One attempt to one host, as logged, counted and put on the mail (SPEC §1.6; the fields a
 * TLS report, RFC 8460 §4.4, needs).
 *
 * @param at when the attempt started
 * @param domain the recipient domain
 * @param rule the rule's name ({@code defaults}, a connector, a table line)
 * @param ruleKind connector, domain table or defaults
 * @param mode enforce or testing
 * @param level the rule's level
 * @param mxHost the host connected to
 * @param port the port
 * @param ip the address, empty when none was reached
 * @param startTlsOffered whether EHLO listed STARTTLS
 * @param tlsStage how far TLS got
 * @param protocol negotiated protocol
 * @param cipher negotiated cipher suite
 * @param peerSubject the leaf's subject DN
 * @param peerIssuer the leaf's issuer DN
 * @param peerSpkiPin the leaf's SPKI SHA-256 pin (RFC 7469 §2.4)
 * @param verdict the classification
 * @param resultType the RFC 8460 result type of a shortfall
 * @param reason both sides, one line
 * @param refusedRecipients the recipients the peer refused at RCPT (per-recipient results, RFC 5321 §3.3)
 * @param peerReply the peer's refusal of the transaction (MAIL, RCPT of every recipient, DATA), as values
 * @param source which policy decided the host's plan: connector, DANE, MTA-STS or defaults
 * @param sendingIp our address on the connection (RFC 8460 §4.4 {@code sending-mta-ip}), empty when none was made
 * @param senderDemand what the sender's own TLS demand on the message (RFC 8689 REQUIRETLS, {@code TLS-Required: No})
 *     made of this attempt; empty when the sender demanded nothing
 */
public record AttemptRecord(Instant at, String domain, String rule, RuleKind ruleKind, Mode mode, OutboundLevel level,
                            String mxHost, int port, Optional<String> ip, boolean startTlsOffered, TlsStage tlsStage,
                            Optional<String> protocol, Optional<String> cipher, Optional<String> peerSubject,
                            Optional<String> peerIssuer, Optional<String> peerSpkiPin, AttemptVerdict verdict,
                            Optional<TlsRptResultType> resultType, String reason, List<RecipientRefusal> refusedRecipients,
                            Optional<PeerReply> peerReply, PolicySource source, Optional<String> sendingIp,
                            Optional<SenderDemandOutcome> senderDemand) {
    public AttemptRecord {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(ruleKind, "ruleKind");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(mxHost, "mxHost");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(tlsStage, "tlsStage");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipher, "cipher");
        Objects.requireNonNull(peerSubject, "peerSubject");
        Objects.requireNonNull(peerIssuer, "peerIssuer");
        Objects.requireNonNull(peerSpkiPin, "peerSpkiPin");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(reason, "reason");
        refusedRecipients = List.copyOf(refusedRecipients);
        Objects.requireNonNull(peerReply, "peerReply");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sendingIp, "sendingIp");
        Objects.requireNonNull(senderDemand, "senderDemand");
    }

    /** A record without our own address, of a mail whose sender demanded nothing of TLS. */
    public AttemptRecord(Instant at, String domain, String rule, RuleKind ruleKind, Mode mode, OutboundLevel level,
                         String mxHost, int port, Optional<String> ip, boolean startTlsOffered, TlsStage tlsStage,
                         Optional<String> protocol, Optional<String> cipher, Optional<String> peerSubject,
                         Optional<String> peerIssuer, Optional<String> peerSpkiPin, AttemptVerdict verdict,
                         Optional<TlsRptResultType> resultType, String reason, List<RecipientRefusal> refusedRecipients,
                         Optional<PeerReply> peerReply, PolicySource source) {
        this(at, domain, rule, ruleKind, mode, level, mxHost, port, ip, startTlsOffered, tlsStage, protocol, cipher, peerSubject,
            peerIssuer, peerSpkiPin, verdict, resultType, reason, refusedRecipients, peerReply, source, Optional.empty());
    }

    /** A record of a mail whose sender demanded nothing of TLS. */
    public AttemptRecord(Instant at, String domain, String rule, RuleKind ruleKind, Mode mode, OutboundLevel level,
                         String mxHost, int port, Optional<String> ip, boolean startTlsOffered, TlsStage tlsStage,
                         Optional<String> protocol, Optional<String> cipher, Optional<String> peerSubject,
                         Optional<String> peerIssuer, Optional<String> peerSpkiPin, AttemptVerdict verdict,
                         Optional<TlsRptResultType> resultType, String reason, List<RecipientRefusal> refusedRecipients,
                         Optional<PeerReply> peerReply, PolicySource source, Optional<String> sendingIp) {
        this(at, domain, rule, ruleKind, mode, level, mxHost, port, ip, startTlsOffered, tlsStage, protocol, cipher, peerSubject,
            peerIssuer, peerSpkiPin, verdict, resultType, reason, refusedRecipients, peerReply, source, sendingIp, Optional.empty());
    }

    /** An attempt under the rule itself (a connector, a table entry or the defaults decided). */
    public static AttemptRecord of(Instant at, OutboundResolution resolution, TlsPlan plan, DeliveryTarget target,
                                   AttemptObservation seen, AttemptClassification classification) {
        return of(at, resolution, PolicySource.of(resolution.kind()), plan, target, seen, classification);
    }

    /**
     * A host that was not connected to because a published policy forbids it (DNSSEC failed, DANE required, no
     * MX matching an MTA-STS policy): no byte was sent.
     */
    public static AttemptRecord notAttempted(Instant at, OutboundResolution resolution, PolicySource source, OutboundLevel level,
                                             DeliveryTarget target, TlsRptResultType type, String reason) {
        return new AttemptRecord(at, resolution.recipientDomain().ascii(), resolution.rule(), resolution.kind(),
            resolution.mode(), level, target.host().ascii(), target.port(), Optional.empty(), false, TlsStage.NOT_ATTEMPTED,
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            AttemptVerdict.TLS_NOT_SECURED, Optional.of(type), reason, List.of(), Optional.empty(), source);
    }

    /**
     * A host not connected to because its plan cannot meet the sender's REQUIRETLS (RFC 8689 §4.2.1: the server must be
     * authenticated): no byte was sent.
     */
    public static AttemptRecord withheld(Instant at, OutboundResolution resolution, PolicySource source, TlsPlan plan,
                                         DeliveryTarget target, String reason) {
        return new AttemptRecord(at, resolution.recipientDomain().ascii(), resolution.rule(), resolution.kind(),
            resolution.mode(), plan.level(), target.host().ascii(), target.port(), Optional.empty(), false, TlsStage.NOT_ATTEMPTED,
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            AttemptVerdict.REQUIRETLS_NOT_MET, Optional.empty(), reason, List.of(), Optional.empty(), source, Optional.empty(),
            Optional.of(SenderDemandOutcome.REQUIRETLS_UNAUTHENTICATED));
    }

    /** The same attempt with what the sender's TLS demand made of it. */
    public AttemptRecord withSenderDemand(SenderDemandOutcome outcome) {
        return new AttemptRecord(at, domain, rule, ruleKind, mode, level, mxHost, port, ip, startTlsOffered, tlsStage, protocol,
            cipher, peerSubject, peerIssuer, peerSpkiPin, verdict, resultType, reason, refusedRecipients, peerReply, source,
            sendingIp, Optional.of(outcome));
    }

    public static AttemptRecord of(Instant at, OutboundResolution resolution, PolicySource source, TlsPlan plan,
                                   DeliveryTarget target, AttemptObservation seen, AttemptClassification classification) {
        Optional<CertificateFacts> leaf = seen.certificate().flatMap(outcome -> outcome.leaf());
        return new AttemptRecord(at, resolution.recipientDomain().ascii(), resolution.rule(), resolution.kind(),
            resolution.mode(), plan.level(), target.host().ascii(), target.port(), seen.ip(), seen.startTlsOffered(),
            seen.stage(), seen.protocol(), seen.cipher(), leaf.map(CertificateFacts::subject),
            leaf.map(CertificateFacts::issuer), leaf.map(CertificateFacts::spkiSha256), classification.verdict(),
            classification.resultType(), classification.reason(), seen.transaction().refused(), seen.transaction().reply(), source,
            seen.localIp(), Optional.empty());
    }

    /** Field names and values in a fixed order, for a structured log line. */
    public Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("domain", domain);
        fields.put("rule", rule);
        fields.put("ruleKind", ruleKind.spelling());
        fields.put("mode", mode.spelling());
        fields.put("source", source.spelling());
        fields.put("level", level.spelling());
        fields.put("mx", mxHost);
        fields.put("port", String.valueOf(port));
        fields.put("ip", ip.orElse("-"));
        fields.put("starttlsOffered", String.valueOf(startTlsOffered));
        fields.put("tls", tlsStage.spelling());
        fields.put("protocol", protocol.orElse("-"));
        fields.put("cipher", cipher.orElse("-"));
        fields.put("peerSubject", peerSubject.orElse("-"));
        fields.put("peerIssuer", peerIssuer.orElse("-"));
        fields.put("peerSpki", peerSpkiPin.orElse("-"));
        fields.put("verdict", verdict.spelling());
        fields.put("resultType", resultType.map(TlsRptResultType::spelling).orElse("-"));
        senderDemand.ifPresent(outcome -> fields.put("senderDemand", outcome.spelling()));
        fields.put("reason", reason);
        if (!refusedRecipients.isEmpty()) {
            fields.put("refused", refusedRecipients.stream().map(RecipientRefusal::toString).collect(java.util.stream.Collectors.joining("; ")));
        }
        return fields;
    }

    /** {@code key=value} pairs, values with spaces quoted: one log line. */
    public String logLine() {
        StringBuilder line = new StringBuilder("outbound-tls");
        fields().forEach((key, value) -> {
            line.append(' ').append(key).append('=');
            if (value.isEmpty() || value.contains(" ") || value.contains("\"")) {
                line.append('"').append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                line.append(value);
            }
        });
        return line.toString();
    }

    /** {@code mx.example:25 [127.0.0.1]: certificate-expired: reason}. */
    public String summary() {
        return mxHost + ":" + port + ip.map(address -> " [" + address + "]").orElse("") + ": "
            + resultType.map(type -> type.spelling() + ": ").orElse(verdict.spelling() + ": ") + reason;
    }
}
