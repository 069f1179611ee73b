package dev.jamestls.james.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.jamestls.parameters.MatcherConditions;
import dev.jamestls.parameters.ParameterSpec;


/** A matcher whose condition is a connector name compared with one attribute of the mail. */
abstract class ConnectorAttributeMatcher extends GenericMatcher {
    /** Its condition, as {@code check} knows it. */
    public static final ParameterSpec<String> CONDITION = MatcherConditions.CONNECTOR;
    private String connector;

    /** The connector name the mail carries in this matcher's attribute, if any. */
    abstract Optional<String> connectorOf(Mail mail);

    @Override
    public void init() throws MessagingException {
        connector = Conditions.parse(getClass().getSimpleName(), getCondition(), CONDITION);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return connectorOf(mail).filter(connector::equals).isPresent() ? mail.getRecipients() : List.of();
    }
}
