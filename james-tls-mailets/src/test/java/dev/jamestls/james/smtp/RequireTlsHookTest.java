package dev.jamestls.james.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.smtp.SMTPConfigurationImpl;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.SMTPSessionImpl;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jamestls.james.attributes.RequireTlsAttributes;
import dev.jamestls.requiretls.SenderTlsDemand;

/**
 * The hook's translation between James and the REQUIRETLS core, on James's own session object: what each
 * callback leaves on the session and the mail. The dialogue itself is tested against a real James (src-it).
 */
class RequireTlsHookTest {
    static SmtpSessionTlsTest.Counted tls;
    final RequireTlsHook hook = new RequireTlsHook();

    @BeforeAll
    static void handshake() throws Exception {
        tls = SmtpSessionTlsTest.handshake(Optional.empty());
    }

    @Test
    void announcesTheKeywordOnATlsSessionOnly() {
        assertThat(hook.getImplementedEsmtpFeatures(clearText())).isEmpty();
        assertThat(hook.getImplementedEsmtpFeatures(encrypted())).containsExactly("REQUIRETLS");
    }

    @Test
    void answersForEveryCaseSpellingOfTheParameter() {
        assertThat(hook.getMailParamNames()).hasSize(1024).contains("REQUIRETLS", "requiretls", "RequireTls");
    }

    @Test
    void refusesTheParameterInClearTextAndRecordsNothing() throws Exception {
        SMTPSession session = clearText();

        HookResult result = hook.doMailParameter(session, "REQUIRETLS", "");
        hook.onResponse(session, new SMTPResponse("530", "5.7.10 refused"), 0, MAIL);

        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo("530");
        assertThat(result.getSmtpDescription()).isEqualTo("5.7.10 REQUIRETLS is accepted over TLS only; issue STARTTLS first");
        assertThat(demandOn(session, message())).isEmpty();
    }

    @Test
    void keepsTheParameterForTheTransactionOnceJamesAnswersTheMailCommand250() throws Exception {
        SMTPSession session = encrypted();

        requireTlsAnswered(session, "250");

        assertThat(demandOn(session, message())).contains(SenderTlsDemand.REQUIRETLS);
        session.resetState();
        assertThat(demandOn(session, message())).as("after RSET or DATA").isEmpty();
    }

    @Test
    void dropsTheParameterOfAMailCommandJamesRefused() throws Exception {
        SMTPSession session = encrypted();

        requireTlsAnswered(session, "501");
        hook.onResponse(session, new SMTPResponse("250", "2.1.0 Sender <a@b.example> OK"), 0, MAIL);

        assertThat(demandOn(session, message())).isEmpty();
        assertThat(hook.doMailParameter(session, "REQUIRETLS", "")).as("not read as a repetition later")
            .isEqualTo(HookResult.DECLINED);
    }

    @Test
    void aRefusedMailCommandEndsTheFlagOfTheTransactionBeforeIt() throws Exception {
        SMTPSession session = encrypted();
        requireTlsAnswered(session, "250");

        hook.onResponse(session, new SMTPResponse("503", "5.5.0 Sender already specified"), 0, MAIL);
        hook.onResponse(session, new SMTPResponse("250", "2.1.0 Sender <c@d.example> OK"), 0, MAIL);

        assertThat(demandOn(session, message())).isEmpty();
    }

    @Test
    void answersOfOtherCommandsDoNotDecide() throws Exception {
        SMTPSession session = encrypted();

        hook.doMailParameter(session, "REQUIRETLS", "");
        hook.onResponse(session, new SMTPResponse("250", "2.1.5 Recipient OK"), 0, command("RCPT"));
        hook.onResponse(session, new SMTPResponse("250", "2.1.0 Sender <a@b.example> OK"), 0, MAIL);

        assertThat(demandOn(session, message())).contains(SenderTlsDemand.REQUIRETLS);
    }

    @Test
    void refusesAValueAndARepetition() {
        SMTPSession session = encrypted();

        HookResult withValue = hook.doMailParameter(session, "REQUIRETLS", "yes");
        assertThat(hook.doMailParameter(session, "REQUIRETLS", "")).isEqualTo(HookResult.DECLINED);
        HookResult again = hook.doMailParameter(session, "requiretls", "");

        assertThat(List.of(withValue, again)).extracting(HookResult::getSmtpRetCode).containsExactly("501", "501");
        assertThat(withValue.getSmtpDescription()).isEqualTo("5.5.4 REQUIRETLS takes no value (RFC 8689 section 2)");
        assertThat(again.getSmtpDescription()).isEqualTo("5.5.4 REQUIRETLS given more than once");
    }

    @Test
    void recordsTlsRequiredNoWithoutTheParameterAndIgnoresItWithTheParameter() throws Exception {
        SMTPSession withoutParameter = clearText();
        assertThat(demandOn(withoutParameter, message("TLS-Required", "No"))).contains(SenderTlsDemand.TLS_OPTIONAL);
        assertThat(demandOn(withoutParameter, message("TLS-Required", "Yes"))).isEmpty();

        SMTPSession withParameter = encrypted();
        requireTlsAnswered(withParameter, "250");
        assertThat(demandOn(withParameter, message("TLS-Required", "No"))).contains(SenderTlsDemand.REQUIRETLS);
    }

    @Test
    void refusesInitParameters() {
        BaseHierarchicalConfiguration configuration = new BaseHierarchicalConfiguration();
        configuration.addProperty("policyFile", "file://conf/tls-policy.xml");

        assertThatThrownBy(() -> hook.init(configuration)).isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("RequireTlsHook").hasMessageContaining("policyFile");
    }

    /** A MAIL command with REQUIRETLS, which James then answers {@code code}. */
    private void requireTlsAnswered(SMTPSession session, String code) {
        assertThat(hook.doMailParameter(session, "REQUIRETLS", "")).isEqualTo(HookResult.DECLINED);
        hook.onResponse(session, new SMTPResponse(code, "answer"), 0, MAIL);
    }

    private Optional<SenderTlsDemand> demandOn(SMTPSession session, FakeMail mail) {
        assertThat(hook.onMessage(session, mail)).isEqualTo(HookResult.DECLINED);
        return RequireTlsAttributes.demand(mail);
    }

    private static FakeMail message(String... header) throws Exception {
        MimeMessageBuilder builder = MimeMessageBuilder.mimeMessageBuilder().setSubject("hi").setText("body");
        if (header.length == 2) {
            builder.addHeader(header[0], header[1]);
        }
        return FakeMail.builder().name("m").mimeMessage(builder).build();
    }

    private static SMTPSession clearText() {
        return new SMTPSessionImpl(new SmtpSessionTlsTest.SessionOver(null).proxy(), new SMTPConfigurationImpl());
    }

    private static SMTPSession encrypted() {
        return new SMTPSessionImpl(new SmtpSessionTlsTest.SessionOver(tls.session()).proxy(), new SMTPConfigurationImpl());
    }

    private static final CommandHandler<SMTPSession> MAIL = command("MAIL");

    private static CommandHandler<SMTPSession> command(String name) {
        return new CommandHandler<>() {
            @Override
            public Response onCommand(SMTPSession session, Request request) {
                throw new UnsupportedOperationException("only its name is read");
            }

            @Override
            public Collection<String> getImplCommands() {
                return List.of(name);
            }
        };
    }
}
