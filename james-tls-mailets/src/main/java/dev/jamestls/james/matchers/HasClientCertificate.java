package dev.jamestls.james.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.jamestls.james.attributes.TlsAttributes;

/**
 * Matches mail whose SMTP client presented a TLS client certificate. Takes no
 * condition. Whether the certificate belongs to a partner is decided by the
 * partner rules, not here.
 *
 * <pre>{@code
 * <mailet match="dev.jamestls.james.matchers.HasClientCertificate" class="ToRepository">
 *   <repositoryPath>memory://var/mail/client-certificate/</repositoryPath>
 *   <passThrough>true</passThrough>
 * </mailet>
 * }</pre>
 */
public class HasClientCertificate extends GenericMatcher {

    @Override
    public void init() throws MessagingException {
        String condition = Optional.ofNullable(getCondition()).map(String::trim).orElse("");
        if (!condition.isEmpty()) {
            throw new MessagingException("matcher HasClientCertificate: takes no condition, got '" + condition + "'");
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        boolean presented = TlsAttributes.read(mail).map(facts -> !facts.peerChain().isEmpty()).orElse(false);
        return presented ? mail.getRecipients() : List.of();
    }
}
