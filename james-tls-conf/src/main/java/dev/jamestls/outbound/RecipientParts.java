package dev.jamestls.outbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;


/**
 * Per-recipient results of a round (RFC 5321 §3.3: RCPT is answered per recipient): the recipients the
 * peer accepted are done, each permanently refused one gets a DSN with the peer's status, the temporarily
 * refused ones wait for their retry together. A round without recipient refusals is one part: the
 * round's own decision for every recipient.
 */
public final class RecipientParts {
    private RecipientParts() {
    }

    /**
     * Some of a mail's recipients and what the round means for them.
     *
     * @param recipients the addresses, as in the mail's envelope
     * @param decision delivered, retry or bounce, with the DSN status and diagnostic for these recipients
     */
    public record Part(List<String> recipients, DeliveryDecision decision) {
        public Part {
            recipients = List.copyOf(recipients);
            Objects.requireNonNull(decision, "decision");
            if (recipients.isEmpty()) {
                throw new IllegalArgumentException("a part needs at least one recipient");
            }
        }
    }

    /**
     * @param decision the round's decision for the mail as a whole
     * @param attempts the round's attempts; the last one's recipient refusals split the mail
     * @param recipients the mail's recipients, in envelope order
     * @param retriesSoFar how many rounds were retries already
     * @param schedule the retry schedule, for the temporarily refused recipients
     */
    public static List<Part> split(DeliveryDecision decision, List<AttemptRecord> attempts, List<String> recipients,
                                   int retriesSoFar, RetrySchedule schedule) {
        if (attempts.isEmpty() || attempts.get(attempts.size() - 1).refusedRecipients().isEmpty()) {
            return List.of(new Part(recipients, decision));
        }
        AttemptRecord last = attempts.get(attempts.size() - 1);
        List<RecipientRefusal> refused = last.refusedRecipients().stream().filter(r -> recipients.contains(r.recipient())).toList();
        Set<String> refusedNames = refused.stream().map(RecipientRefusal::recipient).collect(Collectors.toSet());
        List<String> accepted = recipients.stream().filter(r -> !refusedNames.contains(r)).toList();
        List<Part> parts = new ArrayList<>();
        if (!accepted.isEmpty()) {
            parts.add(new Part(accepted, last.verdict().delivered() ? DeliveryDecision.delivered() : decision));
        }
        String host = last.mxHost() + ":" + last.port() + last.ip().map(ip -> " [" + ip + "]").orElse("");
        // One DSN per status: its delivery-status part carries one status for all its recipients.
        Map<String, List<RecipientRefusal>> permanent = new LinkedHashMap<>();
        for (RecipientRefusal refusal : refused) {
            if (refusal.permanent()) {
                permanent.computeIfAbsent(refusal.reply().status(), ignored -> new ArrayList<>()).add(refusal);
            }
        }
        permanent.forEach((status, group) -> parts.add(new Part(names(group),
            new DeliveryDecision(DeliveryDecision.Kind.BOUNCE, status, "recipient refused by " + host + ": " + describe(group),
                Optional.empty()))));
        List<RecipientRefusal> temporary = refused.stream().filter(r -> !r.permanent()).toList();
        if (!temporary.isEmpty()) {
            String status = temporary.get(0).reply().status();
            String diagnostic = "recipient deferred by " + host + ": " + describe(temporary);
            Optional<Duration> delay = schedule.delayBeforeRetry(retriesSoFar + 1);
            parts.add(new Part(names(temporary), delay.isPresent()
                ? new DeliveryDecision(DeliveryDecision.Kind.RETRY, status, diagnostic, delay)
                : new DeliveryDecision(DeliveryDecision.Kind.BOUNCE, status,
                    diagnostic + " (gave up after " + (retriesSoFar + 1) + " attempt round(s))", Optional.empty())));
        }
        return List.copyOf(parts);
    }

    private static List<String> names(List<RecipientRefusal> refusals) {
        return refusals.stream().map(RecipientRefusal::recipient).toList();
    }

    private static String describe(List<RecipientRefusal> refusals) {
        return refusals.stream().map(r -> r.recipient() + ": " + r.reply()).collect(Collectors.joining("; "));
    }
}
