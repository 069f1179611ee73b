package dev.jamestls.sandbox;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A mail as James's WebAdmin shows it from a mail repository
 * ({@code GET /mailRepositories/{path}/mails/{key}?additionalFields=attributes,headers}).
 *
 * @param repository the repository path, e.g. {@code var/mail/tls}
 * @param key the mail's key in that repository
 * @param attributes every mail attribute, value as text
 * @param headers header name to values, names as written in the message
 */
public record StoredMail(String repository, String key, Map<String, String> attributes, Map<String, List<String>> headers) {

    public StoredMail {
        attributes = Map.copyOf(attributes);
        headers = Map.copyOf(headers);
    }

    public Optional<String> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    /** The first value of a header, looked up case-insensitively (RFC 5322 §1.2.2). */
    public Optional<String> header(String name) {
        return headers.entrySet().stream()
            .filter(entry -> entry.getKey().equalsIgnoreCase(name))
            .flatMap(entry -> entry.getValue().stream())
            .findFirst();
    }
}
