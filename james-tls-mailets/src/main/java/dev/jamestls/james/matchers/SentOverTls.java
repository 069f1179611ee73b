package dev.jamestls.james.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.jamestls.james.attributes.TlsAttributes;
import dev.jamestls.parameters.MatcherConditions;
import dev.jamestls.parameters.ParameterSpec;
import dev.jamestls.tls.TlsFacts;
import dev.jamestls.tls.TlsProtocol;

/**
 * Matches mail that arrived over TLS (STARTTLS or implicit), optionally with
 * at least a given protocol version. Mail without TLS facts (not received by a
 * listener running {@code TlsFactsHook}, e.g. bounces) does not match.
 *
 * <pre>{@code
 * <mailet match="dev.jamestls.james.matchers.SentOverTls" class="ToProcessor">
 *   <processor>tls</processor>
 * </mailet>
 * <mailet match="dev.jamestls.james.matchers.SentOverTls=TLSv1.3" class="ToRepository">
 *   <repositoryPath>memory://var/mail/tls13/</repositoryPath>
 * </mailet>
 * }</pre>
 */
public class SentOverTls extends GenericMatcher {
    /** Its condition, as {@code check} knows it. */
    public static final ParameterSpec<Optional<TlsProtocol>> CONDITION = MatcherConditions.MINIMUM_PROTOCOL;
    private Optional<TlsProtocol> minimum = Optional.empty();

    @Override
    public void init() throws MessagingException {
        minimum = Conditions.parse("SentOverTls", getCondition(), CONDITION);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        Optional<TlsFacts> facts = TlsAttributes.read(mail);
        boolean matches = facts.map(f -> f.isEncrypted() && minimum.map(f::meets).orElse(true)).orElse(false);
        return matches ? mail.getRecipients() : List.of();
    }

    @Override
    public String getMatcherInfo() {
        return "Matches mail received over TLS" + minimum.map(p -> " " + p.jsseName() + " or later").orElse("");
    }
}
