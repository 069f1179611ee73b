package dev.jamestls.james.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.jamestls.policy.Connector;

/** A matcher whose condition is a connector name compared with one attribute of the mail. */
abstract class ConnectorAttributeMatcher extends GenericMatcher {
    private String connector;

    /** The connector name the mail carries in this matcher's attribute, if any. */
    abstract Optional<String> connectorOf(Mail mail);

    @Override
    public void init() throws MessagingException {
        String condition = Optional.ofNullable(getCondition()).map(String::trim).orElse("");
        try {
            connector = Connector.requireValidName(condition);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("matcher " + getClass().getSimpleName() + ": invalid condition: " + e.getMessage(), e);
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return connectorOf(mail).filter(connector::equals).isPresent() ? mail.getRecipients() : List.of();
    }
}
