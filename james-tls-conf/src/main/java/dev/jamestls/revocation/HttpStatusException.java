package dev.jamestls.revocation;

import java.io.IOException;
import java.net.URI;

/** The server answered, but not with 200 OK: the endpoint is reachable and failing. */
public final class HttpStatusException extends IOException {
    private final URI uri;
    private final int status;

    public HttpStatusException(URI uri, int status) {
        super("HTTP " + status + " from " + uri);
        this.uri = uri;
        this.status = status;
    }

    public URI uri() {
        return uri;
    }

    public int status() {
        return status;
    }
}
