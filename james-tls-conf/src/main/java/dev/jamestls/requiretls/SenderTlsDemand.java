package dev.jamestls.requiretls;

import java.util.Arrays;
import java.util.Optional;

/**
 * What the sender of one message asked of TLS on its way (RFC 8689): {@link #REQUIRETLS}, the
 * {@code REQUIRETLS} MAIL FROM parameter (§4.1: every hop must be authenticated TLS to a server that
 * supports REQUIRETLS), or {@link #TLS_OPTIONAL}, the header {@code TLS-Required: No} on a message
 * received without that parameter (§5: TLS failures of published policies do not stop delivery). A message
 * with both is {@link #REQUIRETLS}: the parameter takes precedence and the header is ignored (§4.1).
 */
public enum SenderTlsDemand {
    REQUIRETLS("requiretls"),
    TLS_OPTIONAL("tls-required-no");

    private final String spelling;

    SenderTlsDemand(String spelling) {
        this.spelling = spelling;
    }

    /** The value of the mail attribute that carries the demand through James's queues. */
    public String spelling() {
        return spelling;
    }

    public static Optional<SenderTlsDemand> fromSpelling(String spelling) {
        return Arrays.stream(values()).filter(d -> d.spelling.equals(spelling)).findFirst();
    }
}
