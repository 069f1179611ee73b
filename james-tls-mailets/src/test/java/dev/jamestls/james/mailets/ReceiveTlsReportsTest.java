package dev.jamestls.james.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;
import javax.activation.DataHandler;

import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.james.attributes.ReportAttributes;
import dev.jamestls.ledger.PartnerLedger;
import dev.jamestls.ledger.ReceivedReport;

class ReceiveTlsReportsTest {
    private static final Instant NOW = Instant.parse("2016-04-02T06:00:00Z");
    private static final String MALFORMED = "tls-reports-malformed";
    /** A report in the shape large reporters send: every optional member, one policy for us, one for another domain. */
    private static final String REPORT = """
        {"organization-name": "Company-X",
         "date-range": {"start-datetime": "2016-04-01T00:00:00Z", "end-datetime": "2016-04-01T23:59:59Z"},
         "contact-info": "sts-reporting@company-x.example",
         "report-id": "5065427c-23d3-47ca-b6e0-946ea0e8c4be",
         "policies": [{
           "policy": {"policy-type": "sts", "policy-string": ["version: STSv1", "mode: testing", "mx: *.localhost", "max_age: 86400"],
                      "policy-domain": "localhost", "mx-host": ["*.localhost"]},
           "summary": {"total-successful-session-count": 5326, "total-failure-session-count": 303},
           "failure-details": [{"result-type": "certificate-expired", "sending-mta-ip": "2001:db8:abcd:12::1",
             "receiving-mx-hostname": "mx1.localhost", "receiving-mx-helo": "mx1", "receiving-ip": "203.0.113.56",
             "failed-session-count": 303, "additional-information": "https://reports.company-x.example/x",
             "failure-reason-code": "X509_V_ERR_CERT_HAS_EXPIRED"}]
         }, {
           "policy": {"policy-type": "no-policy-found", "policy-domain": "company-y.example"},
           "summary": {"total-successful-session-count": 1, "total-failure-session-count": 0}
         }]}
        """;

    private final List<Mail> stored = new ArrayList<>();
    private final PartnerLedger ledger = new PartnerLedger();

    private ReceiveTlsReports mailet(String... keyValues) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("ReceiveTlsReports");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.setProperty(keyValues[i], keyValues[i + 1]);
        }
        ReceiveTlsReports mailet = new ReceiveTlsReports(repositoryStore(), ledger, Clock.fixed(NOW, ZoneOffset.UTC));
        mailet.init(config.build());
        return mailet;
    }

    private ReceiveTlsReports mailetToMalformedProcessor() throws MessagingException {
        return mailet("malformedProcessor", MALFORMED);
    }

    /** A store whose every repository records what it is given. */
    private MailRepositoryStore repositoryStore() {
        MailRepository repository = (MailRepository) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MailRepository.class},
            (proxy, method, args) -> {
                if (method.getName().equals("store")) {
                    stored.add((Mail) args[0]);
                    return new MailKey(((Mail) args[0]).getName());
                }
                throw new UnsupportedOperationException(method.getName());
            });
        return (MailRepositoryStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MailRepositoryStore.class},
            (proxy, method, args) -> {
                if (method.getName().equals("select")) {
                    return repository;
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    /** An RFC 8460 §5.3 report mail: multipart/report with a text part and the report part, with the report headers. */
    private static FakeMail reportMail(byte[] body, String mediaType) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setSubject("Report Domain: localhost Submitter: company-x.example Report-ID: <5065427c>");
        message.setHeader("TLS-Report-Domain", "localhost");
        message.setHeader("TLS-Report-Submitter", "company-x.example");
        MimeMultipart report = new MimeMultipart("report; report-type=\"tlsrpt\"");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("This is an aggregate TLS report from company-x.example");
        report.addBodyPart(text);
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(body, mediaType)));
        part.setFileName("company-x.example!localhost!1459468800!1459555199.json" + (mediaType.endsWith("gzip") ? ".gz" : ""));
        part.setHeader("Content-Transfer-Encoding", "base64");
        report.addBodyPart(part);
        message.setContent(report);
        message.saveChanges();
        return FakeMail.builder().name("report").mimeMessage(message).state(Mail.DEFAULT)
            .sender("noreply-smtp-tls-reporting@reporter.example").recipient("tlsrpt@localhost").build();
    }

    private static FakeMail jsonMail(String json) throws MessagingException {
        return reportMail(json.getBytes(StandardCharsets.UTF_8), "application/tlsrpt+json");
    }

    /** Nothing lost: the mail either goes on in its processor or reaches the malformed processor, and never throws. */
    private static void serviceWithoutThrowing(ReceiveTlsReports mailet, Mail mail) {
        assertThatCode(() -> mailet.service(mail)).doesNotThrowAnyException();
    }

    @Test
    void acceptsAJsonReportAndKeepsOnlyOurDomains() throws Exception {
        FakeMail mail = jsonMail(REPORT);

        serviceWithoutThrowing(mailetToMalformedProcessor(), mail);

        assertThat(mail.getState()).isEqualTo(Mail.DEFAULT);
        String summary = ReportAttributes.received(mail).orElseThrow();
        assertThat(summary).contains("\"report-id\":\"5065427c-23d3-47ca-b6e0-946ea0e8c4be\"", "\"policy-domain\":\"localhost\"",
            "\"receiving-mx-helo\":\"mx1\"", "\"failure-reason-code\":\"X509_V_ERR_CERT_HAS_EXPIRED\"",
            "\"other-domains\":[\"company-y.example\"]");
        assertThat(summary).doesNotContain("\"policy-domain\":\"company-y.example\"");
        assertThat(ReportAttributes.malformedProblem(mail)).isEmpty();
    }

    @Test
    void keepsAnAcceptedReportInTheLedgerUnderTheSendersDomain() throws Exception {
        serviceWithoutThrowing(mailetToMalformedProcessor(), jsonMail(REPORT));

        assertThat(ledger.receivedReports()).singleElement().satisfies(report -> {
            assertThat(report.partner()).isEqualTo("reporter.example");
            assertThat(report.reportId()).isEqualTo("5065427c-23d3-47ca-b6e0-946ea0e8c4be");
            assertThat(report.receivedAt()).isEqualTo(NOW);
            assertThat(report.ours()).extracting(ReceivedReport.PolicyCounts::domain).containsExactly("localhost");
            assertThat(report.otherPolicies()).isEqualTo(1);
        });
        assertThat(ledger.partner("reporter.example").orElseThrow().reports().reports()).isEqualTo(1);
    }

    @Test
    void acceptsAGzipReport() throws Exception {
        FakeMail mail = reportMail(gzip(REPORT.getBytes(StandardCharsets.UTF_8)), "application/tlsrpt+gzip");

        serviceWithoutThrowing(mailetToMalformedProcessor(), mail);

        assertThat(mail.getState()).isEqualTo(Mail.DEFAULT);
        assertThat(ReportAttributes.received(mail).orElseThrow()).contains("\"total-failure-session-count\":303");
    }

    @Test
    void sendsAnAcceptedReportToTheReportProcessorWhenSet() throws Exception {
        FakeMail mail = jsonMail(REPORT);

        serviceWithoutThrowing(mailet("reportProcessor", "tls-reports"), mail);

        assertThat(mail.getState()).isEqualTo("tls-reports");
    }

    @Test
    void acceptsAReportForNoneOfOurDomainsAndNamesTheDomains() throws Exception {
        FakeMail mail = jsonMail(REPORT.replace("\"policy-domain\": \"localhost\"", "\"policy-domain\": \"company-z.example\""));

        serviceWithoutThrowing(mailetToMalformedProcessor(), mail);

        assertThat(mail.getState()).isEqualTo(Mail.DEFAULT);
        assertThat(ReportAttributes.received(mail).orElseThrow())
            .contains("\"policies\":[]", "\"other-domains\":[\"company-z.example\",\"company-y.example\"]");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        malformed JSON           | "policies": [{                                        | "policies": [{{          | not-json    | $
        wrong type               | "total-failure-session-count": 303                    | "total-failure-session-count": "303" | wrong-type | $.policies[0].summary.total-failure-session-count
        missing member           | "report-id": "5065427c-23d3-47ca-b6e0-946ea0e8c4be",  | ''                       | missing     | $.report-id
        negative count           | "total-failure-session-count": 303                    | "total-failure-session-count": -3 | negative-count | $.policies[0].summary.total-failure-session-count
        unknown policy type      | "policy-type": "sts"                                  | "policy-type": "STS"     | bad-value   | $.policies[0].policy.policy-type
        future date              | "end-datetime": "2016-04-01T23:59:59Z"                | "end-datetime": "2016-04-03T00:00:00Z" | future-date | $.date-range.end-datetime
        """)
    void sendsAMalformedReportToTheMalformedProcessorWithTheReason(String reason, String from, String to, String problem, String field)
        throws Exception {
        String json = REPORT.replace(from, to);
        assertThat(json).as(reason).isNotEqualTo(REPORT);
        FakeMail mail = jsonMail(json);

        serviceWithoutThrowing(mailetToMalformedProcessor(), mail);

        assertThat(mail.getState()).as(reason).isEqualTo(MALFORMED);
        assertThat(ReportAttributes.malformedProblem(mail)).as(reason).contains(problem);
        assertThat(ReportAttributes.malformed(mail).orElseThrow()).as(reason).startsWith(problem + " at " + field + ":");
        assertThat(ReportAttributes.received(mail)).isEmpty();
    }

    static Stream<Arguments> unreadableReports() throws IOException {
        byte[] json = REPORT.getBytes(StandardCharsets.UTF_8);
        byte[] oversize = REPORT.replace("\"Company-X\"", "\"" + "X".repeat(1 << 20) + "\"").getBytes(StandardCharsets.UTF_8);
        return Stream.of(
            Arguments.of("part over 1 MiB", oversize, "application/tlsrpt+json", "too-large"),
            Arguments.of("gzip bomb", gzip(new byte[100 << 20]), "application/tlsrpt+gzip", "too-large"),
            Arguments.of("gzip type, plain JSON", json, "application/tlsrpt+gzip", "not-gzip"),
            Arguments.of("report headers, no report part", json, "application/json", "no-report"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableReports")
    void sendsAReportItCannotReadToTheMalformedProcessor(String reason, byte[] body, String mediaType, String problem) throws Exception {
        FakeMail mail = reportMail(body, mediaType);

        serviceWithoutThrowing(mailetToMalformedProcessor(), mail);

        assertThat(mail.getState()).as(reason).isEqualTo(MALFORMED);
        assertThat(ReportAttributes.malformedProblem(mail)).as(reason).contains(problem);
    }

    @Test
    void refusesAReportPartWhoseBase64CannotBeDecoded() throws Exception {
        String raw = String.join("\r\n", "Subject: Report Domain: localhost", "TLS-Report-Domain: localhost",
            "TLS-Report-Submitter: company-x.example", "MIME-Version: 1.0", "Content-Type: application/tlsrpt+json",
            "Content-Transfer-Encoding: base64", "", "eyJ%%%%%%%%", "");
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
            new java.io.ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
        FakeMail mail = FakeMail.builder().name("broken").mimeMessage(message).state(Mail.DEFAULT).recipient("tlsrpt@localhost").build();

        serviceWithoutThrowing(mailetToMalformedProcessor(), mail);

        assertThat(mail.getState()).isEqualTo(MALFORMED);
        assertThat(ReportAttributes.malformedProblem(mail)).contains("no-report");
    }

    @Test
    void storesAMalformedReportInTheRepositoryByDefault() throws Exception {
        FakeMail mail = jsonMail("{");

        serviceWithoutThrowing(mailet(), mail);

        assertThat(stored).containsExactly(mail);
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(ReportAttributes.malformedProblem(mail)).contains("not-json");
    }

    @Test
    void leavesOtherMailUntouched() throws Exception {
        FakeMail mail = FakeMail.builder().name("plain").state(Mail.DEFAULT)
            .mimeMessage(org.apache.james.core.builder.MimeMessageBuilder.mimeMessageBuilder().setSubject("hi").setText("body"))
            .recipient("user@localhost").build();

        serviceWithoutThrowing(mailet(), mail);

        assertThat(mail.getState()).isEqualTo(Mail.DEFAULT);
        assertThat(mail.attributeNames()).isEmpty();
        assertThat(stored).isEmpty();
    }

    @Test
    void refusesBothMalformedDestinations() {
        assertThatThrownBy(() -> mailet("malformedProcessor", MALFORMED, "malformedRepository", "memory://var/mail/x/"))
            .isInstanceOf(MessagingException.class)
            .hasMessage("mailet ReceiveTlsReports: set malformedProcessor or malformedRepository, not both");
    }
}
