package dev.jamestls.it.harness;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * James 3.8.1 WebAdmin's mail queue routes ({@code /mailQueues}), as an administrator calls them: list
 * the queues, browse a queue's mails, count them, flush the delayed ones, delete some (a task, awaited).
 * Each call fails on an unexpected HTTP status, naming the route and the answer.
 */
public final class WebAdminQueues {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public WebAdminQueues(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /** {@code GET /mailQueues}: the names of the queues. */
    public JsonNode list() throws IOException {
        return json(send("GET", "/mailQueues", ""), 200);
    }

    /** {@code GET /mailQueues/{name}/mails}: the mails waiting in the queue (the route hit by James's defect). */
    public JsonNode browse(String queue) throws IOException {
        return json(send("GET", "/mailQueues/" + encode(queue) + "/mails", ""), 200);
    }

    /** {@code GET /mailQueues/{name}}: the queue and its size. */
    public long count(String queue) throws IOException {
        return json(send("GET", "/mailQueues/" + encode(queue), ""), 200).path("size").asLong();
    }

    /** {@code PATCH /mailQueues/{name}/mails?delayed=true} with {@code {"delayed": false}}: delayed mails are due now. */
    public void flush(String queue) throws IOException {
        expect(send("PATCH", "/mailQueues/" + encode(queue) + "/mails?delayed=true", "{\"delayed\": false}"), 204);
    }

    /** {@code DELETE /mailQueues/{name}/mails?recipient=...}, then waits for the task: how many it removed. */
    public long deleteByRecipient(String queue, String recipient) throws IOException {
        String task = json(send("DELETE", "/mailQueues/" + encode(queue) + "/mails?recipient=" + encode(recipient), ""), 201)
            .path("taskId").asText();
        JsonNode done = json(send("GET", "/tasks/" + encode(task) + "/await", ""), 200);
        if (!done.path("status").asText().equals("completed")) {
            throw new IOException("task " + task + " did not complete: " + done);
        }
        return done.path("additionalInformation").path("initialCount").asLong()
            - done.path("additionalInformation").path("remainingCount").asLong();
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
            .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + method + " " + path, e);
        }
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws IOException {
        expect(response, status);
        return JSON.readTree(response.body());
    }

    private static void expect(HttpResponse<String> response, int status) throws IOException {
        if (response.statusCode() != status) {
            throw new IOException(response.request().method() + " " + response.request().uri() + ": HTTP "
                + response.statusCode() + " (expected " + status + "): " + response.body());
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
