package dev.jamestls.james.matchers;

import java.util.Optional;

import org.apache.mailet.Mail;

import dev.jamestls.james.attributes.InboundAttributes;

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
public class FromPartner extends ConnectorAttributeMatcher {

    @Override
    Optional<String> connectorOf(Mail mail) {
        return InboundAttributes.rule(mail);
    }
}
