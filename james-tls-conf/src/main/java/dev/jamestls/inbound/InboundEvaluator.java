package dev.jamestls.inbound;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.policy.ClientCertificateRequirement;
import dev.jamestls.policy.Connector;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.InboundRequirement;
import dev.jamestls.policy.InboundResolution;
import dev.jamestls.smtp.SmtpReply;
import dev.jamestls.tls.TlsFacts;
import dev.jamestls.tls.TlsProtocol;

/**
 * Applies an inbound rule to a session. The checks run in a fixed order and
 * the first failure is the verdict:
 * <ol>
 * <li>partner IP ranges: outside → {@code 550 5.7.1} naming the sender domain, not the ranges;</li>
 * <li>TLS required, clear text → {@code 530 5.7.0 Must issue a STARTTLS command first} (RFC 3207 §4);</li>
 * <li>protocol below the rule's minimum → {@code 530 5.7.0} naming both protocols (RFC 8996);</li>
 * <li>client certificate required, none presented → {@code 530 5.7.0};
 *     presented but not the partner's → {@code 550 5.7.1};
 *     revocation unknown under hard-fail → {@code 451 4.7.5} (RFC 3463 X.7.5).</li>
 * </ol>
 * The protocol minimum is checked for rules that require TLS; the defaults'
 * minimum is the listener's job ({@code supportedProtocols}, verified by {@code check}).
 */
public final class InboundEvaluator {
    private final CertificateJudge judge;

    public InboundEvaluator(CertificateJudge judge) {
        this.judge = Objects.requireNonNull(judge, "judge");
    }

    public InboundVerdict evaluate(InboundResolution resolution, InboundSession session) {
        InboundRequirement requirement = resolution.requirement();
        Optional<Violation> violation = ipViolation(resolution, session)
            .or(() -> tlsViolation(resolution, session.facts()))
            .or(() -> protocolViolation(resolution, session.facts()));
        if (violation.isPresent() || requirement.clientCertificate().isEmpty()) {
            return new InboundVerdict(resolution, violation, Optional.empty());
        }
        return certificateVerdict(resolution, requirement.clientCertificate().get(), session);
    }

    /**
     * The first active connector with {@code allowRelay} whose certificate
     * requirement the presented chain satisfies (the hybrid / on-premises case:
     * a verified certificate, not a password, grants relay). Testing-mode
     * connectors never grant relay: a staged rule must not widen access.
     */
    public Optional<String> relayPartner(List<Connector> activeConnectors, InboundSession session) {
        if (session.peerChain().isEmpty() || !session.facts().isEncrypted()) {
            return Optional.empty();
        }
        for (Connector connector : activeConnectors) {
            if (connector.mode() != Mode.ENFORCE || connector.inbound().isEmpty()) {
                continue;
            }
            InboundRequirement requirement = connector.inbound().get().requirement();
            if (!requirement.allowRelay() || requirement.clientCertificate().isEmpty()
                || requirement.excludes(session.clientAddress())
                || !session.facts().meets(requirement.minimumProtocol())) {
                continue;
            }
            if (judge.judge(connector.name(), requirement.clientCertificate().get(), session.peerChain()).accepted()) {
                return Optional.of(connector.name());
            }
        }
        return Optional.empty();
    }

    private static Optional<Violation> ipViolation(InboundResolution resolution, InboundSession session) {
        if (!resolution.requirement().excludes(session.clientAddress())) {
            return Optional.empty();
        }
        String address = session.clientAddress().getHostAddress();
        return Optional.of(new Violation(ViolationKind.IP_NOT_ALLOWED,
            "connector " + resolution.rule() + " accepts mail from " + resolution.senderLabel()
                + " only from its partner IP ranges; client " + address + " is outside them",
            new SmtpReply(SmtpReply.POLICY_REJECTED, SmtpReply.NOT_AUTHORIZED,
                "Mail from " + resolution.senderLabel() + " is not accepted from " + address)));
    }

    private static Optional<Violation> tlsViolation(InboundResolution resolution, TlsFacts facts) {
        if (!resolution.requirement().requireTls() || facts.isEncrypted()) {
            return Optional.empty();
        }
        // RFC 3207 §4: a server that requires TLS answers other commands with 530 5.7.0.
        return Optional.of(new Violation(ViolationKind.TLS_REQUIRED,
            ruleLabel(resolution) + " requires TLS for mail from " + resolution.senderLabel() + "; the session is clear text",
            new SmtpReply(SmtpReply.MUST_ISSUE_STARTTLS, SmtpReply.SECURITY_OTHER,
                SmtpReply.MUST_ISSUE_STARTTLS_TEXT + " (" + ruleLabel(resolution) + " requires TLS for "
                    + resolution.senderLabel() + ")")));
    }

    private static Optional<Violation> protocolViolation(InboundResolution resolution, TlsFacts facts) {
        TlsProtocol minimum = resolution.requirement().minimumProtocol();
        if (!resolution.requirement().requireTls() || !facts.isEncrypted() || facts.meets(minimum)) {
            return Optional.empty();
        }
        String negotiated = facts.protocol().orElse("unknown");
        String text = negotiated + " negotiated, " + ruleLabel(resolution) + " requires " + minimum.jsseName() + " or later";
        return Optional.of(new Violation(ViolationKind.PROTOCOL_TOO_OLD, text,
            new SmtpReply(SmtpReply.MUST_ISSUE_STARTTLS, SmtpReply.SECURITY_OTHER, text)));
    }

    private InboundVerdict certificateVerdict(InboundResolution resolution, ClientCertificateRequirement requirement,
                                              InboundSession session) {
        String expected = "expected a certificate for " + requirement.names().stream()
            .map(Object::toString).collect(java.util.stream.Collectors.joining(", "));
        if (session.peerChain().isEmpty()) {
            return new InboundVerdict(resolution, Optional.of(new Violation(ViolationKind.CERTIFICATE_REQUIRED,
                ruleLabel(resolution) + " requires a client certificate for mail from " + resolution.senderLabel()
                    + "; none was presented (" + expected + ")",
                new SmtpReply(SmtpReply.MUST_ISSUE_STARTTLS, SmtpReply.SECURITY_OTHER,
                    "Client certificate required: " + ruleLabel(resolution) + " requires one for " + resolution.senderLabel()))),
                Optional.empty());
        }
        CertificateJudge.Judgement judgement = judge.judge(resolution.rule(), requirement, session.peerChain());
        if (judgement.accepted()) {
            return new InboundVerdict(resolution, Optional.empty(), Optional.of(resolution.rule()));
        }
        if (judgement.temporary()) {
            return new InboundVerdict(resolution, Optional.of(new Violation(ViolationKind.REVOCATION_UNKNOWN,
                judgement.reason(),
                new SmtpReply(SmtpReply.TEMPORARY_LOCAL_ERROR, SmtpReply.CRYPTOGRAPHIC_FAILURE_TEMPORARY,
                    "Client certificate status unknown, try again later: " + judgement.reason()))),
                Optional.empty());
        }
        return new InboundVerdict(resolution, Optional.of(new Violation(ViolationKind.CERTIFICATE_REJECTED,
            judgement.reason(),
            new SmtpReply(SmtpReply.POLICY_REJECTED, SmtpReply.NOT_AUTHORIZED,
                "Client certificate not accepted for " + resolution.senderLabel() + " by " + ruleLabel(resolution)
                    + ": " + judgement.reason()))),
            Optional.empty());
    }

    private static String ruleLabel(InboundResolution resolution) {
        return resolution.connector().isPresent() ? "connector " + resolution.rule() : "the default rule";
    }
}
