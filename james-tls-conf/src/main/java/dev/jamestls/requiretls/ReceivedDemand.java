package dev.jamestls.requiretls;

import java.util.Objects;
import java.util.Optional;

/**
 * What a received message asks of TLS, from its MAIL FROM command and its header (RFC 8689 §4.1).
 *
 * @param requireTlsParameter whether MAIL FROM carried {@code REQUIRETLS}
 * @param header the {@code TLS-Required} field as read
 */
public record ReceivedDemand(boolean requireTlsParameter, TlsRequiredHeader header) {

    public ReceivedDemand {
        Objects.requireNonNull(header, "header");
    }

    /**
     * RFC 8689 §4.1: the parameter tags the message REQUIRETLS; without it a {@code TLS-Required: No}
     * field tags it TLS-optional; "If the REQUIRETLS MAIL FROM parameter is specified, the TLS-Required
     * header field MUST be ignored".
     */
    public Optional<SenderTlsDemand> demand() {
        if (requireTlsParameter) {
            return Optional.of(SenderTlsDemand.REQUIRETLS);
        }
        return header == TlsRequiredHeader.NO ? Optional.of(SenderTlsDemand.TLS_OPTIONAL) : Optional.empty();
    }

    /** Whether the message had a {@code TLS-Required} field that was set aside because of the parameter. */
    public boolean headerIgnored() {
        return requireTlsParameter && header != TlsRequiredHeader.ABSENT;
    }
}
