package dev.jamestls.james.matchers;

import java.util.Collection;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.jamestls.james.attributes.InboundAttributes;
import dev.jamestls.parameters.MatcherConditions;
import dev.jamestls.parameters.ParameterSpec;

/**
 * Matches mail by the inbound TLS policy verdict recorded when it was
 * received: {@code violation} (in practice: testing-mode violations, since
 * enforced ones are refused in the dialogue) or {@code compliant}. Mail
 * without a verdict matches neither.
 *
 * <pre>{@code
 * <mailet match="dev.jamestls.james.matchers.InboundTlsPolicy=violation" class="ToRepository">
 *   <repositoryPath>file://var/mail/tls-testing-violations/</repositoryPath>
 *   <passThrough>true</passThrough>
 * </mailet>
 * }</pre>
 */
public class InboundTlsPolicy extends GenericMatcher {
    /** Its condition, as {@code check} knows it. */
    public static final ParameterSpec<String> CONDITION = MatcherConditions.VERDICT;
    private String expected;

    @Override
    public void init() throws MessagingException {
        expected = Conditions.parse("InboundTlsPolicy", getCondition(), CONDITION);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return InboundAttributes.verdict(mail).filter(expected::equals).isPresent() ? mail.getRecipients() : List.of();
    }
}
