package dev.jamestls.james.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Properties;
import java.util.zip.GZIPInputStream;

import javax.mail.Part;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.requiretls.TlsRequiredHeader;
import dev.jamestls.tlsrpt.DateRange;
import dev.jamestls.tlsrpt.ReportFile;
import dev.jamestls.tlsrpt.Reporter;

/** The report mail of RFC 8460 §5.3, written out and read back as a receiver would. */
class ReportMailTest {
    static final Reporter REPORTER = new Reporter("Example Sender", "tlsrpt@sender.example", "sender.example", "n1");
    static final String JSON = "{\"report-id\": \"x\"}";

    private static MimeMessage sentAndReceived() throws Exception {
        ReportFile file = ReportFile.of(REPORTER, "example.net", DateRange.utcDay(LocalDate.of(2026, 12, 3)),
            "2026-12-03.example.net.n1@sender.example", JSON);
        MimeMessage message = ReportMail.of(file, "postmaster@sender.example", "tlsrpt@example.net",
            Instant.parse("2026-12-04T00:05:00Z"));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        message.writeTo(wire);
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(wire.toByteArray()));
    }

    @Test
    void theHeadersAreThoseOfSection53AndTheMailDoesNotRequireTls() throws Exception {
        MimeMessage received = sentAndReceived();

        assertThat(received.getSubject())
            .isEqualTo("Report Domain: example.net Submitter: sender.example Report-ID: <2026-12-03.example.net.n1@sender.example>");
        assertThat(received.getHeader("TLS-Report-Domain", null)).isEqualTo("example.net");
        assertThat(received.getHeader("TLS-Report-Submitter", null)).isEqualTo("sender.example");
        assertThat(TlsRequiredHeader.read(List.of(received.getHeader(TlsRequiredHeader.FIELD))))
            .as("RFC 8689 §3, read as a receiver reads it").isEqualTo(TlsRequiredHeader.NO);
        assertThat(received.getFrom()[0].toString()).isEqualTo("postmaster@sender.example");
        assertThat(received.getAllRecipients()[0].toString()).isEqualTo("tlsrpt@example.net");
        assertThat(received.getSentDate().toInstant()).isEqualTo(Instant.parse("2026-12-04T00:05:00Z"));
        ContentType type = new ContentType(received.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("tlsrpt");
    }

    /**
     * Peer text in the report (an MX host name the peer's DNS gave, a reason built from its certificate) travels only
     * inside the gzip attachment: the headers are made of our counted policy domain, our submitter and the report-id.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        an MX host name with CR LF and a Bcc header | mx-host
        a failure reason with CR LF and a Subject   | additional-information
        """)
    void peerTextInTheReportNeverReachesTheHeaders(String attack, String member) throws Exception {
        String hostile = "x.example\r\nBcc: victim@elsewhere.example\r\nSubject: forged";
        String json = "{\"" + member + "\": \"" + hostile.replace("\r", "\\r").replace("\n", "\\n") + "\"}";
        ReportFile file = ReportFile.of(REPORTER, "example.net", DateRange.utcDay(LocalDate.of(2026, 12, 3)),
            "2026-12-03.example.net.n1@sender.example", json);
        MimeMessage message = ReportMail.of(file, "postmaster@sender.example", "tlsrpt@example.net", Instant.parse("2026-12-04T00:05:00Z"));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        message.writeTo(wire);
        MimeMessage received = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(wire.toByteArray()));

        assertThat(received.getHeader("Bcc")).as(attack).isNull();
        assertThat(received.getAllRecipients()).as(attack).extracting(Object::toString).containsExactly("tlsrpt@example.net");
        assertThat(received.getSubject()).as(attack).doesNotContain("forged");
        assertThat(wire.toString(StandardCharsets.US_ASCII)).as(attack).doesNotContain("victim@elsewhere.example");
    }

    @Test
    void theReportIsAGzipAttachmentUnderItsSection51FileName() throws Exception {
        MimeMultipart parts = (MimeMultipart) sentAndReceived().getContent();

        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(new ContentType(parts.getBodyPart(0).getContentType()).getBaseType()).isEqualTo("text/plain");
        MimeBodyPart report = (MimeBodyPart) parts.getBodyPart(1);
        assertThat(new ContentType(report.getContentType()).getBaseType()).isEqualTo("application/tlsrpt+gzip");
        assertThat(report.getEncoding()).isEqualTo("base64");
        assertThat(report.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(report.getFileName()).isEqualTo("sender.example!example.net!1796256000!1796342399!n1.json.gz");
        try (GZIPInputStream in = new GZIPInputStream(report.getInputStream())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(JSON);
        }
    }
}
