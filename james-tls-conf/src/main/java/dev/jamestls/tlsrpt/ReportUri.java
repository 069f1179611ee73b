package dev.jamestls.tlsrpt;

import java.net.URI;
import java.util.Objects;

/**
 * One {@code rua} destination of a reporting policy (RFC 8460 §3): a mail address ({@code mailto:}, §5.3) or an
 * HTTPS endpoint ({@code https:}, §5.4).
 */
public sealed interface ReportUri {
    /** The URI as published. */
    String uri();

    /**
     * Reports sent by mail to {@code address} (RFC 8460 §5.3).
     *
     * @param uri the URI as published
     * @param address the addr-spec of the URI (RFC 6068 §2), percent-decoded
     */
    record Mailto(String uri, String address) implements ReportUri {
        public Mailto {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * Reports POSTed to {@code endpoint} (RFC 8460 §5.4).
     *
     * @param uri the URI as published
     * @param endpoint the parsed URI
     */
    record Https(String uri, URI endpoint) implements ReportUri {
        public Https {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }
}
