package dev.jamestls.james.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.jamestls.james.attributes.InboundAttributes;
import dev.jamestls.policy.Connector;

/**
 * Matches mail whose inbound rule was the named connector (the sender domain
 * belongs to that partner), whatever the verdict. To require that the partner
 * also proved itself with its certificate, use {@code FromVerifiedPartner}.
 *
 * <pre>{@code
 * <mailet match="dev.jamestls.james.matchers.FromPartner=partner-example" class="ToProcessor">
 *   <processor>partner</processor>
 * </mailet>
 * }</pre>
 */
public class FromPartner extends GenericMatcher {
    private String connector;

    @Override
    public void init() throws MessagingException {
        String condition = Optional.ofNullable(getCondition()).map(String::trim).orElse("");
        try {
            connector = Connector.requireValidName(condition);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("matcher FromPartner: invalid condition: " + e.getMessage(), e);
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return InboundAttributes.rule(mail).filter(connector::equals).isPresent() ? mail.getRecipients() : List.of();
    }
}
