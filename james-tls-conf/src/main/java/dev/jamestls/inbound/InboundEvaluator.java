package dev.jamestls.inbound;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.jamestls.policy.ClientCertificateRequirement;
import dev.jamestls.policy.Connector;
import dev.jamestls.policy.Failure;
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
 *     names with control characters → {@code 550 5.7.1} (malformed, always permanent);
 *     under hard-fail, revocation status unknown or its responders unreachable → {@code 451 4.7.5}
 *     (RFC 3463 X.7.5, always temporary); an internal verification error → {@code 451 4.3.0}
 *     (RFC 3463 X.3.0, always temporary, SPEC §2). Each cause keeps its own {@link ViolationKind}
 *     ({@link ViolationKind#ofCertificate}).</li>
 * </ol>
 * Under the rule's {@code failure="temporary"} the refusals are {@code 451 4.7.0} and
 * {@code 450 4.7.1} instead ({@link ViolationKind}). Replies stay short — the kind, the rule,
 * what it expected and the session id — and within RFC 5321 §4.5.3.1.5's 512 octets; the
 * violation's reason holds the full detail (both sides) for the log and the mail attributes.
 * The protocol minimum is checked for rules that require TLS; the defaults'
 * minimum is the listener's job ({@code supportedProtocols}, verified by {@code check}).
 */
public final class InboundEvaluator {
    /** At most this many of the rule's certificate names are listed in a reply. */
    static final int NAMES_IN_REPLY = 3;

    private final CertificateJudge judge;

    public InboundEvaluator(CertificateJudge judge) {
        this.judge = Objects.requireNonNull(judge, "judge");
    }

    public InboundVerdict evaluate(InboundResolution resolution, InboundSession session) {
        InboundRequirement requirement = resolution.requirement();
        Optional<Violation> violation = ipViolation(resolution, session)
            .or(() -> tlsViolation(resolution, session))
            .or(() -> protocolViolation(resolution, session));
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
        return Optional.of(violation(resolution, session, ViolationKind.IP_NOT_ALLOWED,
            "connector " + resolution.rule() + " accepts mail from " + resolution.senderLabel()
                + " only from its partner IP ranges; client " + address + " is outside them",
            "Mail from " + resolution.senderLabel() + " is not accepted from " + address));
    }

    private static Optional<Violation> tlsViolation(InboundResolution resolution, InboundSession session) {
        if (!resolution.requirement().requireTls() || session.facts().isEncrypted()) {
            return Optional.empty();
        }
        // RFC 3207 §4: a server that requires TLS answers other commands with 530 5.7.0.
        return Optional.of(violation(resolution, session, ViolationKind.TLS_REQUIRED,
            ruleLabel(resolution) + " requires TLS for mail from " + resolution.senderLabel() + "; the session is clear text",
            SmtpReply.MUST_ISSUE_STARTTLS_TEXT + " (" + ruleLabel(resolution) + " requires TLS for " + resolution.senderLabel() + ")"));
    }

    private static Optional<Violation> protocolViolation(InboundResolution resolution, InboundSession session) {
        TlsFacts facts = session.facts();
        TlsProtocol minimum = resolution.requirement().minimumProtocol();
        if (!resolution.requirement().requireTls() || !facts.isEncrypted() || facts.meets(minimum)) {
            return Optional.empty();
        }
        String text = facts.protocol().orElse("unknown") + " negotiated, " + ruleLabel(resolution) + " requires "
            + minimum.jsseName() + " or later";
        return Optional.of(violation(resolution, session, ViolationKind.PROTOCOL_TOO_OLD, text, text));
    }

    private InboundVerdict certificateVerdict(InboundResolution resolution, ClientCertificateRequirement requirement,
                                              InboundSession session) {
        if (session.peerChain().isEmpty()) {
            String expected = "expected a certificate for " + requirement.names().stream()
                .map(Object::toString).collect(Collectors.joining(", "));
            return new InboundVerdict(resolution, Optional.of(violation(resolution, session, ViolationKind.CERTIFICATE_REQUIRED,
                ruleLabel(resolution) + " requires a client certificate for mail from " + resolution.senderLabel()
                    + "; none was presented (" + expected + ")",
                "Client certificate required: " + ruleLabel(resolution) + " requires one for " + resolution.senderLabel())),
                Optional.empty());
        }
        CertificateJudge.Judgement judgement = judge.judge(resolution.rule(), requirement, session.peerChain());
        if (judgement.accepted()) {
            return new InboundVerdict(resolution, Optional.empty(), Optional.of(resolution.rule()));
        }
        ViolationKind kind = ViolationKind.ofCertificate(judgement.kind());
        String outcome = judgement.kind().description();
        String replyText = judgement.temporary()
            ? "Client certificate cannot be verified now for " + resolution.senderLabel() + " by " + ruleLabel(resolution)
                + ": " + outcome + ", try again later"
            : "Client certificate not accepted for " + resolution.senderLabel() + " by " + ruleLabel(resolution)
                + ": " + outcome + "; expected " + names(requirement);
        return new InboundVerdict(resolution, Optional.of(violation(resolution, session, kind, judgement.reason(), replyText)),
            Optional.empty());
    }

    /** The rule's names for a reply: the first few, then how many more (the log has them all). */
    private static String names(ClientCertificateRequirement requirement) {
        List<String> names = requirement.names().stream().map(Object::toString).toList();
        String listed = String.join(", ", names.subList(0, Math.min(NAMES_IN_REPLY, names.size())));
        return names.size() <= NAMES_IN_REPLY ? listed : listed + " and " + (names.size() - NAMES_IN_REPLY) + " more";
    }

    /** A violation whose reply follows the rule's failure mode and names the session (kept when the text is cut). */
    private static Violation violation(InboundResolution resolution, InboundSession session, ViolationKind kind,
                                       String reason, String replyText) {
        Failure failure = resolution.requirement().failure();
        return new Violation(kind, reason, SmtpReply.forSession(kind.code(failure), kind.enhancedStatus(failure), replyText,
            session.sessionId()));
    }

    private static String ruleLabel(InboundResolution resolution) {
        return resolution.connector().isPresent() ? "connector " + resolution.rule() : "the default rule";
    }
}
