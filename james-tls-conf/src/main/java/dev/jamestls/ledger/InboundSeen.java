package dev.jamestls.ledger;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.tls.CertificateFacts;

/**
 * One inbound decision as the ledger takes it: for a transaction whose sender has a domain.
 *
 * @param at when the decision was made
 * @param senderDomain the {@code MAIL FROM} domain: the partner
 * @param rule the rule that applied (a connector, a table line, {@code defaults})
 * @param verdict {@code compliant} or {@code violation}
 * @param violation what was wrong, when something was
 * @param protocol the negotiated protocol, empty in clear text
 * @param cipher the negotiated cipher suite, empty in clear text
 * @param clientCertificate the leaf the client presented, if any
 * @param certificateCheck what our verification decided about it ({@code verified}, {@code rejected}, ...)
 * @param verifiedConnector the connector whose client certificate requirement the session satisfied, if any
 * @param helo the name the client gave in EHLO/HELO: its own claim, never checked
 */
public record InboundSeen(Instant at, String senderDomain, String rule, String verdict, Optional<Violation> violation,
                          Optional<String> protocol, Optional<String> cipher, Optional<CertificateFacts> clientCertificate,
                          String certificateCheck, Optional<String> verifiedConnector, Optional<String> helo) {
    public InboundSeen {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(senderDomain, "senderDomain");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(violation, "violation");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipher, "cipher");
        Objects.requireNonNull(clientCertificate, "clientCertificate");
        Objects.requireNonNull(certificateCheck, "certificateCheck");
        Objects.requireNonNull(verifiedConnector, "verifiedConnector");
        Objects.requireNonNull(helo, "helo");
    }

    /**
     * A violation of the rule.
     *
     * @param kind its kind ({@code tls-required}, {@code certificate-required}, ...)
     * @param reason both sides, peer text as it came
     */
    public record Violation(String kind, String reason) {
        public Violation {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(reason, "reason");
        }
    }

    public InboundIdentity identity() {
        return verifiedConnector.isPresent() ? InboundIdentity.VERIFIED_CLIENT_CERTIFICATE : InboundIdentity.UNVERIFIED_SENDER_DOMAIN;
    }
}
