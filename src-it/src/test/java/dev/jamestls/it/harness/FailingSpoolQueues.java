package dev.jamestls.it.harness;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;

import reactor.core.publisher.Mono;

/**
 * James's memory queues, except that the mailet container's spool refuses the next {@code n} mails with
 * the null sender (DSNs) that a mailet sends: {@code MailetContext.sendMail} then throws, as it does when
 * James's spool cannot take a mail. Every such try is recorded with its time. Bind with {@code overrideWith}
 * (it replaces {@code MailQueueFactory<?>}, which the mailet context and the mailets use; WebAdmin and the
 * queue probe keep the memory factory itself).
 */
public final class FailingSpoolQueues extends AbstractModule {
    private final AtomicInteger refusals = new AtomicInteger();
    private final List<java.time.Instant> dsnTries = new CopyOnWriteArrayList<>();

    /** Refuse the next {@code count} DSNs. */
    public void refuseDsns(int count) {
        refusals.set(count);
    }

    /** When each DSN was offered to the spool, refused or not. */
    public List<java.time.Instant> dsnTries() {
        return List.copyOf(dsnTries);
    }

    @Provides
    @Singleton
    MailQueueFactory<?> mailQueueFactory(MemoryMailQueueFactory memory) {
        return new MailQueueFactory<MailQueue>() {
            @Override
            public Optional<MailQueue> getQueue(MailQueueName name, PrefetchCount count) {
                return memory.getQueue(name, count).map(queue -> wrap(name, queue));
            }

            @Override
            public MailQueue createQueue(MailQueueName name, PrefetchCount count) {
                return wrap(name, memory.createQueue(name, count));
            }

            @Override
            public Set<MailQueueName> listCreatedMailQueues() {
                return memory.listCreatedMailQueues();
            }
        };
    }

    private MailQueue wrap(MailQueueName name, MailQueue queue) {
        return name.equals(MailQueueFactory.SPOOL) ? new SpoolRefusingDsns(queue) : queue;
    }

    private final class SpoolRefusingDsns extends ForwardingMailQueue {
        private final MailQueue spool;

        SpoolRefusingDsns(MailQueue spool) {
            super(spool);
            this.spool = spool;
        }

        @Override
        public void enQueue(Mail mail, Duration delay) throws MailQueueException {
            refuseDsn(mail);
            spool.enQueue(mail, delay);
        }

        @Override
        public void enQueue(Mail mail) throws MailQueueException {
            refuseDsn(mail);
            spool.enQueue(mail);
        }

        @Override
        public Publisher<Void> enqueueReactive(Mail mail) {
            return Mono.fromCallable(() -> {
                refuseDsn(mail);
                return true;
            }).then(Mono.from(spool.enqueueReactive(mail)));
        }

        private void refuseDsn(Mail mail) throws MailQueueException {
            if (!mail.getMaybeSender().isNullSender()) {
                return;
            }
            dsnTries.add(java.time.Instant.now());
            if (refusals.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                throw new MailQueueException("test: the spool refuses this DSN");
            }
        }
    }
}
