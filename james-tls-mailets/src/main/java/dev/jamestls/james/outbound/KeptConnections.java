package dev.jamestls.james.outbound;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.james.metrics.api.MetricFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.outbound.ConnectionPool;
import dev.jamestls.outbound.ConnectionReuse;

/**
 * The connections a delivery mailet keeps open for the next mail ({@link DeliveryRound} borrows and returns them),
 * and the thread that closes those idle for longer than the configured timeout (with {@code QUIT}).
 */
public final class KeptConnections implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger("dev.jamestls.outbound");

    private final ConnectionPool<DeliveryRound.PoolKey, SmtpConnection> pool;
    private final MetricFactory metrics;
    private final ScheduledExecutorService sweeper;

    public KeptConnections(ConnectionReuse reuse, Clock clock, MetricFactory metrics) {
        this.pool = new ConnectionPool<>(reuse, clock, SmtpConnection::close);
        this.metrics = metrics;
        if (reuse.enabled()) {
            sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "tls-remote-delivery-idle-sweeper");
                thread.setDaemon(true);
                return thread;
            });
            long period = Math.max(50, Math.min(reuse.idleTimeout().toMillis() / 4, 5_000));
            sweeper.scheduleWithFixedDelay(this::closeIdleConnections, period, period, TimeUnit.MILLISECONDS);
        } else {
            sweeper = null;
        }
    }

    public ConnectionPool<DeliveryRound.PoolKey, SmtpConnection> pool() {
        return pool;
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        pool.close();
    }

    private void closeIdleConnections() {
        try {
            int closed = pool.closeIdle();
            if (closed > 0) {
                metrics.generate("jamestls.outbound.connections.idleClosed").add(closed);
            }
        } catch (RuntimeException e) {
            LOGGER.warn("outbound-tls idle connection sweep failed", e);
        }
    }
}
