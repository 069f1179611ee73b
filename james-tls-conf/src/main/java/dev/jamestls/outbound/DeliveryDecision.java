package dev.jamestls.outbound;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.jamestls.mtasts.StsProblem;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.smtp.PeerReply;
import dev.jamestls.smtp.SmtpReply;

/**
 * What one delivery round (every target tried once) means for the mail (SPEC §2): delivered,
 * retried later, or bounced with a DSN whose status and text say what the rule required and what
 * the peers offered or presented.
 *
 * @param kind delivered, retry or bounce
 * @param status RFC 3463 enhanced status for the DSN ({@code 4.7.5}, {@code 5.7.10}, the peer's ...), empty when delivered
 * @param diagnostic the DSN's diagnostic text, one line
 * @param retryAfter the delay before the next round, for {@link Kind#RETRY}
 */
public record DeliveryDecision(Kind kind, String status, String diagnostic, Optional<Duration> retryAfter) {
    public enum Kind { DELIVERED, RETRY, BOUNCE }

    public DeliveryDecision {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(diagnostic, "diagnostic");
        Objects.requireNonNull(retryAfter, "retryAfter");
        if ((kind == Kind.RETRY) != retryAfter.isPresent()) {
            throw new IllegalArgumentException("a retry delay belongs to RETRY decisions only");
        }
    }

    public static DeliveryDecision delivered() {
        return new DeliveryDecision(Kind.DELIVERED, "", "", Optional.empty());
    }

    /** A round whose route learnt every published policy the destination announced, or found none. */
    public static DeliveryDecision decide(OutboundResolution resolution, TlsPlan plan, List<AttemptRecord> attempts,
                                          int retriesSoFar, RetrySchedule schedule) {
        return decide(resolution, plan, attempts, Optional.empty(), retriesSoFar, schedule);
    }

    /**
     * @param resolution the rule applied
     * @param plan what the rule required (its description goes into the DSN)
     * @param attempts this round's attempts, in order
     * @param stsUnavailable why the domain's announced MTA-STS policy could not be learnt this round
     *     ({@link DestinationRouting.Route#stsUnavailable}), empty when nothing was missing
     * @param retriesSoFar how many rounds were retries already (0 on the first round)
     * @param schedule the retry schedule
     */
    public static DeliveryDecision decide(OutboundResolution resolution, TlsPlan plan, List<AttemptRecord> attempts,
                                          Optional<StsProblem> stsUnavailable, int retriesSoFar, RetrySchedule schedule) {
        if (attempts.stream().anyMatch(a -> a.verdict().delivered())) {
            return delivered();
        }
        if (attempts.isEmpty()) {
            throw new IllegalArgumentException("a delivery round without attempts cannot be decided");
        }
        AttemptRecord last = attempts.get(attempts.size() - 1);
        if (last.verdict() == AttemptVerdict.REJECTED_PERMANENTLY) {
            return new DeliveryDecision(Kind.BOUNCE, peerStatus(last, SmtpReply.OTHER_PERMANENT),
                "delivery to " + resolution.recipientDomain().ascii() + " refused: " + last.summary(), Optional.empty());
        }
        String history = attempts.stream().map(AttemptRecord::summary).collect(Collectors.joining("; "));
        boolean requireTls = attempts.stream().anyMatch(a -> a.verdict() == AttemptVerdict.REQUIRETLS_NOT_MET);
        if (requireTls && attempts.stream().allMatch(a -> a.verdict() == AttemptVerdict.REQUIRETLS_NOT_MET)
            && stsUnavailable.isPresent() && attempts.stream().anyMatch(DeliveryDecision::notAuthenticated)) {
            // RFC 8689 §4.2.1 and §5: a temporary failure while a retry could succeed. The domain announced an MTA-STS policy
            // we could not fetch (an outage, or an attacker between us and its policy host); once fetched it may
            // authenticate the hosts left unauthenticated now (RFC 8461 §3.3, §5). Nothing was sent.
            StsProblem problem = stsUnavailable.get();
            String diagnostic = "the sender requires TLS (REQUIRETLS, RFC 8689) and no host of " + resolution.recipientDomain().ascii()
                + " is authenticated while its MTA-STS policy cannot be fetched (" + problem.type() + ": " + problem.reason() + "): "
                + history;
            return retryOrBounce(SmtpReply.OUTBOUND_TLS_NOT_SECURED_TEMPORARY, diagnostic, diagnostic + givenUp(retriesSoFar),
                retriesSoFar, schedule);
        }
        if (requireTls && attempts.stream().allMatch(a -> a.verdict() == AttemptVerdict.REQUIRETLS_NOT_MET)) {
            // RFC 8689 §4.2.1: no host is a path that meets the sender's REQUIRETLS (none is authenticated by the rule or a
            // published policy, or none lists REQUIRETLS after STARTTLS), so the message is not transmitted and a
            // non-delivery notification goes back at once with 5.7.30: waiting changes neither our configuration nor the
            // destination's software. A failure a retry could cure (no connection, TLS not established, a policy not yet
            // fetched) is temporary.
            return new DeliveryDecision(Kind.BOUNCE, SmtpReply.REQUIRETLS_SUPPORT_REQUIRED, "the sender requires TLS (REQUIRETLS, "
                + "RFC 8689) and no host of " + resolution.recipientDomain().ascii() + " meets it: " + history, Optional.empty());
        }
        // A REQUIRETLS mail is only ever sent under mandatory, authenticated TLS: any host's TLS failure is one.
        boolean tlsFailure = attempts.stream().anyMatch(a -> a.verdict() == AttemptVerdict.TLS_NOT_SECURED)
            && (plan.tlsMandatory() || requireTls);
        String diagnostic = tlsFailure
            ? "TLS required by " + resolution.kind().spelling() + " " + resolution.rule() + " (" + plan.describe()
                + ") could not be secured for " + resolution.recipientDomain().ascii() + ": " + history
            : "delivery to " + resolution.recipientDomain().ascii() + " failed temporarily: " + history;
        if (tlsFailure && resolution.requirement().failure() == Failure.PERMANENT && resolution.mode() == Mode.ENFORCE) {
            // RFC 7372 §3: 5.7.10 Encryption Needed; the rule says failure="permanent" (SPEC §2, §3).
            return new DeliveryDecision(Kind.BOUNCE, SmtpReply.ENCRYPTION_NEEDED_PERMANENT, diagnostic, Optional.empty());
        }
        String status = tlsFailure ? SmtpReply.OUTBOUND_TLS_NOT_SECURED_TEMPORARY
            : last.verdict() == AttemptVerdict.REJECTED_TEMPORARILY ? peerStatus(last, SmtpReply.OTHER_TEMPORARY)
            : SmtpReply.NO_ANSWER_FROM_HOST_TEMPORARY;
        return retryOrBounce(status, diagnostic, diagnostic + givenUp(retriesSoFar), retriesSoFar, schedule);
    }

    /**
     * No host could be tried: the destination's published policy (DNSSEC, DANE, MTA-STS) forbids every one. Temporary
     * (RFC 7672 §2.2, RFC 8461 §5: the sender defers and retries), a bounce only when the retries are spent.
     *
     * @param attempts the hosts not tried, each with its RFC 8460 result type
     */
    public static DeliveryDecision refusedByPolicy(OutboundResolution resolution, PolicySource source, List<AttemptRecord> attempts,
                                                   int retriesSoFar, RetrySchedule schedule) {
        String diagnostic = "TLS required by " + source + " (" + resolution.kind().spelling() + " " + resolution.rule() + ", level "
            + resolution.requirement().level() + ") could not be secured for " + resolution.recipientDomain().ascii() + ": "
            + attempts.stream().map(AttemptRecord::summary).collect(Collectors.joining("; "));
        return retryOrBounce(SmtpReply.OUTBOUND_TLS_NOT_SECURED_TEMPORARY, diagnostic, diagnostic + givenUp(retriesSoFar),
            retriesSoFar, schedule);
    }

    /**
     * The recipient domain publishes a null MX: a permanent failure at once, no connection, no retry
     * (RFC 7505 §4.2: "5.1.10 Recipient address has null MX").
     */
    public static DeliveryDecision nullMx(TargetSelection.NullMxException nullMx) {
        return new DeliveryDecision(Kind.BOUNCE, SmtpReply.NULL_MX_PERMANENT, nullMx.getMessage(), Optional.empty());
    }

    /** A round that could not start (DNS failure): temporary. */
    public static DeliveryDecision unroutable(String domain, String reason, int retriesSoFar, RetrySchedule schedule) {
        String diagnostic = "no route to " + domain + ": " + reason;
        return retryOrBounce(SmtpReply.UNABLE_TO_ROUTE_TEMPORARY, diagnostic, diagnostic, retriesSoFar, schedule);
    }

    /** An unexpected exception in our code: never a bounce while retries remain (SPEC §2). */
    public static DeliveryDecision internalError(Throwable error, int retriesSoFar, RetrySchedule schedule) {
        String diagnostic = "internal error: " + error.getClass().getName() + ": " + error.getMessage();
        return retryOrBounce(SmtpReply.OTHER_TEMPORARY, diagnostic, diagnostic, retriesSoFar, schedule);
    }

    /**
     * A temporary failure: retried after the schedule's next delay, or, with the retries spent, a bounce with the same
     * status and {@code bounceDiagnostic}.
     */
    private static DeliveryDecision retryOrBounce(String status, String diagnostic, String bounceDiagnostic, int retriesSoFar,
                                                  RetrySchedule schedule) {
        return schedule.delayBeforeRetry(retriesSoFar + 1)
            .map(delay -> new DeliveryDecision(Kind.RETRY, status, diagnostic, Optional.of(delay)))
            .orElseGet(() -> new DeliveryDecision(Kind.BOUNCE, status, bounceDiagnostic, Optional.empty()));
    }

    /** A host not connected to for REQUIRETLS because nothing authenticated it (not one that answered without REQUIRETLS). */
    private static boolean notAuthenticated(AttemptRecord attempt) {
        return attempt.senderDemand().filter(outcome -> outcome == SenderDemandOutcome.REQUIRETLS_UNAUTHENTICATED).isPresent();
    }

    private static String givenUp(int retriesSoFar) {
        return " (gave up after " + (retriesSoFar + 1) + " attempt round(s))";
    }

    /** The status of the peer's refusal (RFC 3463, as the peer sent it, or X.0.0 of its class), else {@code fallback}. */
    private static String peerStatus(AttemptRecord attempt, String fallback) {
        return attempt.peerReply().map(PeerReply::status).orElse(fallback);
    }
}
