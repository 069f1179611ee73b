package dev.jamestls.james.mailets;

import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeUtility;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.jamestls.james.attributes.ClientVerification;
import dev.jamestls.james.attributes.InboundAttributes;
import dev.jamestls.james.attributes.TlsAttributes;
import dev.jamestls.parameters.ConfiguredParameters;
import dev.jamestls.parameters.HeaderParameters;
import dev.jamestls.parameters.ParameterSpec;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.tls.TlsFacts;

/**
 * Adds a header summarising the TLS facts of the session the mail arrived on:
 *
 * <pre>
 * X-James-TLS: channel=starttls; protocol=TLSv1.3; cipher=TLS_AES_256_GCM_SHA384;
 *  client-certificate=present; listener-verification=none; rule=partner-example;
 *  rule-verification=verified
 * </pre>
 *
 * Two verifications are told apart: {@code listener-verification} is what the
 * listener's TLS did with the certificate ({@code verified}: James's
 * {@code <clientAuth>} required it and its trust store accepted it; {@code none}:
 * the listener only asked for it), {@code rule-verification} what the inbound rule
 * that applied ({@code rule}, a connector or {@code defaults}) decided
 * ({@code dev.jamestls.inbound.certificateCheck}: {@code verified}, {@code rejected},
 * {@code unknown}, {@code error}, {@code missing}, {@code not-checked}, {@code not-required}); it
 * is absent when no inbound rule was applied.
 *
 * The client certificate's subject and issuer identify the sending server and
 * are privacy-sensitive, so they are only added with
 * {@code includeClientIdentity=true}; control characters in them are escaped
 * ({@link PeerText}). Mail without TLS facts (e.g. bounces) gets no header.
 *
 * <pre>{@code
 * <mailet match="All" class="dev.jamestls.james.mailets.AddTlsHeader">
 *   <header>X-James-TLS</header>                      <!-- default -->
 *   <includeClientIdentity>false</includeClientIdentity> <!-- default -->
 * </mailet>
 * }</pre>
 */
public class AddTlsHeader extends GenericMailet {
    /** Its init parameters, as {@code check} knows them. */
    public static final List<ParameterSpec<?>> PARAMETERS = HeaderParameters.ALL;

    private Settings settings;

    private record Settings(String header, boolean includeClientIdentity) {
    }

    @Override
    public void init() throws MessagingException {
        try {
            ConfiguredParameters parameters = ConfiguredParameters.of("mailet AddTlsHeader", getInitParameterNames(),
                this::getInitParameter, PARAMETERS);
            settings = new Settings(parameters.value(HeaderParameters.HEADER), parameters.value(HeaderParameters.INCLUDE_CLIENT_IDENTITY));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(e.getMessage(), e);
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<TlsFacts> facts = TlsAttributes.read(mail);
        if (facts.isEmpty()) {
            return;
        }
        ClientVerification verification = TlsAttributes.verification(mail).orElse(ClientVerification.NONE);
        Optional<RuleVerification> rule = InboundAttributes.rule(mail)
            .flatMap(name -> InboundAttributes.certificateCheck(mail).map(check -> new RuleVerification(name, check)));
        String value = summary(facts.get(), verification, rule, settings.includeClientIdentity());
        mail.getMessage().setHeader(settings.header(), MimeUtility.fold(settings.header().length() + 2, value));
        mail.getMessage().saveChanges();
    }

    /** The inbound rule that applied and what it decided about the client certificate. */
    record RuleVerification(String rule, String certificateCheck) {
    }

    /** The header value; pure so it can be tested and reused. */
    static String summary(TlsFacts facts, ClientVerification verification, Optional<RuleVerification> rule,
                          boolean includeClientIdentity) {
        StringBuilder value = new StringBuilder("channel=").append(facts.channel().spelling());
        facts.protocol().ifPresent(protocol -> value.append("; protocol=").append(protocol));
        facts.cipher().ifPresent(cipher -> value.append("; cipher=").append(cipher));
        if (facts.isEncrypted()) {
            value.append("; client-certificate=").append(facts.peerChain().isEmpty() ? "none" : "present");
            if (!facts.peerChain().isEmpty()) {
                value.append("; listener-verification=").append(verification == ClientVerification.LISTENER ? "verified" : "none");
            }
            rule.ifPresent(applied -> value.append("; rule=").append(applied.rule())
                .append("; rule-verification=").append(applied.certificateCheck()));
            if (includeClientIdentity) {
                facts.peerCertificate().ifPresent(leaf -> value
                    .append("; client-subject=").append(quoted(leaf.subject()))
                    .append("; client-issuer=").append(quoted(leaf.issuer())));
            }
        }
        return value.toString();
    }

    private static String quoted(String text) {
        return '"' + PeerText.escape(text).replace("\"", "\\\"") + '"';
    }

    @Override
    public String getMailetInfo() {
        return "Adds a header summarising the TLS facts of the receiving SMTP session";
    }
}
