package dev.jamestls.james.attributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import dev.jamestls.james.TestFacts;
import dev.jamestls.tls.TlsFacts;

class TlsAttributesTest {

    @Test
    void clientChainSurvivesTheRoundTripThroughMailAttributes() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();
        TlsFacts facts = TestFacts.withPartnerCertificate();

        TlsAttributes.set(mail, facts, ClientVerification.LISTENER);

        assertThat(TlsAttributes.read(mail)).contains(facts);
        assertThat(TlsAttributes.verification(mail)).contains(ClientVerification.LISTENER);
        assertThat(TlsAttributes.string(mail, TlsAttributes.CLIENT_SUBJECT)).contains("CN=partner.example,O=Partner");
        assertThat(TlsAttributes.string(mail, TlsAttributes.CLIENT_SPKI_SHA256))
            .contains(facts.peerChain().get(0).spkiSha256());
        assertThat(mail.getAttribute(TlsAttributes.CLIENT_DNS_NAMES).map(a -> (Object) a.getValue().value()))
            .contains(java.util.List.of(AttributeValue.of("partner.example")));
    }

    @Test
    void clearTextIsRecordedAsChannelNoneWithoutProtocol() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();

        TlsAttributes.set(mail, TlsFacts.CLEAR_TEXT, ClientVerification.NONE);

        assertThat(TlsAttributes.string(mail, TlsAttributes.CHANNEL)).contains("none");
        assertThat(mail.getAttribute(TlsAttributes.PROTOCOL)).isEmpty();
        assertThat(TlsAttributes.read(mail)).contains(TlsFacts.CLEAR_TEXT);
    }

    @Test
    void mailWithoutFactsReadsAsEmpty() throws Exception {
        assertThat(TlsAttributes.read(FakeMail.builder().name("bounce").build())).isEmpty();
    }

    @Test
    void encryptedChannelWithoutProtocolIsReportedNotGuessed() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();
        mail.setAttribute(new Attribute(TlsAttributes.CHANNEL, AttributeValue.of("starttls")));

        assertThatThrownBy(() -> TlsAttributes.read(mail))
            .hasMessage("mail attribute dev.jamestls.tls.protocol is missing although dev.jamestls.tls.channel says the session was encrypted");
    }

    @Test
    void unknownChannelValueIsAnError() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();
        mail.setAttribute(new Attribute(TlsAttributes.CHANNEL, AttributeValue.of("ssl")));

        assertThatThrownBy(() -> TlsAttributes.read(mail))
            .hasMessage("unknown TLS channel 'ssl'; accepted: none, starttls, implicit");
    }
}
