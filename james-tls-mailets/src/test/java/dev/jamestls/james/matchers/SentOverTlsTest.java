package dev.jamestls.james.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.james.TestFacts;
import dev.jamestls.james.attributes.ClientVerification;
import dev.jamestls.james.attributes.TlsAttributes;
import dev.jamestls.tls.TlsFacts;

class SentOverTlsTest {

    static SentOverTls matcher(String condition) throws MessagingException {
        SentOverTls matcher = new SentOverTls();
        matcher.init(FakeMatcherConfig.builder().matcherName("SentOverTls").condition(condition).build());
        return matcher;
    }

    static FakeMail mail(TlsFacts facts) throws MessagingException {
        FakeMail mail = FakeMail.builder().name("m").recipient("user@james.local").build();
        if (facts != null) {
            TlsAttributes.set(mail, facts, ClientVerification.NONE);
        }
        return mail;
    }

    @Test
    void matchesStartTlsMailWithoutCondition() throws Exception {
        FakeMail mail = mail(TestFacts.starttls("TLSv1.2"));
        assertThat(matcher(null).match(mail)).containsExactlyElementsOf(mail.getRecipients());
    }

    @Test
    void doesNotMatchClearText() throws Exception {
        assertThat(matcher(null).match(mail(TlsFacts.CLEAR_TEXT))).isEmpty();
    }

    @Test
    void doesNotMatchMailWithoutTlsFacts() throws Exception {
        assertThat(matcher(null).match(mail(null))).isEmpty();
    }

    @ParameterizedTest(name = "condition {0}, session {1} -> {2}")
    @CsvSource({
        "TLSv1.3, TLSv1.3, true",
        "TLSv1.3, TLSv1.2, false",
        "TLSv1.2, TLSv1.3, true",
        "tlsv1.2, TLSv1.2, true",
        "TLSv1.2, TLSv1.1, false",
    })
    void honoursMinimumProtocol(String condition, String negotiated, boolean matches) throws Exception {
        assertThat(matcher(condition).match(mail(TestFacts.starttls(negotiated)))).hasSize(matches ? 1 : 0);
    }

    @Test
    void unknownProtocolFailsInitNamingMatcherValueAndAcceptedValues() {
        assertThatThrownBy(() -> matcher("TLSv9"))
            .isInstanceOf(MessagingException.class)
            .hasMessage("matcher SentOverTls: invalid condition 'TLSv9': unknown TLS protocol; "
                + "accepted: empty (any TLS) or TLSv1, TLSv1.1, TLSv1.2, TLSv1.3");
    }
}
