package dev.jamestls.it.harness;

import java.time.Duration;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;

/** A James {@link MailQueue} that forwards every call to another; tests override the calls they change. */
public class ForwardingMailQueue implements MailQueue {
    private final MailQueue queue;

    public ForwardingMailQueue(MailQueue queue) {
        this.queue = queue;
    }

    @Override
    public MailQueueName getName() {
        return queue.getName();
    }

    @Override
    public void enQueue(Mail mail, Duration delay) throws MailQueueException {
        queue.enQueue(mail, delay);
    }

    @Override
    public void enQueue(Mail mail) throws MailQueueException {
        queue.enQueue(mail);
    }

    @Override
    public Publisher<Void> enqueueReactive(Mail mail) {
        return queue.enqueueReactive(mail);
    }

    @Override
    public Publisher<MailQueueItem> deQueue() {
        return queue.deQueue();
    }

    /** The forwarded queue belongs to its owner: this view does not release it. */
    @Override
    public void close() {
    }
}
