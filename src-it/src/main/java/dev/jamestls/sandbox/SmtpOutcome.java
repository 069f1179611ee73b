package dev.jamestls.sandbox;

import java.util.List;
import java.util.Optional;

/**
 * What happened when a submission was sent.
 *
 * @param accepted whether the server accepted the message (2xx after DATA)
 * @param lastReply the last reply that decided the outcome, or the failure
 *     (e.g. the TLS handshake error) when the server never answered
 * @param protocol the TLS protocol the client negotiated, if any
 * @param cipher the cipher suite the client negotiated, if any
 * @param transcript every command and reply, in order
 */
public record SmtpOutcome(boolean accepted, String lastReply, Optional<String> protocol, Optional<String> cipher,
                          List<String> transcript) {

    public SmtpOutcome {
        transcript = List.copyOf(transcript);
    }
}
