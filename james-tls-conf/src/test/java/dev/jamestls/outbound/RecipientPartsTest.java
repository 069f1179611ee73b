package dev.jamestls.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.jamestls.policy.CipherPolicy;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.smtp.PeerReply;
import dev.jamestls.tls.TlsProtocol;

/** Per-recipient results: accepted recipients are done, refused ones bounce or wait, each with the peer's status. */
class RecipientPartsTest {
    static final RetrySchedule SCHEDULE = RetrySchedule.parse("1 minute, 1 hour", 2);
    static final List<String> RECIPIENTS = List.of("ok@partner.example", "refused@partner.example", "later@partner.example");
    static final RecipientRefusal REFUSED = new RecipientRefusal("refused@partner.example", PeerReply.of(550, "550 5.1.1 no such user"));
    static final RecipientRefusal LATER = new RecipientRefusal("later@partner.example", PeerReply.of(450, "450 4.2.1 busy"));

    @Test
    void aPartialDeliverySplitsIntoDeliveredBouncedAndRetried() {
        List<RecipientParts.Part> parts = RecipientParts.split(DeliveryDecision.delivered(),
            List.of(attempt(AttemptVerdict.DELIVERED, List.of(REFUSED, LATER))), RECIPIENTS, 0, SCHEDULE);

        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).recipients()).containsExactly("ok@partner.example");
        assertThat(parts.get(0).decision().kind()).isEqualTo(DeliveryDecision.Kind.DELIVERED);
        assertThat(parts.get(1).recipients()).containsExactly("refused@partner.example");
        assertThat(parts.get(1).decision().kind()).isEqualTo(DeliveryDecision.Kind.BOUNCE);
        assertThat(parts.get(1).decision().status()).isEqualTo("5.1.1");
        assertThat(parts.get(1).decision().diagnostic())
            .isEqualTo("recipient refused by mx1.partner.example:25 [127.0.0.1]: refused@partner.example: 550 5.1.1 no such user");
        assertThat(parts.get(2).recipients()).containsExactly("later@partner.example");
        assertThat(parts.get(2).decision().kind()).isEqualTo(DeliveryDecision.Kind.RETRY);
        assertThat(parts.get(2).decision().status()).isEqualTo("4.2.1");
        assertThat(parts.get(2).decision().retryAfter()).contains(Duration.ofMinutes(1));
    }

    @Test
    void deferredRecipientsBounceWithTheirStatusWhenTheScheduleIsExhausted() {
        List<RecipientParts.Part> parts = RecipientParts.split(DeliveryDecision.delivered(),
            List.of(attempt(AttemptVerdict.DELIVERED, List.of(LATER))), RECIPIENTS, 2, SCHEDULE);

        RecipientParts.Part deferred = parts.get(parts.size() - 1);
        assertThat(deferred.recipients()).containsExactly("later@partner.example");
        assertThat(deferred.decision().kind()).isEqualTo(DeliveryDecision.Kind.BOUNCE);
        assertThat(deferred.decision().status()).isEqualTo("4.2.1");
        assertThat(deferred.decision().diagnostic()).endsWith("(gave up after 3 attempt round(s))");
    }

    @Test
    void aStatusOfTheWrongClassIsNotTrusted() {
        RecipientRefusal odd = new RecipientRefusal("refused@partner.example", PeerReply.of(550, "550 4.2.1 says temporary"));

        List<RecipientParts.Part> parts = RecipientParts.split(DeliveryDecision.delivered(),
            List.of(attempt(AttemptVerdict.DELIVERED, List.of(odd))), RECIPIENTS, 0, SCHEDULE);

        assertThat(parts.get(1).decision().status()).isEqualTo("5.0.0");
    }

    @Test
    void aRoundWithoutRefusalsIsOnePartWithTheRoundsDecision() {
        DeliveryDecision retry = new DeliveryDecision(DeliveryDecision.Kind.RETRY, "4.7.5", "no TLS", Optional.of(Duration.ofMinutes(1)));

        List<RecipientParts.Part> parts = RecipientParts.split(retry, List.of(attempt(AttemptVerdict.TLS_NOT_SECURED, List.of())),
            RECIPIENTS, 0, SCHEDULE);

        assertThat(parts).containsExactly(new RecipientParts.Part(RECIPIENTS, retry));
    }

    @Test
    void aPartialDeliveryIsDeliveredAndItsRecordListsTheRefusals() {
        OutboundRequirement verify = new OutboundRequirement(OutboundLevel.VERIFY, List.of(), List.of(), TlsProtocol.TLS_1_2,
            CipherPolicy.DEFAULT, List.of(), Failure.TEMPORARY);
        OutboundResolution resolution = new OutboundResolution(AttemptClassifierTest.DOMAIN, RuleKind.CONNECTOR, "partner", Mode.ENFORCE,
            verify, Optional.empty(), Optional.empty(), List.of());
        TlsPlan plan = TlsPlan.forTarget(verify, Mode.ENFORCE, AttemptClassifierTest.DOMAIN, AttemptClassifierTest.MX,
            List.of(AttemptClassifierTest.ANCHOR));
        AttemptObservation seen = new AttemptObservation(Optional.of("127.0.0.1"), true, TlsStage.ESTABLISHED, Optional.of("TLSv1.3"),
            Optional.of("TLS_AES_128_GCM_SHA256"), Optional.empty(), Optional.empty(), TransactionResult.sentExcept(List.of(REFUSED, LATER)));

        AttemptClassification classification = AttemptClassifier.classify(plan, seen);
        AttemptRecord record = AttemptRecord.of(Instant.now(), resolution, plan, AttemptClassifierTest.MX, seen, classification);

        assertThat(classification.verdict()).isEqualTo(AttemptVerdict.DELIVERED);
        assertThat(classification.reason()).endsWith("; recipients refused: refused@partner.example (550 5.1.1 no such user); "
            + "later@partner.example (450 4.2.1 busy)");
        assertThat(record.refusedRecipients()).containsExactly(REFUSED, LATER);
        assertThat(record.logLine()).endsWith(" refused=\"refused@partner.example (550 5.1.1 no such user); later@partner.example (450 4.2.1 busy)\"");
    }

    @Test
    void aRefusalIsOneLineAndHasA4xxOr5xxCode() {
        assertThat(new RecipientRefusal("a@partner.example", PeerReply.of(550, "550 5.1.1 no\r\nRCPT TO:<injected>")).reply().text())
            .isEqualTo("550 5.1.1 no RCPT TO:<injected>");
        assertThatThrownBy(() -> new RecipientRefusal("a@partner.example", PeerReply.of(250, "250 ok")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("a peer's refusal has a 4xx or 5xx reply code (RFC 5321 §4.2.1), not 250");
        assertThatThrownBy(() -> new TransactionResult(TransactionResult.Kind.NOT_STARTED, Optional.empty(), "", List.of(REFUSED)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("recipient refusals belong to a sent or rejected transaction, not NOT_STARTED");
    }

    private static AttemptRecord attempt(AttemptVerdict verdict, List<RecipientRefusal> refused) {
        return new AttemptRecord(Instant.now(), "partner.example", "partner", RuleKind.CONNECTOR, Mode.ENFORCE, OutboundLevel.VERIFY,
            "mx1.partner.example", 25, Optional.of("127.0.0.1"), true, TlsStage.ESTABLISHED, Optional.of("TLSv1.3"),
            Optional.of("TLS_AES_128_GCM_SHA256"), Optional.empty(), Optional.empty(), Optional.empty(), verdict, Optional.empty(),
            "test", refused, Optional.empty(), PolicySource.CONNECTOR);
    }
}
