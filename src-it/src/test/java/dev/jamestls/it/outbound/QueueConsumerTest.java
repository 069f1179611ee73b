package dev.jamestls.it.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.core.MailAddress;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.dropwizard.DropWizardMetricFactory;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;

import dev.jamestls.it.harness.ForwardingMailQueue;
import dev.jamestls.james.outbound.QueueConsumer;
import dev.jamestls.outbound.ResubscribeBackoff;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The queue consumer of TlsRemoteDelivery over James 3.8.1's memory queue whose stream fails: an error, an
 * interruption, the stream ending. The consumer subscribes again with its backoff, counts one incident,
 * reports itself down meanwhile, and hands every mail that arrives to the delivery.
 */
class QueueConsumerTest {
    static final ResubscribeBackoff FAST = new ResubscribeBackoff(Duration.ofMillis(100), Duration.ofMillis(400));

    final MetricFactory metrics = new DropWizardMetricFactory(new com.codahale.metrics.MetricRegistry());
    final Scheduler workers = Schedulers.newBoundedElastic(2, 100, "queue-consumer-test");
    final MemoryMailQueueFactory.MemoryCacheableMailQueue memory = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory())
        .createQueue(MailQueueName.of("outgoing-tls"));
    final List<String> delivered = new CopyOnWriteArrayList<>();
    final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log = new ch.qos.logback.core.read.ListAppender<>();
    QueueConsumer consumer;

    final ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.jamestls.outbound");
    ch.qos.logback.classic.Level level;

    @org.junit.jupiter.api.BeforeEach
    void captureLog() {
        log.start();
        level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        logger.addAppender(log);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(log);
        logger.setLevel(level);
        consumer.close();
        workers.dispose();
        memory.close();
    }

    @Test
    void resubscribesAfterErrorsInterruptionsAndAnEndedStreamThenDeliversEveryMail() throws Exception {
        AtomicInteger subscriptions = new AtomicInteger();
        List<Flux<MailQueue.MailQueueItem>> failures = List.of(
            Flux.error(new MailQueue.MailQueueException("Unable to dequeue next message")),
            Flux.error(new InterruptedException()),
            Flux.empty());
        MailQueue failingThreeTimes = new ForwardingMailQueue(memory) {
            @Override
            public Publisher<MailQueue.MailQueueItem> deQueue() {
                int which = subscriptions.getAndIncrement();
                return which < failures.size() ? failures.get(which) : memory.deQueue();
            }
        };
        consumer = new QueueConsumer(failingThreeTimes, this::deliver, 2, workers, metrics, FAST, Duration.ofMillis(300));
        memory.enQueue(mail("first"));

        consumer.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.contains("first"));
        assertThat(subscriptions.get()).isEqualTo(4);
        assertThat(metrics.generate(QueueConsumer.CONSUMER_STOPS).getCount()).as("one incident").isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(consumer::running);
        assertThat(metrics.generate(QueueConsumer.CONSUMERS_DOWN).getCount()).isZero();

        memory.enQueue(mail("second"));
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.contains("second"));
        assertThat(levels()).as("one line when it stops, one when it runs again").containsExactly("WARN", "INFO");
    }

    @Test
    void reportsItselfDownWhileTheQueueCannotBeSubscribed() throws Exception {
        MailQueue broken = new ForwardingMailQueue(memory) {
            @Override
            public Publisher<MailQueue.MailQueueItem> deQueue() {
                return Flux.error(new java.util.concurrent.RejectedExecutionException("scheduler unavailable"));
            }
        };
        // Tries 100, 200, 400, 400 ms apart: longer than the 150 ms a subscription must last to count as recovered.
        consumer = new QueueConsumer(broken, this::deliver, 2, workers, metrics, FAST, Duration.ofMillis(150));

        consumer.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> metrics.generate(QueueConsumer.CONSUMERS_DOWN).getCount() == 1);
        Thread.sleep(1_500);
        assertThat(consumer.running()).as("a failed subscription never counts as recovered").isFalse();
        assertThat(metrics.generate(QueueConsumer.CONSUMERS_DOWN).getCount()).isEqualTo(1);
        assertThat(metrics.generate(QueueConsumer.CONSUMER_STOPS).getCount()).isEqualTo(1);
        assertThat(levels()).as("one line when it stops, one naming the refusal, none per try").containsExactly("WARN", "WARN");
        consumer.close();
        assertThat(metrics.generate(QueueConsumer.CONSUMERS_DOWN).getCount()).as("a closed consumer is not down").isZero();
    }

    private List<String> levels() {
        return log.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO))
            .map(event -> event.getLevel().toString()).toList();
    }

    private void deliver(MailQueue.MailQueueItem item) {
        delivered.add(item.getMail().getName());
        try {
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (MailQueue.MailQueueException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Mail mail(String name) throws Exception {
        javax.mail.internet.MimeMessage message = new javax.mail.internet.MimeMessage(
            javax.mail.Session.getInstance(new java.util.Properties()));
        message.setSubject(name);
        message.setText("body");
        message.saveChanges();
        return MailImpl.builder().name(name).sender("sender@james.local").addRecipient(new MailAddress("rcpt@dest.example"))
            .mimeMessage(message).build();
    }
}
