package dev.jamestls.it.facts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.tls.CertificatePins;

/**
 * TLS facts against a real James 3.8.1: the hook records TLS facts,
 * the matchers route on them and the mailet stamps them.
 */
class TlsFactsEndToEndTest {
    private static final String TLS = "memory://var/mail/tls/";
    private static final String CLEAR = "memory://var/mail/cleartext/";
    private static final String CERT = "memory://var/mail/client-certificate/";
    private static final String TLS13 = "memory://var/mail/tls13/";

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .listener(Listener.startTls("mx"))
        .listener(Listener.implicitTls("partners").requiringClientCertificate())
        .handler("<handler class=\"dev.jamestls.james.smtp.TlsFactsHook\"/>")
        .rootProcessor("""
                  <mailet match="All" class="dev.jamestls.james.mailets.AddTlsHeader">
                    <includeClientIdentity>true</includeClientIdentity>
                  </mailet>
                  <mailet match="dev.jamestls.james.matchers.SentOverTls=TLSv1.3" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                    <passThrough>true</passThrough>
                  </mailet>
                  <mailet match="dev.jamestls.james.matchers.HasClientCertificate" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
                  <mailet match="dev.jamestls.james.matchers.SentOverTls" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
            """.formatted(TLS13, CERT, TLS, CLEAR))
        .build();

    @Test
    void clearTextMailIsNotMatchedBySentOverTlsAndIsRecordedAsChannelNone() throws Exception {
        long before = james.size(CLEAR);
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            assertThat(client.send("alice@sender.example", "bob@james.local", "clear")).isEqualTo(250);
        }

        StoredMail mail = StoredMail.withSubject(james.awaitMails(CLEAR, (int) before + 1), "clear");
        assertThat(mail.attribute("dev.jamestls.tls.channel")).contains("none");
        assertThat(mail.attribute("dev.jamestls.tls.protocol")).isEmpty();
        assertThat(mail.header("X-James-TLS")).contains("channel=none");
    }

    @Test
    void startTlsMailIsMatchedAndCarriesProtocolAndCipher() throws Exception {
        long before = james.size(TLS);
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), james.pki(), Optional.empty(), "TLSv1.2")) {
            assertThat(client.send("alice@sender.example", "bob@james.local", "starttls12")).isEqualTo(250);
        }

        StoredMail mail = StoredMail.withSubject(james.awaitMails(TLS, (int) before + 1), "starttls12");
        assertThat(mail.attribute("dev.jamestls.tls.channel")).contains("starttls");
        assertThat(mail.attribute("dev.jamestls.tls.protocol")).contains("TLSv1.2");
        assertThat((String) mail.attribute("dev.jamestls.tls.cipher").orElseThrow()).startsWith("TLS_ECDHE_");
        assertThat(mail.attribute("dev.jamestls.tls.client.verification")).contains("none");
        assertThat(mail.header("X-James-TLS").orElseThrow())
            .startsWith("channel=starttls; protocol=TLSv1.2; cipher=TLS_ECDHE_")
            .endsWith("; client-certificate=none");
    }

    @Test
    void tls13MailIsMatchedByTheMinimumProtocolCondition() throws Exception {
        long before = james.size(TLS13);
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), james.pki(), Optional.empty(), "TLSv1.3")) {
            assertThat(client.send("alice@sender.example", "bob@james.local", "starttls13")).isEqualTo(250);
        }

        StoredMail mail = StoredMail.withSubject(james.awaitMails(TLS13, (int) before + 1), "starttls13");
        assertThat(mail.attribute("dev.jamestls.tls.protocol")).contains("TLSv1.3");
    }

    @Test
    void clientCertificatePresentedOnAListenerThatAsksForOneAppearsInTheAttributes() throws Exception {
        long before = james.size(CERT);
        try (SmtpTestClient client = SmtpTestClient.implicitTls(james.port("partners"), james.pki(),
            Optional.of(james.pki().partner))) {
            assertThat(client.send("sender@partner.example", "bob@james.local", "with-certificate")).isEqualTo(250);
        }

        StoredMail mail = StoredMail.withSubject(james.awaitMails(CERT, (int) before + 1), "with-certificate");
        assertThat(mail.attribute("dev.jamestls.tls.channel")).contains("implicit");
        assertThat(mail.attribute("dev.jamestls.tls.client.subject")).contains("CN=partner.example,O=partner.example");
        assertThat(mail.attribute("dev.jamestls.tls.client.issuer"))
            .contains("CN=james-tls Test Issuing CA,O=james-tls tests");
        assertThat(mail.attribute("dev.jamestls.tls.client.dnsNames")).contains(List.of("partner.example"));
        assertThat(mail.attribute("dev.jamestls.tls.client.spkiSha256"))
            .contains(CertificatePins.spkiSha256(james.pki().partner.certificate()));
        assertThat(mail.attribute("dev.jamestls.tls.client.keySize")).contains(2048);
        assertThat(mail.attribute("dev.jamestls.tls.client.verification")).contains("listener");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> chain = (List<Map<String, Object>>) mail.attribute("dev.jamestls.tls.client.chain").orElseThrow();
        assertThat(chain).extracting(certificate -> certificate.get("subject"))
            .containsExactly("CN=partner.example,O=partner.example", "CN=james-tls Test Issuing CA,O=james-tls tests");
        assertThat(mail.header("X-James-TLS").orElseThrow())
            .contains("client-certificate=present; listener-verification=verified; client-subject=\"CN=partner.example,O=partner.example\"");
    }

    @Test
    void factsSurviveRsetAndASecondTransactionInTheSameTlsSession() throws Exception {
        long before = james.size(TLS);
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), james.pki(), Optional.empty(), "TLSv1.2")) {
            assertThat(client.send("alice@sender.example", "bob@james.local", "first")).isEqualTo(250);
            assertThat(client.rset()).isEqualTo(250);
            assertThat(client.send("alice@sender.example", "bob@james.local", "second")).isEqualTo(250);
        }

        StoredMail second = StoredMail.withSubject(james.awaitMails(TLS, (int) before + 2), "second");
        assertThat(second.attribute("dev.jamestls.tls.protocol")).contains("TLSv1.2");
    }

}
