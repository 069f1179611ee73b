package dev.jamestls.it.partner;

import static dev.jamestls.it.harness.PolicyXml.clientCertificate;
import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.inbound;
import static dev.jamestls.policy.Failure.PERMANENT;
import static dev.jamestls.policy.Failure.TEMPORARY;
import static dev.jamestls.revocation.RevocationChecking.OFF;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.LogCapture;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;

/**
 * Certificates a hostile client makes itself, presented through a real handshake to a real
 * James 3.8.1: text that would forge log lines or headers, and names that would swell a reply
 * past RFC 5321's 512 octets.
 */
class HostileCertificateTextTest {
    static final TestPki PKI = new TestPki();
    static final String OTHER = "memory://var/mail/other/";
    static final String FORGED = "12:00:00.000 INFO FORGED relay";

    static final String POLICY = PolicyXml.opportunistic()
        .connector(connector("partner-example").inbound(inbound(true).failure(PERMANENT).senderDomain("partner.example")
            .clientCertificate(clientCertificate(OFF).name("mta.partner.example"))))
        .connector(connector("lenient-example").inbound(inbound(true).failure(TEMPORARY).senderDomain("lenient.example")
            .clientCertificate(clientCertificate(OFF).name("mta.lenient.example"))))
        .xml();

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .pki(PKI)
        .listener(Listener.startTls("mx").wantingClientCertificate())
        .jamesTlsHooks()
        .confFile("tls-policy.xml", POLICY)
        .rootProcessor("""
                  <mailet match="All" class="dev.jamestls.james.mailets.AddTlsHeader">
                    <includeClientIdentity>true</includeClientIdentity>
                  </mailet>
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
            """.formatted(OTHER))
        .build();

    private static IssuedCertificate trustedClient(String subject, String... dnsNames) {
        return PKI.intermediate.leaf(subject).dnsNames(dnsNames).extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();
    }

    static List<Arguments> certificatesWithControlCharacters() {
        return List.of(
            Arguments.of("self-made, CR LF and a log line in the subject CN",
                CertificateAuthority.root("CN=mta.partner.example\r\n" + FORGED + ",O=x", PKI.now).certificate()),
            Arguments.of("trusted CA, CR LF and a log line in the subject O",
                trustedClient("CN=mta.partner.example,O=x\r\n" + FORGED, "mta.partner.example")),
            Arguments.of("trusted CA, LF and a log line in a DNS name",
                trustedClient("CN=mta.partner.example", "mta.partner.example", "x\n" + FORGED)),
            Arguments.of("trusted CA, terminal escape in the subject",
                trustedClient("CN=mta.partner.example,O=\u001b[2K\u001b[1G" + FORGED, "mta.partner.example")),
            Arguments.of("trusted CA, NEL (U+0085) in the subject",
                trustedClient("CN=mta.partner.example,O=x\u0085" + FORGED, "mta.partner.example")),
            Arguments.of("trusted CA, LINE SEPARATOR (U+2028) in the subject",
                trustedClient("CN=mta.partner.example,O=x\u2028" + FORGED, "mta.partner.example")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("certificatesWithControlCharacters")
    void certificateTextWithControlCharactersIsRefusedAsMalformedAndForgesNoLogLine(String reason, IssuedCertificate certificate)
        throws Exception {
        for (String domain : List.of("partner.example", "lenient.example")) {
            try (LogCapture log = LogCapture.start();
                 SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), PKI, Optional.of(certificate))) {
                // Malformed is permanent whatever the connector's failure mode: retrying the same certificate cannot help.
                assertThat(client.mailFrom("billing@" + domain)).as(reason + ": " + client.lastReply()).isEqualTo(550);
                assertThat(client.lastReply()).startsWith("550 5.7.1 ").contains("certificate malformed")
                    .matches("\\p{Graph}[\\p{Graph} ]*");
                assertNoForgedLine(reason, log);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("certificatesWithControlCharacters")
    void ordinarySenderWithSuchACertificateGetsInButTheHeaderAndLogCarryNoForgedLine(String reason, IssuedCertificate certificate)
        throws Exception {
        long before = james.size(OTHER);
        String subject = "hostile-" + System.nanoTime();
        try (LogCapture log = LogCapture.start()) {
            try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), PKI, Optional.of(certificate))) {
                assertThat(client.send("alice@elsewhere.example", "bob@james.local", subject)).as(reason).isEqualTo(250);
            }
            StoredMail mail = StoredMail.withSubject(james.awaitMails(OTHER, (int) before + 1), subject);
            assertThat(mail.header("X-James-TLS")).isPresent();
            assertThat(mail.content().split("\r\n|\r|\n")).as(reason).noneMatch(line -> line.startsWith(FORGED));
            assertThat(mail.content()).doesNotContain("\u001b", "\u0085", "\u2028");
            assertNoForgedLine(reason, log);
        }
    }

    private static void assertNoForgedLine(String reason, LogCapture log) {
        assertThat(log.lines()).as(reason).isNotEmpty().noneMatch(line -> line.startsWith(FORGED))
            .noneMatch(line -> line.contains("\u001b") || line.contains("\u0085") || line.contains("\u2028"));
    }

    @Test
    void certificateWithSixtyLongDnsNamesGetsAReplyWithinRfc5321LimitAndTheDetailInTheLog() throws Exception {
        String[] names = IntStream.range(0, 60)
            .mapToObj(i -> "relay-" + i + ".outbound-mail-cluster.eu-west.partner-holdings-international.example")
            .toArray(String[]::new);
        IssuedCertificate certificate = trustedClient("CN=" + names[0] + ",O=Partner Holdings International", names);
        for (String domain : List.of("partner.example", "lenient.example")) {
            try (LogCapture log = LogCapture.start();
                 SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), PKI, Optional.of(certificate))) {
                int code = client.mailFrom("billing@" + domain);
                String reply = client.lastReply();
                assertThat(code).as(reply).isEqualTo(domain.equals("partner.example") ? 550 : 450);
                // RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets including the CRLF.
                assertThat((reply + "\r\n").getBytes(StandardCharsets.US_ASCII)).hasSizeLessThanOrEqualTo(512);
                assertThat(reply).contains("certificate name mismatch").contains(domain.replace('.', '-'))
                    .contains("mta." + domain);
                Matcher session = Pattern.compile("session (\\S+?)\\)?$").matcher(reply);
                assertThat(session.find()).as("session id in " + reply).isTrue();
                assertThat(log.lines()).as("the full detail, under the same session id")
                    .anySatisfy(line -> assertThat(line).contains("session=" + session.group(1)).contains(names[59]));
            }
        }
    }
}
