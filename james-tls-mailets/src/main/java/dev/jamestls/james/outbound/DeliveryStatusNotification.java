package dev.jamestls.james.outbound;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;

import javax.activation.DataHandler;
import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;

import dev.jamestls.outbound.DeliveryDecision;

/**
 * A failure DSN (RFC 3464 §2, inside RFC 6522 {@code multipart/report}): a human part, the
 * {@code message/delivery-status} part with the status ({@code 4.7.5} / {@code 5.7.10}, SPEC §3) and
 * the diagnostic, and the original's headers ({@code text/rfc822-headers}).
 */
public final class DeliveryStatusNotification {
    private DeliveryStatusNotification() {
    }

    /**
     * @param reportingMta our host name
     * @param postmaster the From of the DSN
     * @param originalSender who gets it
     * @param recipients the failed recipients
     * @param remoteMta the last host tried, empty when none
     * @param arrival when the undelivered message arrived at our MTA (RFC 3464 §2.2.5), not when it bounced
     * @param decision status and diagnostic
     * @param original the undelivered message
     */
    public static MimeMessage build(String reportingMta, String postmaster, String originalSender, List<String> recipients,
                                    String remoteMta, ZonedDateTime arrival, DeliveryDecision decision, MimeMessage original) throws MessagingException {
        MimeMessage dsn = new MimeMessage(Session.getInstance(new Properties()));
        dsn.setFrom(new InternetAddress(postmaster));
        dsn.setRecipient(javax.mail.Message.RecipientType.TO, new InternetAddress(originalSender));
        String subject = original.getSubject();
        dsn.setSubject("Undelivered Mail Returned to Sender" + (subject == null ? "" : ": " + subject), "UTF-8");
        dsn.setSentDate(new java.util.Date());

        MimeMultipart report = new MimeMultipart("report; report-type=delivery-status");
        MimeBodyPart human = new MimeBodyPart();
        human.setText("Your message could not be delivered to " + String.join(", ", recipients) + ".\n\n"
            + "Status: " + decision.status() + "\n" + decision.diagnostic() + "\n", "UTF-8");
        report.addBodyPart(human);

        StringBuilder status = new StringBuilder();
        status.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        // RFC 3464 §2.2.5: Arrival-Date is when the message arrived at the Reporting MTA.
        status.append("Arrival-Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(arrival)).append("\r\n");
        for (String recipient : recipients) {
            status.append("\r\n");
            status.append("Final-Recipient: rfc822; ").append(recipient).append("\r\n");
            status.append("Action: failed\r\n");
            status.append("Status: ").append(decision.status()).append("\r\n");
            if (!remoteMta.isEmpty()) {
                status.append("Remote-MTA: dns; ").append(remoteMta).append("\r\n");
            }
            // RFC 3464 §2.3.6: diagnostic-type "smtp"; folded to stay within line limits (RFC 5322 §2.2.3).
            status.append("Diagnostic-Code: smtp; ").append(fold(decision.diagnostic())).append("\r\n");
        }
        MimeBodyPart deliveryStatus = new MimeBodyPart();
        deliveryStatus.setDataHandler(new DataHandler(new ByteArrayDataSource(
            status.toString().getBytes(StandardCharsets.UTF_8), "message/delivery-status")));
        deliveryStatus.setHeader("Content-Type", "message/delivery-status");
        report.addBodyPart(deliveryStatus);

        StringBuilder headers = new StringBuilder();
        Enumeration<Header> all = original.getAllHeaders();
        while (all.hasMoreElements()) {
            Header header = all.nextElement();
            headers.append(header.getName()).append(": ").append(header.getValue()).append("\r\n");
        }
        MimeBodyPart returned = new MimeBodyPart();
        returned.setDataHandler(new DataHandler(new ByteArrayDataSource(
            headers.toString().getBytes(StandardCharsets.UTF_8), "text/rfc822-headers")));
        returned.setHeader("Content-Type", "text/rfc822-headers");
        report.addBodyPart(returned);

        dsn.setContent(report);
        dsn.saveChanges();
        return dsn;
    }

    private static String fold(String text) {
        StringBuilder folded = new StringBuilder();
        int column = 0;
        for (String word : text.split(" ")) {
            if (column > 0 && column + word.length() > 76) {
                folded.append("\r\n ");
                column = 1;
            } else if (column > 0) {
                folded.append(' ');
                column++;
            }
            folded.append(word);
            column += word.length();
        }
        return folded.toString();
    }
}
