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
 * Matches mail whose SMTP client proved, with its TLS client certificate,
 * that it is the named connector's partner (the certificate satisfied the
 * connector's requirement: chain, names, issuer, pins, revocation).
 *
 * <pre>{@code
 * <mailet match="dev.jamestls.james.matchers.FromVerifiedPartner=onprem-example" class="ToProcessor">
 *   <processor>transport</processor>
 * </mailet>
 * }</pre>
 */
public class FromVerifiedPartner extends GenericMatcher {
    private String connector;

    @Override
    public void init() throws MessagingException {
        String condition = Optional.ofNullable(getCondition()).map(String::trim).orElse("");
        try {
            connector = Connector.requireValidName(condition);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("matcher FromVerifiedPartner: invalid condition: " + e.getMessage(), e);
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return InboundAttributes.verifiedPartner(mail).filter(connector::equals).isPresent() ? mail.getRecipients() : List.of();
    }
}
