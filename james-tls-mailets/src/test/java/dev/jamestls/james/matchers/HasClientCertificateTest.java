package dev.jamestls.james.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

import dev.jamestls.james.TestFacts;
import dev.jamestls.tls.TlsFacts;

class HasClientCertificateTest {

    static HasClientCertificate matcher(String condition) throws MessagingException {
        HasClientCertificate matcher = new HasClientCertificate();
        matcher.init(FakeMatcherConfig.builder().matcherName("HasClientCertificate").condition(condition).build());
        return matcher;
    }

    @Test
    void matchesMailWhoseClientPresentedACertificate() throws Exception {
        assertThat(matcher(null).match(SentOverTlsTest.mail(TestFacts.withPartnerCertificate()))).hasSize(1);
    }

    @Test
    void doesNotMatchTlsWithoutCertificateOrClearText() throws Exception {
        assertThat(matcher(null).match(SentOverTlsTest.mail(TestFacts.starttls("TLSv1.3")))).isEmpty();
        assertThat(matcher(null).match(SentOverTlsTest.mail(TlsFacts.CLEAR_TEXT))).isEmpty();
        assertThat(matcher(null).match(SentOverTlsTest.mail(null))).isEmpty();
    }

    @Test
    void rejectsACondition() {
        assertThatThrownBy(() -> matcher("partner.example"))
            .hasMessage("matcher HasClientCertificate: takes no condition, got 'partner.example'");
    }
}
