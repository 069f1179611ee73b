package dev.jamestls.james.outbound;

import java.time.Duration;
import java.util.function.Consumer;

import javax.mail.MessagingException;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailQueue;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.james.attributes.OutboundAttributes;
import dev.jamestls.outbound.AttemptVerdict;
import dev.jamestls.outbound.DeliveryDecision;
import dev.jamestls.outbound.RecipientParts;
import dev.jamestls.outbound.RetrySchedule;
import dev.jamestls.smtp.PeerText;

/**
 * What happens to one mail taken from the outgoing queue ({@link QueueConsumer} hands it here): a
 * {@link DeliveryRound}, then the decision carried out: nothing more when delivered, back to the queue with the
 * retry delay, or a DSN ({@link Bouncer}); per recipient when the peer answered them apart. The mail is always
 * given back or handed on, never dropped: on any failure here it goes back to the queue after the schedule's first
 * delay, and when even the queue refuses it, to James's {@code error} processor.
 */
public final class QueuedMailDelivery implements Consumer<MailQueue.MailQueueItem> {
    private static final Logger LOGGER = LoggerFactory.getLogger("dev.jamestls.outbound");

    private final MailQueue queue;
    private final DeliveryRound round;
    private final Bouncer bouncer;
    private final RetrySchedule schedule;

    public QueuedMailDelivery(MailQueue queue, DeliveryRound round, Bouncer bouncer, RetrySchedule schedule) {
        this.queue = queue;
        this.round = round;
        this.bouncer = bouncer;
        this.schedule = schedule;
    }

    @Override
    public void accept(MailQueue.MailQueueItem item) {
        Mail mail = item.getMail();
        try {
            if (OutboundAttributes.bounceFailures(mail) > 0) {
                bouncer.retryBounce(mail);
            } else {
                carryOut(mail, round.deliver(mail));
            }
            complete(item, mail);
        } catch (DeliveryRound.Undeliverable e) {
            // No retry can help: the postmaster gets it (SPEC §2: kept, never dropped, never round the queue for ever).
            LOGGER.error("outbound-tls mail={} {}; it goes to the error processor", mail.getName(), e.getMessage());
            keepOrReturn(item, mail, e.getMessage());
        } catch (Exception | Error e) {
            // SPEC §2: never lose mail; it waits in the queue (not redelivered at once: a failure that repeats
            // would otherwise spin). Errors too (a class missing from the class path, a message nested too deep):
            // escaping, they would leave the item uncompleted, which James's memory queue never hands out again.
            LOGGER.error("outbound-tls mail={} could not be processed; left to the queue for a retry", mail.getName(), e);
            returnForRetry(item, mail, schedule.delays().get(0));
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    private void carryOut(Mail mail, DeliveryRound.Outcome outcome) throws MessagingException {
        if (outcome.parts().size() > 1) {
            carryOutParts(mail, outcome);
            return;
        }
        DeliveryDecision decision = outcome.decision();
        switch (decision.kind()) {
            case DELIVERED -> { }
            case RETRY -> {
                OutboundAttributes.setRetries(mail, outcome.retries() + 1);
                queue.enQueue(mail, decision.retryAfter().orElseThrow());
            }
            case BOUNCE -> bouncer.bounceOrRetryLater(mail, decision, outcome.mx());
        }
    }

    /**
     * Per-recipient results (RFC 5321 §3.3): the peer accepted some recipients and refused others. Each part
     * that is not delivered goes on as its own copy of the mail: a DSN for the permanently refused, the queue
     * with the retry delay for the temporarily refused.
     */
    private void carryOutParts(Mail mail, DeliveryRound.Outcome outcome) throws MessagingException {
        for (RecipientParts.Part part : outcome.parts()) {
            DeliveryDecision decision = part.decision();
            LOGGER.info("outbound-tls-delivery mail={} recipients={} decision={} status={} diagnostic=\"{}\"", mail.getName(),
                part.recipients(), decision.kind(), decision.status().isEmpty() ? "-" : decision.status(),
                PeerText.escape(decision.diagnostic()));
            if (decision.kind() == DeliveryDecision.Kind.DELIVERED) {
                continue;
            }
            Mail copy = mail.duplicate();
            try {
                copy.setRecipients(mail.getRecipients().stream().filter(r -> part.recipients().contains(r.asString())).toList());
                OutboundAttributes.setRound(copy, outcome.attempts(), decision);
                // The attempt delivered the others; for these recipients it was a refusal of the status's class.
                AttemptVerdict refusal = decision.status().startsWith("5") ? AttemptVerdict.REJECTED_PERMANENTLY
                    : AttemptVerdict.REJECTED_TEMPORARILY;
                copy.setAttribute(new Attribute(OutboundAttributes.VERDICT, AttributeValue.of(refusal.spelling())));
                if (decision.kind() == DeliveryDecision.Kind.RETRY) {
                    OutboundAttributes.setRetries(copy, outcome.retries() + 1);
                    queue.enQueue(copy, decision.retryAfter().orElseThrow());
                } else {
                    bouncer.bounceOrWait(copy, decision, outcome.mx(), outcome.retries());
                }
            } catch (MessagingException | RuntimeException e) {
                // Only this part failed; the others are carried out (delivered, bounced, queued), and retrying the
                // whole mail would send them again. This part goes to the postmaster; if even that fails, the
                // exception keeps the whole mail (a duplicate at worst, never a loss).
                LOGGER.error("outbound-tls mail={} recipients={} could not be queued for a retry or bounced; they go to the "
                    + "error processor", mail.getName(), part.recipients(), e);
                bouncer.keepInErrorProcessor(copy, "recipients " + part.recipients() + " could not be queued for a retry or "
                    + "bounced (" + decision.status() + "): " + e.getMessage());
            } finally {
                LifecycleUtil.dispose(copy);
            }
        }
    }

    private void keepOrReturn(MailQueue.MailQueueItem item, Mail mail, String why) {
        try {
            bouncer.keepInErrorProcessor(mail, why);
            complete(item, mail);
        } catch (MessagingException | RuntimeException e) {
            LOGGER.error("outbound-tls mail={} could not be handed to the error processor; left to the queue for a retry",
                mail.getName(), e);
            returnForRetry(item, mail, schedule.delays().get(0));
        }
    }

    private void complete(MailQueue.MailQueueItem item, Mail mail) {
        boolean interrupted = Thread.interrupted();
        try {
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (MailQueue.MailQueueException e) {
            // The mail is already back in the queue (retry) or handed on; a queue that cannot acknowledge it
            // may hand it out again (a duplicate, never a loss).
            LOGGER.warn("outbound-tls mail={} processed, but the queue could not record it", mail.getName(), e);
        } finally {
            restore(interrupted);
        }
    }

    private void returnForRetry(MailQueue.MailQueueItem item, Mail mail, Duration delay) {
        // An interrupted thread (a queue or pool closing under us) must still put the mail back.
        boolean interrupted = Thread.interrupted();
        try {
            if (requeue(mail, delay)) {
                complete(item, mail);
            } else if (!retryByQueue(item, mail)) {
                bouncer.keepInErrorProcessor(mail, "the outgoing queue " + queue.getName().asString() + " refused it back");
            }
        } catch (MessagingException e) {
            // Nothing took it: the item stays unacknowledged, which a persistent queue hands out again after a restart.
            LOGGER.error("outbound-tls mail={} could not be handed to the error processor either; left unacknowledged in the "
                + "queue", mail.getName(), e);
        } finally {
            restore(interrupted);
        }
    }

    private boolean requeue(Mail mail, Duration delay) {
        try {
            queue.enQueue(mail, delay);
            return true;
        } catch (MailQueue.MailQueueException | RuntimeException e) {
            LOGGER.error("outbound-tls mail={} could not be queued again with a delay; asking the queue for a retry", mail.getName(), e);
            return false;
        }
    }

    private boolean retryByQueue(MailQueue.MailQueueItem item, Mail mail) {
        try {
            item.done(MailQueue.MailQueueItem.CompletionStatus.RETRY);
            return true;
        } catch (MailQueue.MailQueueException | RuntimeException e) {
            LOGGER.error("outbound-tls mail={} could not be returned to the queue; it goes to the error processor", mail.getName(), e);
            return false;
        }
    }

    private static void restore(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
