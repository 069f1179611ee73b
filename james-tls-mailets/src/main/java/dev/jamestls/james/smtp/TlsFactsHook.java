package dev.jamestls.james.smtp;

import java.util.List;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.james.JamesParameters;
import dev.jamestls.james.attributes.TlsAttributes;
import dev.jamestls.parameters.ParameterSpec;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.tls.TlsFacts;

/**
 * Copies the TLS facts of the receiving SMTP session onto every mail as
 * {@code dev.jamestls.tls.*} attributes ({@link TlsAttributes}), before James
 * queues it. Works on James 3.8.1, which sets no TLS attribute itself.
 *
 * <pre>{@code
 * <smtpserver enabled="true">
 *   ...
 *   <handlerchain>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 *     <handler class="dev.jamestls.james.smtp.TlsFactsHook"/>
 *   </handlerchain>
 * </smtpserver>
 * }</pre>
 *
 * Always answers DECLINED: it never accepts or rejects mail.
 */
public class TlsFactsHook implements JamesMessageHook {
    /** It takes no parameters, as {@code check} knows. */
    public static final List<ParameterSpec<?>> PARAMETERS = List.of();
    private static final Logger LOGGER = LoggerFactory.getLogger(TlsFactsHook.class);

    /** Refuses parameters: a misspelt element of another hook placed here is not ignored. */
    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        JamesParameters.ofHook("hook TlsFactsHook", configuration, PARAMETERS);
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        // Computed once per TLS session (SmtpSessionTls), shared by its mails: attributes are immutable.
        SmtpSessionTls.mailAttributes(session).forEach(mail::setAttribute);
        if (LOGGER.isDebugEnabled()) {
            TlsFacts facts = SmtpSessionTls.facts(session);
            LOGGER.debug("session={} mail={} channel={} protocol={} cipher={} clientSubject={} verification={}",
                session.getSessionID(), mail.getName(), facts.channel().spelling(),
                facts.protocol().orElse("-"), facts.cipher().orElse("-"),
                PeerText.escape(facts.peerCertificate().map(c -> c.subject()).orElse("-")),
                SmtpSessionTls.verification(session, facts).spelling());
        }
        return HookResult.DECLINED;
    }
}
