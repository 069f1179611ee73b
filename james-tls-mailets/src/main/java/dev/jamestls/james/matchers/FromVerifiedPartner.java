package dev.jamestls.james.matchers;

import java.util.Optional;

import org.apache.mailet.Mail;

import dev.jamestls.james.attributes.InboundAttributes;

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
public class FromVerifiedPartner extends ConnectorAttributeMatcher {

    @Override
    Optional<String> connectorOf(Mail mail) {
        return InboundAttributes.verifiedPartner(mail);
    }
}
