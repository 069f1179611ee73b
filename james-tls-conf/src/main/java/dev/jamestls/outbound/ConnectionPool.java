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
 * the idle timeout. A connection that reached the mail count or age limit ({@link ConnectionReuse#spent}) is
 * closed when it is released after its mail, and one that ages past the limit while idle is closed instead of
 * being handed out: it is never offered again. A borrowed connection belongs to the borrower until it is released (kept or
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
    private record Idle<C>(C connection, ConnectionUse use, Instant since) {
    }

    /**
     * A borrowed connection and its use so far; the borrower releases it with {@code use().nextMail()} after a mail,
     * or with {@code use()} when it carried none.
     */
    public record Kept<C>(C connection, ConnectionUse use) {
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

    /**
     * The most recently released idle connection for {@code key} that has neither timed out nor reached a limit,
     * now owned by the caller.
     */
    public Optional<Kept<C>> borrow(K key) {
        List<C> expired = new ArrayList<>();
        Optional<Kept<C>> found = Optional.empty();
        synchronized (this) {
            Deque<Idle<C>> queue = idle.get(key);
            Instant now = clock.instant();
            while (queue != null && !queue.isEmpty() && found.isEmpty()) {
                Idle<C> entry = queue.pollLast();
                total--;
                if (!closable(entry, now)) {
                    found = Optional.of(new Kept<>(entry.connection(), entry.use()));
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
     * off, closed, full in total or full for this key, or when {@code use} reached the mail count or age limit.
     *
     * @param use the connection's use including the mail it just carried
     * @return whether it was kept
     */
    public boolean release(K key, C connection, ConnectionUse use) {
        Objects.requireNonNull(use, "use");
        synchronized (this) {
            Deque<Idle<C>> queue = idle.get(key);
            int forKey = queue == null ? 0 : queue.size();
            Instant now = clock.instant();
            if (!closed && total < limits.maxTotal() && forKey < limits.maxPerDestination() && !limits.spent(use, now)) {
                idle.computeIfAbsent(key, ignored -> new ArrayDeque<>()).addLast(new Idle<>(connection, use, now));
                total++;
                return true;
            }
        }
        closer.accept(connection);
        return false;
    }

    /** Closes every connection idle for longer than the timeout or older than the age limit (the sweeper calls this). */
    public int closeIdle() {
        List<C> expired = new ArrayList<>();
        synchronized (this) {
            Instant now = clock.instant();
            for (Iterator<Deque<Idle<C>>> queues = idle.values().iterator(); queues.hasNext(); ) {
                Deque<Idle<C>> queue = queues.next();
                for (Iterator<Idle<C>> entries = queue.iterator(); entries.hasNext(); ) {
                    Idle<C> entry = entries.next();
                    if (closable(entry, now)) {
                        entries.remove();
                        expired.add(entry.connection());
                        total--;
                    }
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

    /** Idle for the timeout, or at the mail count or age limit. */
    private boolean closable(Idle<C> entry, Instant now) {
        return !entry.since().isAfter(now.minus(limits.idleTimeout())) || limits.spent(entry.use(), now);
    }

    public synchronized int idleCount() {
        return total;
    }

    public synchronized int idleCount(K key) {
        Deque<Idle<C>> queue = idle.get(key);
        return queue == null ? 0 : queue.size();
    }
}
