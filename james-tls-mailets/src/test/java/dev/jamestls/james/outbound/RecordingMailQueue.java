package dev.jamestls.james.outbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;

/**
 * James's {@link MailQueue} reduced to what a delivery calls: {@code enQueue} with a delay, and items whose
 * completion is recorded. James's memory queue cannot stand in: it shows neither delays nor completions, and
 * it cannot be told to refuse. Like a real queue it keeps a copy of the mail as it was when enqueued.
 */
final class RecordingMailQueue implements MailQueue {
    /** A mail as the queue received it, and the delay it asked for. */
    record Enqueued(Mail mail, Duration delay) {
    }

    private final MailQueueName name = MailQueueName.of("outgoing-tls");
    private final List<Enqueued> enqueued = new ArrayList<>();
    private boolean refusing;
    private boolean refusingWhenInterrupted;

    /** From now on every {@code enQueue} fails, as a queue whose store is down does. */
    RecordingMailQueue refuse() {
        refusing = true;
        return this;
    }

    /** From now on an {@code enQueue} on an interrupted thread fails, as a queue that blocks on I/O does. */
    RecordingMailQueue refuseWhenInterrupted() {
        refusingWhenInterrupted = true;
        return this;
    }

    /** What was enqueued, in order. */
    List<Enqueued> enqueued() {
        return List.copyOf(enqueued);
    }

    /** A queue item of {@code mail}, as {@link #deQueue} would hand it out. */
    Item item(Mail mail) {
        return new Item(mail);
    }

    @Override
    public MailQueueName getName() {
        return name;
    }

    @Override
    public void enQueue(Mail mail, Duration delay) throws MailQueueException {
        if (refusing) {
            throw new MailQueueException("the queue store is down");
        }
        if (refusingWhenInterrupted && Thread.currentThread().isInterrupted()) {
            throw new MailQueueException("interrupted while enqueuing");
        }
        try {
            enqueued.add(new Enqueued(mail.duplicate(), delay));
        } catch (MessagingException e) {
            throw new MailQueueException("cannot copy " + mail.getName(), e);
        }
    }

    @Override
    public void enQueue(Mail mail) throws MailQueueException {
        enQueue(mail, Duration.ZERO);
    }

    @Override
    public Publisher<Void> enqueueReactive(Mail mail) {
        throw new UnsupportedOperationException("a delivery enqueues with a delay");
    }

    @Override
    public Publisher<MailQueueItem> deQueue() {
        throw new UnsupportedOperationException("tests hand items to the delivery themselves");
    }

    @Override
    public void close() {
    }

    /** One dequeued mail; records every completion asked of it, including refused ones. */
    static final class Item implements MailQueueItem {
        private final Mail mail;
        private final List<CompletionStatus> asked = new ArrayList<>();
        private final Set<CompletionStatus> refused = EnumSet.noneOf(CompletionStatus.class);

        private Item(Mail mail) {
            this.mail = mail;
        }

        /** Completing the item with {@code status} fails, as it does when the queue's broker is gone. */
        Item refuse(CompletionStatus status) {
            refused.add(status);
            return this;
        }

        /** Every {@code done} call, in order. */
        List<CompletionStatus> asked() {
            return List.copyOf(asked);
        }

        /** The completions the queue accepted, in order. */
        List<CompletionStatus> completed() {
            return asked.stream().filter(status -> !refused.contains(status)).toList();
        }

        @Override
        public Mail getMail() {
            return mail;
        }

        @Override
        public void done(CompletionStatus status) throws MailQueueException {
            asked.add(status);
            if (refused.contains(status)) {
                throw new MailQueueException("cannot record " + status);
            }
        }
    }
}
