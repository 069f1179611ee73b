package dev.jamestls.james.outbound;

import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Properties;

import javax.activation.DataHandler;
import javax.mail.MessagingException;
import javax.mail.Part;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;

import dev.jamestls.requiretls.TlsRequiredHeader;
import dev.jamestls.tlsrpt.ReceivedReports;
import dev.jamestls.tlsrpt.ReportFile;

/**
 * A TLS report as a mail (RFC 8460 §5.3): {@code multipart/report; report-type="tlsrpt"} with a short text part and
 * the gzip report as an {@code application/tlsrpt+gzip} attachment under its §5.1 file name; the §5.3 subject and the
 * {@code TLS-Report-Domain} and {@code TLS-Report-Submitter} headers; and {@code TLS-Required: No} (RFC 8689 §5): a
 * report about broken TLS must reach a domain whose TLS is broken. RFC 8460 §5.3 asks for a DKIM signature: James's
 * {@code DKIMSign} mailet in the pipeline the report mail enters signs it.
 */
public final class ReportMail {
    /** RFC 8460 §5.3: the {@code report-type} of the {@code multipart/report}. */
    public static final String REPORT_TYPE = "tlsrpt";

    private ReportMail() {
    }

    /** The mail carrying {@code report} from {@code sender} to {@code recipient}, dated {@code now}. */
    public static MimeMessage of(ReportFile report, String sender, String recipient, Instant now) throws MessagingException {
        Objects.requireNonNull(report, "report");
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress(sender));
        message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(recipient));
        message.setSentDate(Date.from(now));
        // RFC 8460 §5.3: "Report Domain: <policy domain> Submitter: <submitter> Report-ID: <id>"
        message.setSubject("Report Domain: " + report.policyDomain() + " Submitter: " + report.submitter() + " Report-ID: <"
            + report.reportId() + ">", "US-ASCII");
        message.setHeader(ReceivedReports.DOMAIN_HEADER, report.policyDomain());
        message.setHeader(ReceivedReports.SUBMITTER_HEADER, report.submitter());
        message.setHeader(TlsRequiredHeader.FIELD, "No");

        MimeBodyPart text = new MimeBodyPart();
        text.setText("This is an aggregate TLS report from " + report.submitter() + " about " + report.policyDomain()
            + " (RFC 8460).\r\n", "us-ascii");
        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setDataHandler(new DataHandler(new ByteArrayDataSource(report.gzip(), ReportFile.MEDIA_TYPE)));
        attachment.setDisposition(Part.ATTACHMENT);
        attachment.setFileName(report.filename());
        attachment.setHeader("Content-Type", ReportFile.MEDIA_TYPE);
        attachment.setHeader("Content-Transfer-Encoding", "base64");

        MimeMultipart multipart = new ReportMultipart();
        multipart.addBodyPart(text);
        multipart.addBodyPart(attachment);
        message.setContent(multipart);
        message.saveChanges();
        return message;
    }

    /** {@code multipart/report} with its {@code report-type} parameter (RFC 6522 §3), which JavaMail has no setter for. */
    private static final class ReportMultipart extends MimeMultipart {
        ReportMultipart() throws MessagingException {
            super("report");
            ContentType type = new ContentType(contentType);
            type.setParameter("report-type", REPORT_TYPE);
            contentType = type.toString();
        }
    }
}
