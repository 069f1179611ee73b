package dev.jamestls.james.attributes;

import java.util.List;
import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.jamestls.outbound.AttemptRecord;
import dev.jamestls.outbound.DeliveryDecision;

/**
 * Attributes {@code TlsRemoteDelivery} puts on a mail after each delivery round, for bounce
 * processors and later rounds (SPEC §1.6):
 *
 * <table>
 * <caption>attributes</caption>
 * <tr><th>name</th><th>type</th><th>value</th></tr>
 * <tr><td>{@code dev.jamestls.outbound.rule}</td><td>String</td><td>connector name, table line or {@code defaults}</td></tr>
 * <tr><td>{@code dev.jamestls.outbound.ruleKind}</td><td>String</td><td>{@code connector}, {@code domain table}, {@code defaults}</td></tr>
 * <tr><td>{@code dev.jamestls.outbound.level}</td><td>String</td><td>{@code none} ... {@code fingerprint}, {@code dane}, {@code dane-only}: the level the last attempt was made at</td></tr>
 * <tr><td>{@code dev.jamestls.outbound.source}</td><td>String</td><td>which policy decided the last attempt: {@code connector}, {@code dane}, {@code mta-sts}, {@code default}</td></tr>
 * <tr><td>{@code dev.jamestls.outbound.verdict}</td><td>String</td><td>last attempt: {@code delivered}, {@code delivered-in-clear}, {@code tls-not-secured}, ...</td></tr>
 * <tr><td>{@code dev.jamestls.outbound.resultType}</td><td>String</td><td>RFC 8460 result type of the last attempt's TLS shortfall, when any</td></tr>
 * <tr><td>{@code dev.jamestls.outbound.mx}</td><td>String</td><td>last host tried</td></tr>
 * <tr><td>{@code dev.jamestls.outbound.attempts}</td><td>List of String</td><td>every attempt of the last round as a log line</td></tr>
 * <tr><td>{@code dev.jamestls.outbound.retries}</td><td>Integer</td><td>retry rounds so far</td></tr>
 * <tr><td>{@code dev.jamestls.outbound.dsnStatus}</td><td>String</td><td>RFC 3463 status of a failed round ({@code 4.7.5}, {@code 5.7.10}, ...)</td></tr>
 * <tr><td>{@code dev.jamestls.outbound.diagnostic}</td><td>String</td><td>what the rule required and what the peers offered or presented</td></tr>
 * <tr><td>{@code dev.jamestls.outbound.bounceFailures}</td><td>Integer</td><td>tries to send this failed mail's DSN that failed; while
 *     present the mail is not delivered again, only its DSN is tried again (after the retry schedule's delays)</td></tr>
 * </table>
 * A bounce sent to {@code bounceProcessor} also carries James's {@code delivery-error} (the diagnostic)
 * so James's {@code DSNBounce} mailet can use it.
 */
public final class OutboundAttributes {
    public static final AttributeName RULE = AttributeName.of("dev.jamestls.outbound.rule");
    public static final AttributeName RULE_KIND = AttributeName.of("dev.jamestls.outbound.ruleKind");
    public static final AttributeName LEVEL = AttributeName.of("dev.jamestls.outbound.level");
    public static final AttributeName SOURCE = AttributeName.of("dev.jamestls.outbound.source");
    public static final AttributeName VERDICT = AttributeName.of("dev.jamestls.outbound.verdict");
    public static final AttributeName RESULT_TYPE = AttributeName.of("dev.jamestls.outbound.resultType");
    public static final AttributeName MX = AttributeName.of("dev.jamestls.outbound.mx");
    public static final AttributeName ATTEMPTS = AttributeName.of("dev.jamestls.outbound.attempts");
    public static final AttributeName RETRIES = AttributeName.of("dev.jamestls.outbound.retries");
    public static final AttributeName DSN_STATUS = AttributeName.of("dev.jamestls.outbound.dsnStatus");
    public static final AttributeName DIAGNOSTIC = AttributeName.of("dev.jamestls.outbound.diagnostic");
    public static final AttributeName BOUNCE_FAILURES = AttributeName.of("dev.jamestls.outbound.bounceFailures");
    /** James's own name, read by its {@code DSNBounce} mailet. */
    public static final AttributeName JAMES_DELIVERY_ERROR = AttributeName.of("delivery-error");

    private OutboundAttributes() {
    }

    public static void setRound(Mail mail, List<AttemptRecord> attempts, DeliveryDecision decision) {
        if (!attempts.isEmpty()) {
            AttemptRecord last = attempts.get(attempts.size() - 1);
            mail.setAttribute(new Attribute(RULE, AttributeValue.of(last.rule())));
            mail.setAttribute(new Attribute(RULE_KIND, AttributeValue.of(last.ruleKind().spelling())));
            mail.setAttribute(new Attribute(LEVEL, AttributeValue.of(last.level().spelling())));
            mail.setAttribute(new Attribute(SOURCE, AttributeValue.of(last.source().spelling())));
            mail.setAttribute(new Attribute(VERDICT, AttributeValue.of(last.verdict().spelling())));
            mail.setAttribute(new Attribute(MX, AttributeValue.of(last.mxHost())));
            last.resultType().ifPresentOrElse(
                type -> mail.setAttribute(new Attribute(RESULT_TYPE, AttributeValue.of(type.spelling()))),
                () -> mail.removeAttribute(RESULT_TYPE));
            List<AttributeValue<?>> lines = attempts.stream().<AttributeValue<?>>map(a -> AttributeValue.of(a.logLine())).toList();
            mail.setAttribute(new Attribute(ATTEMPTS, AttributeValue.of(lines)));
        }
        if (decision.kind() == DeliveryDecision.Kind.DELIVERED) {
            mail.removeAttribute(DSN_STATUS);
            mail.removeAttribute(DIAGNOSTIC);
        } else {
            mail.setAttribute(new Attribute(DSN_STATUS, AttributeValue.of(decision.status())));
            mail.setAttribute(new Attribute(DIAGNOSTIC, AttributeValue.of(decision.diagnostic())));
        }
    }

    public static int retries(Mail mail) {
        return mail.getAttribute(RETRIES).map(Attribute::getValue).map(AttributeValue::value)
            .filter(Integer.class::isInstance).map(Integer.class::cast).orElse(0);
    }

    public static void setRetries(Mail mail, int retries) {
        mail.setAttribute(new Attribute(RETRIES, AttributeValue.of(retries)));
    }

    /** How many times this mail's DSN could not be sent; 0 when its delivery was never decided as a bounce. */
    public static int bounceFailures(Mail mail) {
        return mail.getAttribute(BOUNCE_FAILURES).map(Attribute::getValue).map(AttributeValue::value)
            .filter(Integer.class::isInstance).map(Integer.class::cast).orElse(0);
    }

    public static void setBounceFailures(Mail mail, int failures) {
        mail.setAttribute(new Attribute(BOUNCE_FAILURES, AttributeValue.of(failures)));
    }

    /** The status and diagnostic of the round that decided a bounce (see {@link #setRound}), when both are present. */
    public static Optional<DeliveryDecision> pendingBounce(Mail mail) {
        Optional<String> status = TlsAttributes.string(mail, DSN_STATUS);
        Optional<String> diagnostic = TlsAttributes.string(mail, DIAGNOSTIC);
        if (status.isEmpty() || diagnostic.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DeliveryDecision(DeliveryDecision.Kind.BOUNCE, status.get(), diagnostic.get(), Optional.empty()));
    }

    public static Optional<String> mx(Mail mail) {
        return TlsAttributes.string(mail, MX);
    }

    public static Optional<String> verdict(Mail mail) {
        return TlsAttributes.string(mail, VERDICT);
    }
}
