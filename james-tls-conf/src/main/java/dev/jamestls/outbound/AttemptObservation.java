package dev.jamestls.outbound;

import java.util.Objects;
import java.util.Optional;

import dev.jamestls.verify.VerificationOutcome;

/**
 * What the SMTP client saw during one attempt to one host: the raw facts, before classification.
 *
 * @param ip the address connected to, empty when none was reached
 * @param startTlsOffered whether the EHLO reply listed STARTTLS
 * @param stage how far TLS got
 * @param protocol negotiated protocol when TLS was established
 * @param cipher negotiated cipher suite when TLS was established
 * @param certificate the certificate check's outcome, when the peer presented a chain
 * @param error the failure, one line, when the attempt failed before or during TLS
 * @param transaction how the mail transaction ended
 * @param localIp our address on the connection (RFC 8460 §4.4 {@code sending-mta-ip}), empty when none was made
 */
public record AttemptObservation(Optional<String> ip, boolean startTlsOffered, TlsStage stage, Optional<String> protocol,
                                 Optional<String> cipher, Optional<VerificationOutcome> certificate, Optional<String> error,
                                 TransactionResult transaction, Optional<String> localIp) {
    public AttemptObservation {
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipher, "cipher");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(transaction, "transaction");
        Objects.requireNonNull(localIp, "localIp");
        if (stage != TlsStage.ESTABLISHED && (protocol.isPresent() || cipher.isPresent())) {
            throw new IllegalArgumentException("protocol and cipher exist only once TLS is established, not at stage " + stage);
        }
    }

    /** An observation without our own address. */
    public AttemptObservation(Optional<String> ip, boolean startTlsOffered, TlsStage stage, Optional<String> protocol,
                              Optional<String> cipher, Optional<VerificationOutcome> certificate, Optional<String> error,
                              TransactionResult transaction) {
        this(ip, startTlsOffered, stage, protocol, cipher, certificate, error, transaction, Optional.empty());
    }
}
