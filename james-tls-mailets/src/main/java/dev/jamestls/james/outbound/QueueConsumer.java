package dev.jamestls.james.outbound;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.outbound.ResubscribeBackoff;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Takes mail from a James {@link MailQueue} and hands each item to a delivery, for as long as it is not
 * closed, whatever the queue does: when the queue's stream ends or fails (an error, an interruption, a
 * queue closed under it), the consumer subscribes again after a {@link ResubscribeBackoff}, for ever.
 *
 * <p>One incident is logged once when the consumer stops (WARN, with the cause), once more if the queue
 * refuses subscriptions (WARN: James closed it) and once when it runs again (INFO); the tries in between are
 * logged at DEBUG. While it is stopped, the counter
 * {@code jamestls.outbound.queue.consumersDown} is 1 higher (a gauge made of a counter: it goes back down
 * on recovery), and {@code jamestls.outbound.queue.consumerStops} counts the incidents. A consumer runs
 * again when a subscription has lasted {@code stableAfter} without failing, or when it hands out an item.
 *
 * <p>The queue dequeues on a thread of the consumer's own (James's JMS/ActiveMQ queue blocks the
 * subscribing thread in {@code receive}); deliveries run on the caller's {@code workers}, at most
 * {@code concurrency} at once. The delivery must complete every item it is given (SUCCESS or RETRY).
 */
public final class QueueConsumer implements AutoCloseable {
    public static final String CONSUMERS_DOWN = "jamestls.outbound.queue.consumersDown";
    public static final String CONSUMER_STOPS = "jamestls.outbound.queue.consumerStops";
    private static final Logger LOGGER = LoggerFactory.getLogger("dev.jamestls.outbound");

    private final MailQueue queue;
    private final Consumer<MailQueue.MailQueueItem> delivery;
    private final int concurrency;
    private final Scheduler workers;
    private final ResubscribeBackoff backoff;
    private final Duration stableAfter;
    private final Metric down;
    private final Metric stops;
    private final Scheduler dequeuer;
    private final ScheduledExecutorService timer;
    private long generation;
    private long failedGeneration = -1;
    private boolean stopped;
    private int tries;
    private boolean refusedSaid;
    private boolean closed;
    private Disposable subscription;

    public QueueConsumer(MailQueue queue, Consumer<MailQueue.MailQueueItem> delivery, int concurrency, Scheduler workers,
                         MetricFactory metrics, ResubscribeBackoff backoff, Duration stableAfter) {
        this.queue = queue;
        this.delivery = delivery;
        this.concurrency = concurrency;
        this.workers = workers;
        this.backoff = backoff;
        this.stableAfter = stableAfter;
        this.down = metrics.generate(CONSUMERS_DOWN);
        this.stops = metrics.generate(CONSUMER_STOPS);
        String name = queue.getName().asString();
        this.dequeuer = Schedulers.newSingle("tls-remote-delivery-dequeue-" + name, true);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tls-remote-delivery-resubscribe-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    public synchronized void start() {
        subscribe();
    }

    /** Whether the consumer is subscribed and has not stopped since. */
    public synchronized boolean running() {
        return !stopped && !closed;
    }

    private synchronized void subscribe() {
        if (closed) {
            return;
        }
        long current = ++generation;
        subscription = Flux.from(queue.deQueue())
            .subscribeOn(dequeuer)
            .doOnNext(item -> recovered(current))
            .flatMap(item -> Mono.fromRunnable(() -> delivery.accept(item)).subscribeOn(workers), concurrency)
            .subscribe(ignored -> { }, error -> stopped(current, error),
                () -> stopped(current, new IllegalStateException("the queue's stream ended")));
        if (stopped) {
            timer.schedule(() -> recovered(current), stableAfter.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void stopped(long which, Throwable cause) {
        if (closed || which != generation) {
            return;
        }
        failedGeneration = which;
        String name = queue.getName().asString();
        if (!stopped) {
            stopped = true;
            tries = 0;
            refusedSaid = false;
            down.increment();
            stops.increment();
            LOGGER.warn("outbound-tls queue consumer of {} stopped; subscribing again in {} (then backing off up to {})",
                name, backoff.delay(1), backoff.max(), cause);
        } else if (refused(cause) && !refusedSaid) {
            refusedSaid = true;
            LOGGER.warn("outbound-tls queue consumer of {}: the queue refuses subscriptions, James closed it (on James 3.8.1's "
                + "memory queue a WebAdmin listing of its mails does that); nothing is dequeued until James restarts", name);
        } else {
            LOGGER.debug("outbound-tls queue consumer of {}: try {} failed: {}", name, tries, cause.toString());
        }
        tries++;
        Duration delay = backoff.delay(tries);
        timer.schedule(this::subscribe, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void recovered(long which) {
        if (!stopped || closed || which != generation || which == failedGeneration) {
            return;
        }
        stopped = false;
        down.decrement();
        LOGGER.info("outbound-tls queue consumer of {} runs again after {} tr{}", queue.getName().asString(), tries,
            tries == 1 ? "y" : "ies");
    }

    private static boolean refused(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.RejectedExecutionException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (stopped) {
            down.decrement();
        }
        timer.shutdownNow();
        if (subscription != null) {
            subscription.dispose();
        }
        dequeuer.dispose();
    }
}
