package dev.jamestls.it.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.utils.GuiceProbe;
import org.apache.mailet.Attribute;
import org.apache.mailet.Mail;

/**
 * Browses James's own mail queues through the {@link MailQueueFactory} API, as a well-behaved user does:
 * each browse takes a reference to the queue and gives it back (James's memory queue clears itself when its
 * last reference is closed).
 */
public class QueueProbe implements GuiceProbe {
    /** A queued mail: its recipients and string attributes, and when it is due. */
    public record QueuedMail(String name, List<String> recipients, Map<String, String> attributes, Optional<java.time.ZonedDateTime> nextDelivery) {
    }

    private final MailQueueFactory<? extends ManageableMailQueue> queues;

    @Inject
    public QueueProbe(MailQueueFactory<? extends ManageableMailQueue> queues) {
        this.queues = queues;
    }

    public List<QueuedMail> browse(String queueName) throws Exception {
        ManageableMailQueue queue = queues.getQueue(MailQueueName.of(queueName))
            .orElseThrow(() -> new IllegalArgumentException("no mail queue " + queueName));
        List<QueuedMail> mails = new ArrayList<>();
        ManageableMailQueue.MailQueueIterator iterator = queue.browse();
        try {
            while (iterator.hasNext()) {
                ManageableMailQueue.MailQueueItemView view;
                try {
                    view = iterator.next();
                } catch (java.util.NoSuchElementException e) {
                    break; // James's JMS browser: the mail was dequeued between hasNext() and next(); the view ends here
                }
                Mail mail = view.getMail();
                Map<String, String> attributes = new java.util.TreeMap<>();
                mail.attributes().forEach((Attribute attribute) ->
                    attributes.put(attribute.getName().asString(), String.valueOf(attribute.getValue().value())));
                mails.add(new QueuedMail(mail.getName(), mail.getRecipients().stream().map(Object::toString).toList(),
                    attributes, view.getNextDelivery()));
            }
        } finally {
            iterator.close();
            // getQueue took a reference (James's memory queue counts them): give it back, once.
            queue.close();
        }
        return mails;
    }
}
