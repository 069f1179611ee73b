package dev.jamestls.james.smtp;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.EhloExtension;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailParametersHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.james.JamesParameters;
import dev.jamestls.james.attributes.RequireTlsAttributes;
import dev.jamestls.parameters.ParameterSpec;
import dev.jamestls.requiretls.ReceivedDemand;
import dev.jamestls.requiretls.RequireTlsExtension;
import dev.jamestls.requiretls.RequireTlsExtension.ParameterVerdict;
import dev.jamestls.requiretls.SenderTlsDemand;
import dev.jamestls.requiretls.TlsRequiredHeader;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.smtp.SmtpReply;

/**
 * Receives REQUIRETLS (RFC 8689): announces {@code REQUIRETLS} in the EHLO reply of a TLS session, accepts
 * the {@code REQUIRETLS} MAIL FROM parameter there only ({@code 530 5.7.10} in clear text, {@code 501 5.5.4}
 * with a value or twice), and puts the sender's demand on the mail before James queues it
 * ({@link RequireTlsAttributes}: {@code requiretls}, or {@code tls-required-no} for a
 * {@code TLS-Required: No} header on a mail sent without the parameter, §4.1).
 *
 * <pre>{@code
 * <handlerchain>
 *   <handler class="dev.jamestls.james.smtp.RequireTlsHook"/>
 *   ...
 * </handlerchain>
 * }</pre>
 *
 * The parameter belongs to the MAIL command that carried it: it is kept for the transaction only once
 * James answers that command 250, so a MAIL refused later on (a bad address, another hook) leaves nothing
 * for the next one, and RSET or the end of DATA ends it with the transaction.
 */
public class RequireTlsHook implements EhloExtension, MailParametersHook, JamesMessageHook,
    ProtocolHandlerResultHandler<Response, ProtocolSession> {
    /** It takes no parameters, as {@code check} knows. */
    public static final List<ParameterSpec<?>> PARAMETERS = List.of();
    private static final Logger LOGGER = LoggerFactory.getLogger(RequireTlsHook.class);
    private static final String[] SPELLINGS = RequireTlsExtension.spellings().toArray(String[]::new);
    private static final String MAIL_COMMAND = "MAIL";
    /** Client text (a header, a parameter value) shown in a log line at most, then cut. */
    private static final int SHOWN_CHARACTERS = 200;
    /** The parameter was accepted in the MAIL command being answered. */
    private static final ProtocolSession.AttachmentKey<Boolean> IN_COMMAND =
        ProtocolSession.AttachmentKey.of("dev.jamestls.requireTlsInCommand", Boolean.class);
    /** The transaction's MAIL, answered 250, carried the parameter. */
    private static final ProtocolSession.AttachmentKey<Boolean> IN_TRANSACTION =
        ProtocolSession.AttachmentKey.of("dev.jamestls.requireTls", Boolean.class);

    /** Refuses parameters: a misspelt element of another hook placed here is not ignored. */
    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        JamesParameters.ofHook("hook RequireTlsHook", configuration, PARAMETERS);
    }

    @Override
    public List<String> getImplementedEsmtpFeatures(SMTPSession session) {
        return RequireTlsExtension.ehloKeywords(encrypted(session));
    }

    /** Every case spelling: James 3.8.1 looks a parameter without {@code =} up exactly as sent. */
    @Override
    public String[] getMailParamNames() {
        return SPELLINGS.clone();
    }

    @Override
    public HookResult doMailParameter(SMTPSession session, String paramName, String paramValue) {
        boolean again = session.getAttachment(IN_COMMAND, ProtocolSession.State.Transaction).isPresent();
        ParameterVerdict verdict = RequireTlsExtension.judge(encrypted(session), paramValue == null ? "" : paramValue, again);
        Optional<SmtpReply> refusal = verdict.refusal();
        if (refusal.isEmpty()) {
            session.setAttachment(IN_COMMAND, Boolean.TRUE, ProtocolSession.State.Transaction);
            return HookResult.DECLINED;
        }
        LOGGER.info("requiretls session={}: MAIL FROM parameter {}{} refused: {}", session.getSessionID(),
            PeerText.escape(paramName), paramValue == null || paramValue.isEmpty() ? "" : "=" + shown(paramValue),
            refusal.get());
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(String.valueOf(refusal.get().code()))
            .smtpDescription(refusal.get().description())
            .build();
    }

    /**
     * The answer to every MAIL command decides: the transaction carries REQUIRETLS when the answer is 250 to
     * a command with the parameter, and not after any other answer (James keeps its other transaction state
     * after a refused MAIL, but not the sender).
     */
    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
        if (handler instanceof CommandHandler<?> command && command.getImplCommands().contains(MAIL_COMMAND)) {
            boolean carried = session.removeAttachment(IN_COMMAND, ProtocolSession.State.Transaction).isPresent();
            if (carried && SMTPRetCode.MAIL_OK.equals(response.getRetCode())) {
                session.setAttachment(IN_TRANSACTION, Boolean.TRUE, ProtocolSession.State.Transaction);
            } else {
                // A new transaction without the parameter, or a refused MAIL, after which James drops the
                // transaction's sender too (a second MAIL answered 503 included).
                session.removeAttachment(IN_TRANSACTION, ProtocolSession.State.Transaction);
            }
        }
        return response;
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        boolean parameter = session.getAttachment(IN_TRANSACTION, ProtocolSession.State.Transaction).isPresent();
        List<String> values = headerValues(session, mail);
        ReceivedDemand received = new ReceivedDemand(parameter, TlsRequiredHeader.read(values));
        received.demand().ifPresent(demand -> RequireTlsAttributes.set(mail, demand));
        if (received.demand().isPresent() || !values.isEmpty()) {
            LOGGER.info("requiretls session={} mail={}: REQUIRETLS parameter {}, {} header {} ({}){}: recorded {}",
                session.getSessionID(), mail.getName(), parameter ? "given" : "not given", TlsRequiredHeader.FIELD,
                shown(String.join(" | ", values)), received.header().name().toLowerCase(Locale.ROOT),
                received.headerIgnored() ? ", ignored under REQUIRETLS" : "",
                received.demand().map(SenderTlsDemand::spelling).orElse("nothing"));
        }
        return HookResult.DECLINED;
    }

    /** The values of the mail's {@code TLS-Required} fields; none when the message cannot be read (nothing is relaxed). */
    private static List<String> headerValues(SMTPSession session, Mail mail) {
        try {
            String[] values = mail.getMessage().getHeader(TlsRequiredHeader.FIELD);
            return values == null ? List.of() : Arrays.asList(values);
        } catch (MessagingException | RuntimeException e) {
            LOGGER.warn("requiretls session={} mail={}: cannot read the {} header; read as absent: {}", session.getSessionID(),
                mail.getName(), TlsRequiredHeader.FIELD, PeerText.escape(e));
            return List.of();
        }
    }

    private static boolean encrypted(SMTPSession session) {
        return SmtpSessionTls.facts(session).channel().isEncrypted();
    }

    private static String shown(String text) {
        String cut = text.length() <= SHOWN_CHARACTERS ? text : text.substring(0, SHOWN_CHARACTERS) + "...";
        return "'" + PeerText.escape(cut) + "'";
    }
}
