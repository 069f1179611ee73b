package dev.jamestls.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The parts of James 3.8.1's WebAdmin REST API the sandbox uses, on 127.0.0.1
 * without authentication: users and mail repositories.
 */
public final class WebAdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    public WebAdminClient(int port, Duration timeout) {
        this.base = URI.create("http://127.0.0.1:" + port);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Whether WebAdmin answers at all (any HTTP status). */
    public boolean isUp() {
        try {
            get("/domains");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code GET /mailQueues/{name}}: how many mails a James mail queue holds; 0 when the queue does not exist
     * (yet). Not {@code GET /mailQueues/{name}/mails}: on James 3.8.x that route closes the queue once more than
     * it opened it, and the memory queue (the sandbox's) then drops its waiting mails and stops handing out new
     * ones (docs/outbound.md).
     */
    public long queueSize(String queue) throws IOException {
        HttpResponse<String> response = get("/mailQueues/" + encode(queue));
        if (response.statusCode() == 404) {
            return 0;
        }
        return json(response, 200).path("size").asLong();
    }

    /** {@code GET /users}: every user name. */
    public List<String> users() throws IOException {
        List<String> users = new ArrayList<>();
        for (JsonNode user : json(get("/users"), 200)) {
            users.add(user.path("username").asText());
        }
        return users;
    }

    /**
     * {@code GET /mailRepositories/{path}/mails}: the keys of the mails in a
     * repository, e.g. {@code var/mail/tls} for {@code memory://var/mail/tls/};
     * empty when the repository does not exist (yet).
     */
    public List<String> mailKeys(String repository) throws IOException {
        HttpResponse<String> response = get("/mailRepositories/" + encode(repository) + "/mails");
        if (response.statusCode() == 404) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        for (JsonNode key : json(response, 200)) {
            keys.add(key.asText());
        }
        return keys;
    }

    /** {@code GET /mailRepositories/{path}/mails/{key}?additionalFields=attributes,headers}. */
    public StoredMail mail(String repository, String key) throws IOException {
        JsonNode mail = json(get("/mailRepositories/" + encode(repository) + "/mails/" + encode(key)
            + "?additionalFields=attributes,headers"), 200);
        Map<String, String> attributes = new LinkedHashMap<>();
        mail.path("attributes").fields().forEachRemaining(field -> attributes.put(field.getKey(), field.getValue().asText()));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        mail.path("headers").fields().forEachRemaining(field -> {
            List<String> values = new ArrayList<>();
            field.getValue().forEach(value -> values.add(value.asText()));
            headers.put(field.getKey(), values);
        });
        return new StoredMail(repository, key, attributes, headers);
    }

    /** Every mail of a repository. */
    public List<StoredMail> mails(String repository) throws IOException {
        List<StoredMail> mails = new ArrayList<>();
        for (String key : mailKeys(repository)) {
            mails.add(mail(repository, key));
        }
        return mails;
    }

    private HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(timeout).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for WebAdmin: " + request.uri(), e);
        }
    }

    private URI uri(String path) {
        return base.resolve(path);
    }

    private static JsonNode json(HttpResponse<String> response, int expectedStatus) throws IOException {
        expect(response, expectedStatus);
        return JSON.readTree(response.body());
    }

    private static void expect(HttpResponse<String> response, int expectedStatus) throws IOException {
        if (response.statusCode() != expectedStatus) {
            throw new IOException("WebAdmin " + response.request().method() + " " + response.request().uri()
                + ": expected HTTP " + expectedStatus + ", got " + response.statusCode() + ": " + response.body());
        }
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
