package dev.jamestls.james.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.mail.Message;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

/** A DSN as it goes on the wire, read back: its envelope headers and its RFC 3464 fields. */
record Dsn(String from, String to, String reportType, Map<String, String> perMessage, List<Map<String, String>> perRecipient,
           String returnedHeaders) {
    static Dsn read(MimeMessage sent) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        sent.writeTo(bytes);
        MimeMessage wire = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes.toByteArray()));
        MimeMultipart report = (MimeMultipart) wire.getContent();
        // RFC 6522 §3: the human part, the machine part, the returned content.
        assertThat(report.getCount()).isEqualTo(3);
        assertThat(new ContentType(report.getBodyPart(1).getContentType()).getBaseType()).isEqualTo("message/delivery-status");
        List<Map<String, String>> groups = groups(text(report, 1));
        return new Dsn(((InternetAddress) wire.getFrom()[0]).getAddress(),
            ((InternetAddress) wire.getRecipients(Message.RecipientType.TO)[0]).getAddress(),
            new ContentType(wire.getContentType()).getParameter("report-type"), groups.get(0), groups.subList(1, groups.size()),
            text(report, 2));
    }

    private static String text(MimeMultipart report, int part) throws Exception {
        return new String(report.getBodyPart(part).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** RFC 3464 §2.1: groups of fields separated by blank lines; folded lines unfolded (RFC 5322 §2.2.3). */
    private static List<Map<String, String>> groups(String deliveryStatus) {
        List<Map<String, String>> groups = new ArrayList<>();
        for (String group : deliveryStatus.replace("\r\n ", " ").split("\r\n\r\n")) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : group.strip().split("\r\n")) {
                int colon = line.indexOf(':');
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
            groups.add(fields);
        }
        return groups;
    }
}
