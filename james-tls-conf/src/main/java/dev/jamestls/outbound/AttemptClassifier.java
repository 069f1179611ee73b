package dev.jamestls.outbound;

import java.util.Optional;

import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.verify.TlsRptResultType;
import dev.jamestls.verify.VerificationOutcome;

/**
 * The one place where an attempt's observations become a verdict and an RFC 8460 result type
 * (RFC 8460 §4.3.1 negotiation failures; certificate failures through
 * {@link dev.jamestls.verify.VerificationKind#resultType()}).
 */
public final class AttemptClassifier {
    private AttemptClassifier() {
    }

    public static AttemptClassification classify(TlsPlan plan, AttemptObservation seen) {
        return switch (seen.stage()) {
            case CONNECT_FAILED -> new AttemptClassification(AttemptVerdict.CONNECTION_FAILED, Optional.empty(),
                "connection failed: " + seen.error().orElse("no reason given"));
            case NOT_ATTEMPTED -> fromTransaction(seen, false, Optional.empty(), plan.level() == OutboundLevel.NONE
                ? "clear text (level none)" : "clear text (retry after a failed STARTTLS, allowed by " + plan.describe() + ")");
            case NOT_OFFERED -> startTlsMissing(plan, seen, "STARTTLS not offered in the EHLO reply");
            case REFUSED -> startTlsMissing(plan, seen, "STARTTLS refused: " + seen.error().orElse("no reply text"));
            case PROTOCOL_VERSION -> protocolVersion(plan, seen);
            case HANDSHAKE_FAILED -> handshakeFailed(plan, seen);
            case CLIENT_CERTIFICATE_REQUIRED -> clientCertificateRequired(plan, seen);
            case ESTABLISHED -> established(seen);
        };
    }

    /**
     * Whether the same host is tried again in clear text: only where the rule allows clear text
     * ({@code may}, testing mode) and TLS failed before any message byte left (RFC 3207 §4 leaves
     * the choice to the client; Postfix does the same for {@code may}).
     */
    public static boolean retryInClear(TlsPlan plan, AttemptObservation seen) {
        return !plan.tlsMandatory() && plan.startTls()
            && (seen.stage() == TlsStage.REFUSED || seen.stage() == TlsStage.HANDSHAKE_FAILED
                || seen.stage() == TlsStage.CLIENT_CERTIFICATE_REQUIRED || seen.stage() == TlsStage.PROTOCOL_VERSION);
    }

    private static AttemptClassification startTlsMissing(TlsPlan plan, AttemptObservation seen, String reason) {
        Optional<TlsRptResultType> type = Optional.of(TlsRptResultType.STARTTLS_NOT_SUPPORTED);
        if (plan.tlsMandatory()) {
            requireNothingSent(seen);
            return new AttemptClassification(AttemptVerdict.TLS_NOT_SECURED, type, reason);
        }
        if (seen.stage() == TlsStage.REFUSED) {
            return new AttemptClassification(AttemptVerdict.TLS_NOT_SECURED, type, reason + "; retrying this host in clear text");
        }
        return fromTransaction(seen, false, type, reason + "; clear text allowed by " + plan.describe());
    }

    private static AttemptClassification handshakeFailed(TlsPlan plan, AttemptObservation seen) {
        requireNothingSent(seen);
        Optional<VerificationOutcome> failed = seen.certificate().filter(outcome -> !outcome.accepted());
        TlsRptResultType type = failed.flatMap(VerificationOutcome::resultType).orElse(TlsRptResultType.VALIDATION_FAILURE);
        String reason = failed.map(VerificationOutcome::message)
            .orElse("TLS handshake failed: " + seen.error().orElse("no reason given"));
        if (!plan.tlsMandatory()) {
            reason += "; retrying this host in clear text";
        }
        return new AttemptClassification(AttemptVerdict.TLS_NOT_SECURED, Optional.of(type), reason);
    }

    /**
     * The destination authenticates its clients (Postfix {@code smtpd_tls_req_ccert}) and refused us. RFC 8460 has no
     * result type for it: {@code validation-failure} (§4.3.2, "a general failure"), with the reason saying so.
     */
    private static AttemptClassification clientCertificateRequired(TlsPlan plan, AttemptObservation seen) {
        requireNothingSent(seen);
        String reason = "client certificate required: " + seen.error().orElse("the destination asked for a client certificate");
        if (!plan.tlsMandatory()) {
            reason += "; retrying this host in clear text";
        }
        return new AttemptClassification(AttemptVerdict.TLS_NOT_SECURED, Optional.of(TlsRptResultType.VALIDATION_FAILURE), reason);
    }

    /**
     * RFC 8996 §2-3: TLS 1.0 and 1.1 are never negotiated, so a peer that speaks nothing newer cannot be secured.
     * RFC 8460 has no result type for it: {@code validation-failure} (§4.3.1, "a general failure"), the reason says so.
     */
    private static AttemptClassification protocolVersion(TlsPlan plan, AttemptObservation seen) {
        requireNothingSent(seen);
        String reason = "protocol version: " + seen.error().orElse("the peer refused every version we offer")
            + "; we offer " + String.join("/", plan.protocols()) + " only (RFC 8996)";
        if (!plan.tlsMandatory()) {
            reason += "; retrying this host in clear text";
        }
        return new AttemptClassification(AttemptVerdict.TLS_NOT_SECURED, Optional.of(TlsRptResultType.VALIDATION_FAILURE), reason);
    }

    private static AttemptClassification established(AttemptObservation seen) {
        Optional<VerificationOutcome> failed = seen.certificate().filter(outcome -> !outcome.accepted());
        String tls = seen.protocol().orElse("?") + " " + seen.cipher().orElse("?");
        String reason = failed.map(outcome -> tls + "; recorded, not enforced: " + outcome.message())
            .orElse(tls + seen.certificate().map(outcome -> "; certificate accepted").orElse(""));
        return fromTransaction(seen, true, failed.flatMap(VerificationOutcome::resultType), reason);
    }

    private static AttemptClassification fromTransaction(AttemptObservation seen, boolean overTls,
                                                         Optional<TlsRptResultType> type, String reason) {
        TransactionResult transaction = seen.transaction();
        if (!transaction.refused().isEmpty()) {
            reason += "; recipients refused: " + transaction.refused().stream().map(RecipientRefusal::toString)
                .collect(java.util.stream.Collectors.joining("; "));
        }
        return switch (transaction.kind()) {
            case SENT -> new AttemptClassification(overTls ? AttemptVerdict.DELIVERED : AttemptVerdict.DELIVERED_IN_CLEAR,
                type, reason);
            case REJECTED -> new AttemptClassification(transaction.reply().orElseThrow().permanent()
                ? AttemptVerdict.REJECTED_PERMANENTLY : AttemptVerdict.REJECTED_TEMPORARILY, type,
                reason + "; peer replied: " + transaction.reply().orElseThrow());
            // RFC 8689 §4.2.1 step 4: no REQUIRETLS in the EHLO reply after STARTTLS; the next host may have it.
            case WITHHELD -> new AttemptClassification(AttemptVerdict.REQUIRETLS_NOT_MET, type, reason + "; " + transaction.detail());
            case BROKEN, NOT_STARTED -> new AttemptClassification(AttemptVerdict.CONNECTION_FAILED, type,
                reason + "; connection failed: " + (transaction.detail().isEmpty()
                    ? seen.error().orElse("no reason given") : transaction.detail()));
        };
    }

    // SPEC §2: under a mandatory level nothing of the message may have left before TLS was established.
    private static void requireNothingSent(AttemptObservation seen) {
        if (seen.transaction().kind() != TransactionResult.Kind.NOT_STARTED) {
            throw new IllegalStateException("a mail transaction ran without TLS (" + seen.transaction() + "): the client broke SPEC §2");
        }
    }
}
