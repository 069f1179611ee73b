package dev.jamestls.outbound;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Idle open connections, by destination key, bounded in total and per key, each closed after
 * the idle timeout. A borrowed connection belongs to the borrower until it is released (kept or
 * closed); the pool never hands one connection to two borrowers. The key decides what may be
 * shared, so it must name everything a connection was verified for (the delivering mailet uses
 * rule + level + host + port + TLS requirement: never across rules).
 *
 * <p>Closing ({@code closer}, e.g. SMTP QUIT) happens outside the pool's lock.
 *
 * @param <K> destination key
 * @param <C> connection
 */
public final class ConnectionPool<K, C> {
    private record Idle<C>(C connection, Instant since) {
    }

    private final ConnectionReuse limits;
    private final Clock clock;
    private final Consumer<C> closer;
    private final Map<K, Deque<Idle<C>>> idle = new HashMap<>();
    private int total;
    private boolean closed;

    public ConnectionPool(ConnectionReuse limits, Clock clock, Consumer<C> closer) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.closer = Objects.requireNonNull(closer, "closer");
    }

    /** The most recently released idle connection for {@code key} that has not timed out, now owned by the caller. */
    public Optional<C> borrow(K key) {
        List<C> expired = new ArrayList<>();
        Optional<C> found = Optional.empty();
        synchronized (this) {
            Deque<Idle<C>> queue = idle.get(key);
            Instant oldest = clock.instant().minus(limits.idleTimeout());
            while (queue != null && !queue.isEmpty() && found.isEmpty()) {
                Idle<C> entry = queue.pollLast();
                total--;
                if (entry.since().isAfter(oldest)) {
                    found = Optional.of(entry.connection());
                } else {
                    expired.add(entry.connection());
                }
            }
            if (queue != null && queue.isEmpty()) {
                idle.remove(key);
            }
        }
        expired.forEach(closer);
        return found;
    }

    /**
     * Keeps {@code connection} for the next borrower of {@code key}, or closes it when the pool is
     * off, closed, full in total or full for this key.
     *
     * @return whether it was kept
     */
    public boolean release(K key, C connection) {
        synchronized (this) {
            Deque<Idle<C>> queue = idle.get(key);
            int forKey = queue == null ? 0 : queue.size();
            if (!closed && total < limits.maxTotal() && forKey < limits.maxPerDestination()) {
                idle.computeIfAbsent(key, ignored -> new ArrayDeque<>()).addLast(new Idle<>(connection, clock.instant()));
                total++;
                return true;
            }
        }
        closer.accept(connection);
        return false;
    }

    /** Closes every connection idle for longer than the timeout (the sweeper calls this). */
    public int closeIdle() {
        List<C> expired = new ArrayList<>();
        synchronized (this) {
            Instant oldest = clock.instant().minus(limits.idleTimeout());
            for (Iterator<Deque<Idle<C>>> queues = idle.values().iterator(); queues.hasNext(); ) {
                Deque<Idle<C>> queue = queues.next();
                while (!queue.isEmpty() && !queue.peekFirst().since().isAfter(oldest)) {
                    expired.add(queue.pollFirst().connection());
                    total--;
                }
                if (queue.isEmpty()) {
                    queues.remove();
                }
            }
        }
        expired.forEach(closer);
        return expired.size();
    }

    /** Closes every idle connection; later releases close their connection at once. */
    public void close() {
        List<C> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(queue -> queue.forEach(entry -> all.add(entry.connection())));
            idle.clear();
            total = 0;
        }
        all.forEach(closer);
    }

    public synchronized int idleCount() {
        return total;
    }

    public synchronized int idleCount(K key) {
        Deque<Idle<C>> queue = idle.get(key);
        return queue == null ? 0 : queue.size();
    }
}
