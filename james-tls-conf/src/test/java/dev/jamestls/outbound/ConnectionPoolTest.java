package dev.jamestls.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.testkit.MovableClock;

/** Bounds, idle timeout, mail count and age limits, and ownership of the destination connection pool. */
class ConnectionPoolTest {
    final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final List<String> closed = new ArrayList<>();

    ConnectionPool<String, String> pool(int total, int perKey, Duration idle) {
        return new ConnectionPool<>(new ConnectionReuse(total, perKey, idle), clock, closed::add);
    }

    ConnectionPool<String, String> limited(int maxMessages, Duration maxAge) {
        return new ConnectionPool<>(new ConnectionReuse(4, 4, Duration.ofSeconds(30), maxMessages, maxAge), clock, closed::add);
    }

    /** A connection opened now that carried its first mail. */
    ConnectionUse fresh() {
        return ConnectionUse.first(clock.instant());
    }

    static Optional<String> borrowed(ConnectionPool<String, String> pool, String key) {
        return pool.borrow(key).map(ConnectionPool.Kept::connection);
    }

    void borrowFindsNothingAndClosedC1(ConnectionPool<String, String> pool) {
        assertThat(borrowed(pool, "k")).isEmpty();

        assertThat(closed).containsExactly("c1");
        assertThat(pool.idleCount()).isZero();
    }

    void sweepClosesOldAndKeepsYoung(ConnectionPool<String, String> pool) {
        assertThat(pool.closeIdle()).isEqualTo(1);

        assertThat(closed).containsExactly("old");
        assertThat(borrowed(pool, "k")).contains("young");
    }

    /** Borrows the connection of {@code key}, as a delivery does, and releases it after one more mail. */
    static boolean sendOneMore(ConnectionPool<String, String> pool, String key) {
        ConnectionPool.Kept<String> kept = pool.borrow(key).orElseThrow();
        return pool.release(key, kept.connection(), kept.use().nextMail());
    }

    @Test
    void connectionIsClosedAfterItsCurrentMailWhenItReachesTheMailLimit() {
        ConnectionPool<String, String> pool = limited(3, Duration.ofSeconds(300));
        assertThat(pool.release("k", "c1", fresh())).isTrue();

        assertThat(sendOneMore(pool, "k")).isTrue();
        assertThat(closed).isEmpty();
        assertThat(sendOneMore(pool, "k")).isFalse();

        assertThat(closed).containsExactly("c1");
        assertThat(borrowed(pool, "k")).isEmpty();
    }

    @Test
    void mailLimitOfOneKeepsNoConnection() {
        ConnectionPool<String, String> pool = limited(1, Duration.ofSeconds(300));

        assertThat(pool.release("k", "c1", fresh())).isFalse();

        assertThat(closed).containsExactly("c1");
    }

    @Test
    void mailLimitZeroMeansNoLimit() {
        ConnectionPool<String, String> pool = limited(0, Duration.ofSeconds(300));
        pool.release("k", "c1", fresh());

        for (int mail = 2; mail <= 1_000; mail++) {
            assertThat(sendOneMore(pool, "k")).as("mail %d", mail).isTrue();
        }
        assertThat(closed).isEmpty();
        assertThat(pool.borrow("k")).hasValueSatisfying(kept -> assertThat(kept.use().mails()).isEqualTo(1_000));
    }

    @Test
    void connectionOpenedForTheAgeLimitIsClosedAfterItsCurrentMail() {
        ConnectionPool<String, String> pool = limited(0, Duration.ofSeconds(300));
        ConnectionUse opened = fresh();
        pool.release("k", "c1", opened);
        ConnectionPool.Kept<String> kept = pool.borrow("k").orElseThrow();
        // The mail in progress when the limit passes is finished, then the connection goes.
        clock.advance(Duration.ofSeconds(300));

        assertThat(pool.release("k", kept.connection(), kept.use().nextMail())).isFalse();

        assertThat(closed).containsExactly("c1");
        assertThat(kept.use().opened()).isEqualTo(opened.opened());
    }

    @Test
    void connectionThatAgedPastTheLimitWhileIdleIsNeverHandedOut() {
        ConnectionPool<String, String> pool = limited(0, Duration.ofSeconds(60));
        ConnectionUse openedEarlier = new ConnectionUse(clock.instant().minus(Duration.ofSeconds(50)), 1);
        pool.release("k", "c1", openedEarlier);
        clock.advance(Duration.ofSeconds(10));

        borrowFindsNothingAndClosedC1(pool);
    }

    @Test
    void sweeperClosesIdleConnectionsPastTheAgeLimitBeforeTheirIdleTimeout() {
        ConnectionPool<String, String> pool = limited(0, Duration.ofSeconds(60));
        pool.release("k", "old", new ConnectionUse(clock.instant().minus(Duration.ofSeconds(55)), 4));
        pool.release("k", "young", fresh());
        clock.advance(Duration.ofSeconds(5));

        sweepClosesOldAndKeepsYoung(pool);
    }

    @Test
    void whicheverLimitComesFirstRetiresTheConnection() {
        ConnectionPool<String, String> pool = limited(3, Duration.ofSeconds(60));
        pool.release("count", "c1", fresh());
        pool.release("age", "c2", fresh());

        assertThat(sendOneMore(pool, "count")).isTrue();
        assertThat(sendOneMore(pool, "count")).isFalse();
        clock.advance(Duration.ofSeconds(60));
        assertThat(borrowed(pool, "age")).isEmpty();

        assertThat(closed).containsExactly("c1", "c2");
        assertThat(pool.idleCount()).isZero();
    }

    @ParameterizedTest(name = "{0} mails, opened {1} s ago: spent {2}")
    @CsvSource({
        "1, 0,   false",
        "2, 0,   true",
        "1, 299, false",
        "1, 300, true",
        "2, 300, true",
    })
    void spentWhenEitherLimitIsReached(int mails, int secondsAgo, boolean spent) {
        ConnectionReuse reuse = new ConnectionReuse(4, 4, Duration.ofSeconds(30), 2, Duration.ofSeconds(300));
        Instant now = clock.instant();

        assertThat(reuse.spent(new ConnectionUse(now.minusSeconds(secondsAgo), mails), now)).isEqualTo(spent);
    }

    @Test
    void releasedConnectionIsBorrowedOnceForItsKeyOnly() {
        ConnectionPool<String, String> pool = pool(4, 2, Duration.ofSeconds(30));

        assertThat(pool.release("rule-a|verify|mx:25", "c1", fresh())).isTrue();

        assertThat(borrowed(pool, "rule-b|verify|mx:25")).isEmpty();
        assertThat(borrowed(pool, "rule-a|verify|mx:25")).contains("c1");
        assertThat(borrowed(pool, "rule-a|verify|mx:25")).isEmpty();
        assertThat(closed).isEmpty();
    }

    @Test
    void connectionsBeyondTheLimitPerDestinationAreClosed() {
        ConnectionPool<String, String> pool = pool(10, 2, Duration.ofSeconds(30));

        pool.release("k", "c1", fresh());
        pool.release("k", "c2", fresh());
        assertThat(pool.release("k", "c3", fresh())).isFalse();

        assertThat(closed).containsExactly("c3");
        assertThat(pool.idleCount("k")).isEqualTo(2);
    }

    @Test
    void connectionsBeyondTheTotalLimitAreClosed() {
        ConnectionPool<String, String> pool = pool(2, 2, Duration.ofSeconds(30));

        pool.release("a", "c1", fresh());
        pool.release("b", "c2", fresh());
        assertThat(pool.release("c", "c3", fresh())).isFalse();

        assertThat(closed).containsExactly("c3");
        assertThat(pool.idleCount()).isEqualTo(2);
    }

    @Test
    void poolOfSizeZeroKeepsNothing() {
        ConnectionPool<String, String> pool = pool(0, 1, Duration.ofSeconds(30));

        assertThat(pool.release("k", "c1", fresh())).isFalse();

        assertThat(closed).containsExactly("c1");
        assertThat(borrowed(pool, "k")).isEmpty();
    }

    @Test
    void sweeperClosesConnectionsIdleForTheTimeoutAndKeepsYoungerOnes() {
        ConnectionPool<String, String> pool = pool(4, 4, Duration.ofSeconds(30));
        pool.release("k", "old", fresh());
        clock.advance(Duration.ofSeconds(20));
        pool.release("k", "young", fresh());
        clock.advance(Duration.ofSeconds(10));

        sweepClosesOldAndKeepsYoung(pool);
    }

    @Test
    void borrowNeverReturnsATimedOutConnectionAndClosesIt() {
        ConnectionPool<String, String> pool = pool(4, 4, Duration.ofSeconds(30));
        pool.release("k", "c1", fresh());
        clock.advance(Duration.ofSeconds(31));

        borrowFindsNothingAndClosedC1(pool);
    }

    @Test
    void closingThePoolClosesIdleConnectionsAndLaterReleases() {
        ConnectionPool<String, String> pool = pool(4, 4, Duration.ofSeconds(30));
        pool.release("a", "c1", fresh());
        pool.release("b", "c2", fresh());

        pool.close();
        pool.release("a", "c3", fresh());

        assertThat(closed).containsExactlyInAnyOrder("c1", "c2", "c3");
        assertThat(borrowed(pool, "a")).isEmpty();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "30000      | PT30S",
        "30 seconds | PT30S",
        "2 minutes  | PT2M",
        "1h         | PT1H",
        "250 ms     | PT0.25S",
    })
    void parsesIdleTimeouts(String value, String expected) {
        assertThat(ConnectionReuse.parseDuration(value)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "0          | '0' must be more than 0",
        "-5         | '-5' is not a duration; accepted: amount [unit], unit one of ms, s, seconds, m, minutes, h, hours (default ms); e.g. '30 seconds'",
        "30 fortnights | '30 fortnights': unknown unit 'fortnights'; accepted: amount [unit], unit one of ms, s, seconds, m, minutes, h, hours (default ms); e.g. '30 seconds'",
        "soon       | 'soon' is not a duration; accepted: amount [unit], unit one of ms, s, seconds, m, minutes, h, hours (default ms); e.g. '30 seconds'",
    })
    void rejectsBadIdleTimeouts(String value, String message) {
        assertThatThrownBy(() -> ConnectionReuse.parseDuration(value)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage(message);
    }

    @Test
    void rejectsLimitsThatCannotWork() {
        assertThatThrownBy(() -> new ConnectionReuse(-1, 1, Duration.ofSeconds(1)))
            .hasMessage("connection pool size must be 0 or more: -1");
        assertThatThrownBy(() -> new ConnectionReuse(4, 0, Duration.ofSeconds(1)))
            .hasMessage("connections per destination must be 1 or more: 0");
        assertThatThrownBy(() -> new ConnectionReuse(4, 1, Duration.ofSeconds(1), -1, Duration.ofSeconds(1)))
            .hasMessage("mails per connection must be 0 (no limit) or more: -1");
        assertThatThrownBy(() -> new ConnectionReuse(4, 1, Duration.ofSeconds(1), 0, Duration.ZERO))
            .hasMessage("connection age limit must be positive: PT0S");
    }
}
