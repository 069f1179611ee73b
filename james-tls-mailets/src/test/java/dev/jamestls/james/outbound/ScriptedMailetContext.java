package dev.jamestls.james.outbound;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMailContext;

/**
 * James's mailet context as a delivery sees it: apache-mailet-test's {@link FakeMailContext} records what is
 * sent, and this wrapper refuses what a test names (a DSN, or a hand-off to one processor), as James does when
 * its spool cannot take a mail.
 */
final class ScriptedMailetContext {
    static final String POSTMASTER = "postmaster@james.local";

    private final FakeMailContext recorder;
    private final MailetContext context;
    private Exception dsnRefusal;
    private final Map<String, Exception> processorRefusals = new HashMap<>();

    ScriptedMailetContext() throws Exception {
        recorder = FakeMailContext.builder().postmaster(new MailAddress(POSTMASTER)).build();
        context = (MailetContext) Proxy.newProxyInstance(MailetContext.class.getClassLoader(), new Class<?>[] {MailetContext.class},
            (proxy, method, args) -> {
                refusal(method, args);
                try {
                    return method.invoke(recorder, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }

    MailetContext context() {
        return context;
    }

    /** Every new DSN (a message or a mail sent from the null sender) fails with {@code refusal}. */
    ScriptedMailetContext refuseDsn(Exception refusal) {
        dsnRefusal = refusal;
        return this;
    }

    /** Every mail handed to {@code processor} fails with {@code refusal}. */
    ScriptedMailetContext refuseProcessor(String processor, Exception refusal) {
        processorRefusals.put(processor, refusal);
        return this;
    }

    /** From now on every mail is taken: the spool is back. */
    ScriptedMailetContext acceptAll() {
        dsnRefusal = null;
        processorRefusals.clear();
        return this;
    }

    /** The DSNs sent: new messages (not a mail handed on) from the null sender. */
    List<FakeMailContext.SentMail> dsns() {
        return sent().filter(mail -> mail.getAttributes().containsKey(Mail.SENT_BY_MAILET_ATTRIBUTE.getName())
            && mail.getSender() != null && mail.getSender().isNullSender()).toList();
    }

    /** The mails handed to {@code processor}. */
    List<FakeMailContext.SentMail> handedTo(String processor) {
        return sent().filter(mail -> processor.equals(mail.getState())).toList();
    }

    List<FakeMailContext.SentMail> allSent() {
        return sent().toList();
    }

    private Stream<FakeMailContext.SentMail> sent() {
        return recorder.getSentMails().stream();
    }

    private void refusal(Method method, Object[] args) throws Exception {
        if (!method.getName().equals("sendMail")) {
            return;
        }
        if (dsnRefusal != null && args.length == 3 && args[0] instanceof MailAddress && args[2] instanceof MimeMessage) {
            throw dsnRefusal;
        }
        // A DSN sent as a whole Mail (the one of a REQUIRETLS mail, which carries the demand as an attribute).
        if (dsnRefusal != null && args.length == 1 && args[0] instanceof Mail mail && mail.getMaybeSender().isNullSender()) {
            throw dsnRefusal;
        }
        if (args.length == 2 && args[0] instanceof Mail && args[1] instanceof String processor
            && processorRefusals.containsKey(processor)) {
            throw processorRefusals.get(processor);
        }
    }
}
