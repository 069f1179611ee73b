package dev.jamestls.it.harness;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;

/** A detached snapshot of a stored mail: sender, recipients, attributes, headers. */
public record StoredMail(String name, String sender, List<String> recipients, Map<String, Object> attributes,
                         Map<String, String> headers, String content) {

    static StoredMail copyOf(Mail mail) throws MessagingException {
        Map<String, Object> attributes = new HashMap<>();
        mail.attributes().forEach(attribute -> attributes.put(attribute.getName().asString(), unwrap(attribute.getValue().value())));
        Map<String, String> headers = new HashMap<>();
        java.util.Enumeration<javax.mail.Header> all = mail.getMessage().getAllHeaders();
        while (all.hasMoreElements()) {
            javax.mail.Header header = all.nextElement();
            headers.putIfAbsent(header.getName(), header.getValue().replaceAll("\r\n\\s", " "));
        }
        return new StoredMail(mail.getName(),
            mail.getMaybeSender().asString(),
            mail.getRecipients().stream().map(Object::toString).toList(),
            Map.copyOf(attributes), Map.copyOf(headers), raw(mail));
    }

    /** The whole message as sent, headers and body, with folded header lines unfolded (RFC 5322 §2.2.3). */
    private static String raw(Mail mail) throws MessagingException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            mail.getMessage().writeTo(bytes);
        } catch (java.io.IOException e) {
            throw new MessagingException("cannot read the message of " + mail.getName(), e);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8).replace("\r\n ", " ");
    }

    private static Object unwrap(Object value) {
        if (value instanceof org.apache.mailet.AttributeValue<?> attributeValue) {
            return unwrap(attributeValue.value());
        }
        if (value instanceof List<?> list) {
            return list.stream().map(StoredMail::unwrap).toList();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new HashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), unwrap(v)));
            return copy;
        }
        return value;
    }

    /** The last mail with this Subject; fails the test naming what was there instead. */
    public static StoredMail withSubject(List<StoredMail> mails, String subject) {
        return mails.stream()
            .filter(mail -> mail.header("Subject").map(subject::equals).orElse(false))
            .reduce((first, second) -> second)
            .orElseThrow(() -> new AssertionError("no mail with subject '" + subject + "' in " + mails));
    }

    public Optional<Object> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }
}
