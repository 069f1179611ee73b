package dev.jamestls.james.outbound;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.james.attributes.OutboundAttributes;
import dev.jamestls.james.attributes.RequireTlsAttributes;
import dev.jamestls.outbound.DeliveryDecision;
import dev.jamestls.outbound.RetrySchedule;
import dev.jamestls.requiretls.SenderTlsDemand;
import dev.jamestls.smtp.PeerText;

/**
 * Tells the sender that a mail cannot be delivered: a DSN (RFC 3464) from the null sender, or the mail handed to the
 * configured bounce processor. A DSN that cannot be sent is tried again on the retry schedule; after that the mail
 * is kept in James's {@code error} processor, never dropped (SPEC §2).
 */
public final class Bouncer {
    private static final Logger LOGGER = LoggerFactory.getLogger("dev.jamestls.outbound");

    private final MailetContext context;
    private final MailQueue queue;
    private final RetrySchedule schedule;
    private final Optional<String> bounceProcessor;
    private final String reportingMta;
    private final MetricFactory metrics;
    private final Clock clock;

    /**
     * @param reportingMta our name in the DSN ({@code Reporting-MTA}, RFC 3464 §2.2.2)
     * @param clock the arrival time of a mail James did not date
     */
    public Bouncer(MailetContext context, MailQueue queue, RetrySchedule schedule, Optional<String> bounceProcessor,
                   String reportingMta, MetricFactory metrics, Clock clock) {
        this.context = context;
        this.queue = queue;
        this.schedule = schedule;
        this.bounceProcessor = bounceProcessor;
        this.reportingMta = reportingMta;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Sends the DSN; when that fails, the DSN is tried again after the retry schedule's delays, up to its
     * {@code maxRetries}; after that the mail is kept in James's {@code error} processor, never dropped.
     */
    public void bounceOrRetryLater(Mail mail, DeliveryDecision decision, String mx) throws MessagingException {
        try {
            bounce(mail, decision, mx);
        } catch (MessagingException | RuntimeException e) {
            int failures = OutboundAttributes.bounceFailures(mail) + 1;
            OutboundAttributes.setBounceFailures(mail, failures);
            metrics.generate("jamestls.outbound.bounce.failed").increment();
            Optional<Duration> delay = schedule.delayBeforeRetry(failures);
            if (delay.isPresent()) {
                LOGGER.error("outbound-tls mail={} DSN ({}) could not be sent (failure {}); next try in {}", mail.getName(),
                    decision.status(), failures, delay.get(), e);
                queue.enQueue(mail, delay.get());
            } else {
                LOGGER.error("outbound-tls mail={} DSN ({}) could not be sent after {} tries (maxRetries {}); the mail goes to "
                    + "the error processor", mail.getName(), decision.status(), failures, schedule.maxRetries(), e);
                keepInErrorProcessor(mail, "DSN " + decision.status() + " could not be sent: " + decision.diagnostic());
            }
        }
    }

    /** A mail whose DSN could not be sent earlier: only the DSN is tried again, the mail is not delivered again. */
    public void retryBounce(Mail mail) throws MessagingException {
        Optional<DeliveryDecision> decision = OutboundAttributes.pendingBounce(mail);
        if (decision.isEmpty()) {
            throw new MessagingException("mail " + mail.getName() + " waits for its DSN but carries no DSN status and diagnostic");
        }
        bounceOrRetryLater(mail, decision.get(), OutboundAttributes.mx(mail).orElse(""));
    }

    /**
     * Bounces some recipients of a mail the others already received. When the bounce fails, these recipients wait in
     * the queue for the schedule's longest delay (SPEC §2: never lost); throwing would make the queue retry the
     * whole mail and send it again to those who have it.
     */
    public void bounceOrWait(Mail copy, DeliveryDecision decision, String mx, int retries) throws MessagingException {
        try {
            bounce(copy, decision, mx);
        } catch (MessagingException | RuntimeException e) {
            List<Duration> delays = schedule.delays();
            Duration wait = delays.get(delays.size() - 1);
            LOGGER.error("outbound-tls mail={} recipients={} could not be bounced; they wait {} in the queue", copy.getName(),
                copy.getRecipients(), wait, e);
            OutboundAttributes.setRetries(copy, retries + 1);
            queue.enQueue(copy, wait);
        }
    }

    /** Hands the mail to James's {@code error} processor (kept there for the postmaster), or throws. */
    public void keepInErrorProcessor(Mail mail, String why) throws MessagingException {
        mail.setAttribute(new Attribute(OutboundAttributes.JAMES_DELIVERY_ERROR, AttributeValue.of(why)));
        returnHeadersOnlyUnderRequireTls(mail);
        try {
            context.sendMail(mail, Mail.ERROR);
        } catch (RuntimeException e) {
            throw new MessagingException("the error processor refused mail " + mail.getName() + ": " + e, e);
        }
        metrics.generate("jamestls.outbound.keptInErrorProcessor").increment();
    }

    private void bounce(Mail mail, DeliveryDecision decision, String remoteMta) throws MessagingException {
        if (bounceProcessor.isPresent()) {
            mail.setAttribute(new Attribute(OutboundAttributes.JAMES_DELIVERY_ERROR, AttributeValue.of(decision.diagnostic())));
            returnHeadersOnlyUnderRequireTls(mail);
            context.sendMail(mail, bounceProcessor.get());
            return;
        }
        if (mail.getMaybeSender().isNullSender()) {
            // RFC 5321 §6.1: no notification about a notification. Nor is it dropped: it stays with the
            // postmaster in James's error processor (SPEC §2: kept, retried or refused, never lost).
            LOGGER.warn("outbound-tls mail={} with the null sender failed ({} {}); no DSN is sent for a DSN, the mail goes to "
                + "the error processor", mail.getName(), decision.status(), PeerText.escape(decision.diagnostic()));
            keepInErrorProcessor(mail, "a notification (null sender) could not be delivered: " + decision.status() + " "
                + decision.diagnostic());
            return;
        }
        Collection<MailAddress> recipients = mail.getRecipients();
        MailAddress sender = mail.getMaybeSender().get();
        MimeMessage dsn = DeliveryStatusNotification.build(reportingMta, context.getPostmaster().asString(), sender.asString(),
            recipients.stream().map(MailAddress::asString).toList(), remoteMta, arrival(mail), decision, mail.getMessage());
        if (!requireTls(mail)) {
            context.sendMail(MailAddress.nullSender(), List.of(sender), dsn);
            return;
        }
        // RFC 8689 §5: the notification of a REQUIRETLS message travels under REQUIRETLS too, and returns the original's
        // header fields only (as every DSN here does, RFC 3462 text/rfc822-headers), never its content: the attribute
        // makes this delivery, or the next hop's, apply the same demand to it.
        MailImpl notification = MailImpl.builder().name(MailImpl.getId()).sender(MailAddress.nullSender()).addRecipient(sender)
            .mimeMessage(dsn).build();
        try {
            RequireTlsAttributes.set(notification, SenderTlsDemand.REQUIRETLS);
            context.sendMail(notification);
        } finally {
            LifecycleUtil.dispose(notification);
        }
    }

    private static boolean requireTls(Mail mail) {
        return RequireTlsAttributes.demand(mail).filter(demand -> demand == SenderTlsDemand.REQUIRETLS).isPresent();
    }

    /**
     * RFC 8689 §5: a notification about a REQUIRETLS message returns its header fields only, never its content. A mail
     * handed to James's own bounce mailets (the {@code bounceProcessor}, the {@code error} processor) says so the way
     * they read it, its DSN parameter {@code RET=HDRS} (RFC 3461 §4.3): James's {@code DSNBounce} then attaches the
     * headers only, whatever the sender asked with {@code RET=FULL} or the mailet's {@code attachment} says. Its
     * {@code ENVID} and per-recipient parameters are kept; the REQUIRETLS attribute stays on the mail, and
     * {@code DSNBounce} copies it onto the notification.
     */
    private static void returnHeadersOnlyUnderRequireTls(Mail mail) {
        if (!requireTls(mail)) {
            return;
        }
        Optional<DsnParameters> given = mail.dsnParameters();
        DsnParameters.Builder headersOnly = DsnParameters.builder().ret(DsnParameters.Ret.HDRS);
        given.flatMap(DsnParameters::getEnvIdParameter).ifPresent(headersOnly::envId);
        given.ifPresent(parameters -> headersOnly.rcptParameters(parameters.getRcptParameters()));
        headersOnly.build().ifPresent(mail::setDsnParameters);
    }

    /**
     * When the mail arrived here (RFC 3464 §2.2.5): James sets a mail's last-updated time when it receives it,
     * and neither its queues nor this mailet change it afterwards.
     */
    private ZonedDateTime arrival(Mail mail) {
        Date lastUpdated = mail.getLastUpdated();
        return lastUpdated == null ? ZonedDateTime.now(clock.withZone(java.time.ZoneId.systemDefault()))
            : ZonedDateTime.ofInstant(lastUpdated.toInstant(), java.time.ZoneId.systemDefault());
    }
}
