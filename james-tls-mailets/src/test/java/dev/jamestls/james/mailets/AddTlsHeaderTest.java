package dev.jamestls.james.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.james.TestFacts;
import dev.jamestls.james.attributes.ClientVerification;
import dev.jamestls.james.attributes.InboundAttributes;
import dev.jamestls.james.attributes.TlsAttributes;
import dev.jamestls.tls.TlsFacts;

class AddTlsHeaderTest {

    private static AddTlsHeader mailet(String... keyValues) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("AddTlsHeader");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.setProperty(keyValues[i], keyValues[i + 1]);
        }
        AddTlsHeader mailet = new AddTlsHeader();
        mailet.init(config.build());
        return mailet;
    }

    private static FakeMail mail(TlsFacts facts, ClientVerification verification) throws MessagingException {
        FakeMail mail = FakeMail.builder().name("m")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("hi").setText("body"))
            .recipient("user@james.local").build();
        if (facts != null) {
            TlsAttributes.set(mail, facts, verification);
        }
        return mail;
    }

    @Test
    void summarisesStartTlsSessionWithoutClientIdentityByDefault() throws Exception {
        FakeMail mail = mail(TestFacts.withPartnerCertificate(), ClientVerification.LISTENER);

        mailet().service(mail);

        assertThat(mail.getMessage().getHeader("X-James-TLS", null).replaceAll("\r\n\\s", " "))
            .isEqualTo("channel=implicit; protocol=TLSv1.3; cipher=TLS_AES_128_GCM_SHA256; "
                + "client-certificate=present; listener-verification=verified");
    }

    @ParameterizedTest(name = "{0}, rule says {2}")
    @CsvSource({
        "LISTENER,   partner-example, verified,     listener-verification=verified; rule=partner-example; rule-verification=verified",
        "UNVERIFIED, partner-example, verified,     listener-verification=none; rule=partner-example; rule-verification=verified",
        "UNVERIFIED, partner-example, rejected,     listener-verification=none; rule=partner-example; rule-verification=rejected",
        "UNVERIFIED, defaults,        not-required, listener-verification=none; rule=defaults; rule-verification=not-required",
    })
    void tellsWhatTheListenerDidApartFromWhatTheRuleDecided(ClientVerification listener, String rule, String check, String expected)
        throws Exception {
        FakeMail mail = mail(TestFacts.withPartnerCertificate(), listener);
        mail.setAttribute(new org.apache.mailet.Attribute(InboundAttributes.RULE, org.apache.mailet.AttributeValue.of(rule)));
        mail.setAttribute(new org.apache.mailet.Attribute(InboundAttributes.CERTIFICATE_CHECK, org.apache.mailet.AttributeValue.of(check)));

        mailet().service(mail);

        assertThat(mail.getMessage().getHeader("X-James-TLS", null).replaceAll("\r\n\\s", " "))
            .endsWith("client-certificate=present; " + expected);
    }

    @Test
    void escapesControlCharactersOfAClientIdentity() {
        TlsFacts facts = TestFacts.withPartnerCertificate();
        dev.jamestls.tls.CertificateFacts leaf = facts.peerCertificate().orElseThrow();
        dev.jamestls.tls.CertificateFacts hostile = new dev.jamestls.tls.CertificateFacts("CN=x\r\nX-Forged: yes\u001b", leaf.issuer(),
            leaf.serialHex(), leaf.notBefore(), leaf.notAfter(), leaf.dnsNames(), leaf.emailNames(), leaf.sha256(), leaf.spkiSha256(),
            leaf.keyAlgorithm(), leaf.keySize(), leaf.signatureAlgorithm(), leaf.crlUrls(), leaf.ocspUrls(), leaf.caIssuerUrls());
        TlsFacts hostileFacts = TlsFacts.encrypted(facts.channel(), "TLSv1.3", "TLS_AES_128_GCM_SHA256", java.util.List.of(hostile));

        String value = AddTlsHeader.summary(hostileFacts, ClientVerification.UNVERIFIED, java.util.Optional.empty(), true);

        assertThat(value).contains("client-subject=\"CN=x\\x0D\\x0AX-Forged: yes\\x1B\"").doesNotContain("\r", "\n", "\u001b");
    }

    @Test
    void includesClientSubjectAndIssuerWhenAsked() throws Exception {
        FakeMail mail = mail(TestFacts.withPartnerCertificate(), ClientVerification.LISTENER);

        mailet("header", "X-TLS-Facts", "includeClientIdentity", "true").service(mail);

        assertThat(mail.getMessage().getHeader("X-TLS-Facts", null).replaceAll("\r\n\\s", " "))
            .endsWith("; client-subject=\"CN=partner.example,O=Partner\"; client-issuer=\"CN=Test Partner CA,O=james-tls tests\"");
    }

    @Test
    void clearTextMailSaysChannelNone() throws Exception {
        FakeMail mail = mail(TlsFacts.CLEAR_TEXT, ClientVerification.NONE);

        mailet().service(mail);

        assertThat(mail.getMessage().getHeader("X-James-TLS", null)).isEqualTo("channel=none");
    }

    @Test
    void mailWithoutFactsGetsNoHeader() throws Exception {
        FakeMail mail = mail(null, null);

        mailet().service(mail);

        assertThat(mail.getMessage().getHeader("X-James-TLS")).isNull();
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        "includeClientIdentity | yes | mailet AddTlsHeader: invalid includeClientIdentity 'yes'; accepted: true, false",
        "header | X James | mailet AddTlsHeader: invalid header 'X James'; accepted: a header field name of printable US-ASCII without spaces or ':' (RFC 5322 §3.6.8), e.g. X-James-TLS",
        "header | X-TLS: | mailet AddTlsHeader: invalid header 'X-TLS:'; accepted: a header field name of printable US-ASCII without spaces or ':' (RFC 5322 §3.6.8), e.g. X-James-TLS",
        "headr | X-TLS | mailet AddTlsHeader: unknown parameter headr; accepted: header, includeClientIdentity",
    })
    void badParametersFailInitWithAStandaloneMessage(String name, String value, String message) {
        assertThatThrownBy(() -> mailet(name, value))
            .isInstanceOf(MessagingException.class)
            .hasMessage(message);
    }
}
