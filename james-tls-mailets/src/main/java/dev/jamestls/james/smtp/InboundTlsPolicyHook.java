package dev.jamestls.james.smtp;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HeloHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.inbound.InboundSession;
import dev.jamestls.inbound.InboundVerdict;
import dev.jamestls.james.InboundDecisionMetrics;
import dev.jamestls.james.InboundPolicyRuntime;
import dev.jamestls.james.JamesParameters;
import dev.jamestls.james.attributes.InboundAttributes;
import dev.jamestls.james.ledger.SharedLedger;
import dev.jamestls.ledger.InboundSeen;
import dev.jamestls.parameters.ConfiguredParameters;
import dev.jamestls.parameters.InboundParameters;
import dev.jamestls.parameters.ParameterSpec;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.smtp.SmtpReply;

/**
 * Applies the inbound part of the TLS policy in the SMTP dialogue: at
 * {@code MAIL FROM} (sender domain known) and, for the null sender, at the
 * first {@code RCPT TO}. A violation of an enforced rule is refused with the
 * reply the core chose ({@code 530 5.7.0}, {@code 550 5.7.1}, {@code 451 4.7.5}, {@code 451 4.3.0}, or under the
 * connector's {@code failure="temporary"} {@code 451 4.7.0}, {@code 450 4.7.1});
 * otherwise the hook answers DECLINED so James's own checks (relay,
 * recipients) still run — never OK. Every accepted mail carries the verdict
 * ({@link InboundAttributes}). Every decision about a sender with a domain is recorded in the partner ledger
 * ({@link SharedLedger}) under that domain, with the session's protocol, cipher, client certificate and EHLO name.
 *
 * <pre>{@code
 * <handlerchain>
 *   <handler class="dev.jamestls.james.smtp.TlsFactsHook"/>
 *   <handler class="dev.jamestls.james.smtp.InboundTlsPolicyHook">
 *     <policyFile>file://conf/tls-policy.xml</policyFile>   <!-- default -->
 *     <trustAnchors>file://conf/partner-cas.pem</trustAnchors> <!-- optional, re-read when it changes; default: the JDK's -->
 *   </handler>
 * </handlerchain>
 * }</pre>
 */
public class InboundTlsPolicyHook implements HeloHook, MailHook, RcptHook, JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(InboundTlsPolicyHook.class);
    /** Its init parameters, as {@code check} knows them. */
    public static final List<ParameterSpec<?>> PARAMETERS = InboundParameters.HOOK;
    private static final String COMPONENT = "hook InboundTlsPolicyHook";
    private static final ProtocolSession.AttachmentKey<InboundVerdict> VERDICT =
        ProtocolSession.AttachmentKey.of("dev.jamestls.inboundVerdict", InboundVerdict.class);
    private static final ProtocolSession.AttachmentKey<RelayDecision> RELAY =
        ProtocolSession.AttachmentKey.of("dev.jamestls.relayPartner", RelayDecision.class);

    /** The relay decision of one TLS session (it survives RSET; a new handshake decides again). */
    private record RelayDecision(javax.net.ssl.SSLSession tls, Optional<String> partner) {
    }
    private static final String INTERNAL_ERROR_TEXT = "Temporary local problem evaluating the TLS policy, try again later";

    private final FileSystem fileSystem;
    private final InboundDecisionMetrics metrics;
    private final SharedLedger ledger;
    private InboundPolicyRuntime runtime;

    @Inject
    public InboundTlsPolicyHook(FileSystem fileSystem, MetricFactory metrics, SharedLedger ledger) {
        this.fileSystem = fileSystem;
        this.metrics = new InboundDecisionMetrics(metrics);
        this.ledger = ledger;
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        try {
            ConfiguredParameters parameters = JamesParameters.ofHandler(COMPONENT, configuration, PARAMETERS);
            String policyLocation = parameters.value(InboundParameters.POLICY_FILE);
            Optional<String> anchorsLocation = parameters.optional(InboundParameters.TRUST_ANCHORS);
            Path policyFile = resolve(InboundParameters.POLICY_FILE, policyLocation);
            Optional<Path> anchors = anchorsLocation.map(location -> resolve(InboundParameters.TRUST_ANCHORS, location));
            try {
                runtime = InboundPolicyRuntime.forFiles(policyFile, anchors);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(COMPONENT + ": " + e.getMessage(), e);
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    @Override
    public void destroy() {
        if (runtime != null) {
            runtime.release();
            runtime = null;
        }
    }

    private Path resolve(ParameterSpec<?> spec, String location) {
        return JamesParameters.resolve(fileSystem, COMPONENT, spec.name(), location);
    }

    /**
     * After STARTTLS the client says EHLO again: a certificate that verifies for an
     * {@code allowRelay} connector grants relay from here on, before any MAIL or RCPT
     * (James's relay check runs at RCPT, also for the null sender).
     */
    @Override
    public HookResult doHelo(SMTPSession session, String helo) {
        try {
            grantRelayToVerifiedPartner(session, SmtpSessionTls.inboundSession(session));
        } catch (RuntimeException e) {
            // No relay is granted; MAIL/RCPT will be judged normally.
            LOGGER.error("inbound-tls session={}: relay check of the client certificate failed", session.getSessionID(),
                PeerText.escape(e));
        }
        return HookResult.DECLINED;
    }

    /**
     * Every MAIL starts a fresh judgement: whatever an earlier MAIL of the session left
     * (refused or not) is dropped first, so a verdict never outlives the command that earned it.
     */
    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        session.removeAttachment(VERDICT, ProtocolSession.State.Transaction);
        if (sender.isNullSender()) {
            // The null sender has no domain: decided at the first RCPT TO.
            return HookResult.DECLINED;
        }
        return decide(session, sender.get().getDomain().asString());
    }

    /**
     * The verdict of this transaction's MAIL, or for the null sender the one the first RCPT
     * reached: a refusing verdict refuses every RCPT of the transaction, not only the first.
     */
    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress recipient) {
        Optional<InboundVerdict> decided = session.getAttachment(VERDICT, ProtocolSession.State.Transaction);
        if (decided.isPresent()) {
            return decided.get().rejects() ? reply(decided.get().violation().orElseThrow().reply()) : HookResult.DECLINED;
        }
        return decide(session, sender.asOptional().map(address -> address.getDomain().asString()).orElse(null));
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        session.getAttachment(VERDICT, ProtocolSession.State.Transaction)
            .ifPresent(verdict -> InboundAttributes.set(mail, verdict));
        return HookResult.DECLINED;
    }

    private HookResult decide(SMTPSession session, String senderDomain) {
        try {
            InboundSession inbound = SmtpSessionTls.inboundSession(session);
            InboundVerdict verdict = runtime.decide(runtime.resolve(senderDomain), inbound, metrics);
            if (senderDomain != null) {
                record(session, senderDomain, inbound, verdict);
            }
            // James keeps a refused MAIL's transaction state: only a sender that is let through (or
            // the null sender, whose refusals repeat at each RCPT) leaves its verdict for RCPT and DATA.
            if (!verdict.rejects() || senderDomain == null) {
                session.setAttachment(VERDICT, verdict, ProtocolSession.State.Transaction);
            }
            grantRelayToVerifiedPartner(session, inbound);
            if (!verdict.rejects()) {
                return HookResult.DECLINED;
            }
            return reply(verdict.violation().orElseThrow().reply());
        } catch (RuntimeException e) {
            // SPEC §2: an unexpected failure in our code is temporary, never a bounce or a silent accept.
            SmtpReply internalError = SmtpReply.forSession(SmtpReply.TEMPORARY_LOCAL_ERROR, SmtpReply.MAIL_SYSTEM_OTHER_TEMPORARY,
                INTERNAL_ERROR_TEXT, session.getSessionID());
            LOGGER.error("inbound-tls session={} sender domain {}: policy evaluation failed; answering {}",
                session.getSessionID(), PeerText.escape(senderDomain), internalError, PeerText.escape(e));
            return reply(internalError);
        }
    }

    /**
     * Records the decision in the partner ledger under the sender domain (the partner the rule was resolved for);
     * the null sender names no partner and is not recorded.
     */
    private void record(SMTPSession session, String senderDomain, InboundSession inbound, InboundVerdict verdict) {
        ledger.record("inbound session " + session.getSessionID(), partners -> partners.inbound(new InboundSeen(Instant.now(),
            senderDomain, verdict.rule(), verdict.verdictName(),
            verdict.violation().map(violation -> new InboundSeen.Violation(violation.kind().spelling(), violation.reason())),
            inbound.facts().protocol(), inbound.facts().cipher(), inbound.facts().peerCertificate(),
            verdict.certificateCheck().spelling(), verdict.verifiedPartner(),
            session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection))));
    }

    private void grantRelayToVerifiedPartner(SMTPSession session, InboundSession inbound) {
        if (inbound.peerChain().isEmpty()) {
            return;
        }
        Optional<javax.net.ssl.SSLSession> tls = session.getSSLSession();
        if (tls.isEmpty()) {
            return;
        }
        RelayDecision decision = session.getAttachment(RELAY, ProtocolSession.State.Connection)
            .filter(cached -> cached.tls() == tls.get())
            .orElseGet(() -> {
                RelayDecision fresh = new RelayDecision(tls.get(), runtime.relayPartner(inbound));
                session.setAttachment(RELAY, fresh, ProtocolSession.State.Connection);
                return fresh;
            });
        if (decision.partner().isPresent()) {
            // James's relay check (at RCPT) reads this flag, as it does for SMTP AUTH.
            session.setRelayingAllowed(true);
        }
    }

    private static HookResult reply(SmtpReply reply) {
        return HookResult.builder()
            .hookReturnCode(reply.isTemporary() ? HookReturnCode.denySoft() : HookReturnCode.deny())
            .smtpReturnCode(String.valueOf(reply.code()))
            .smtpDescription(reply.description())
            .build();
    }
}
