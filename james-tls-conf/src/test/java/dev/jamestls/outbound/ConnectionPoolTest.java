package dev.jamestls.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.testkit.MovableClock;

/** Bounds, idle timeout and ownership of the destination connection pool. */
class ConnectionPoolTest {
    final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final List<String> closed = new ArrayList<>();

    ConnectionPool<String, String> pool(int total, int perKey, Duration idle) {
        return new ConnectionPool<>(new ConnectionReuse(total, perKey, idle), clock, closed::add);
    }

    @Test
    void releasedConnectionIsBorrowedOnceForItsKeyOnly() {
        ConnectionPool<String, String> pool = pool(4, 2, Duration.ofSeconds(30));

        assertThat(pool.release("rule-a|verify|mx:25", "c1")).isTrue();

        assertThat(pool.borrow("rule-b|verify|mx:25")).isEmpty();
        assertThat(pool.borrow("rule-a|verify|mx:25")).contains("c1");
        assertThat(pool.borrow("rule-a|verify|mx:25")).isEmpty();
        assertThat(closed).isEmpty();
    }

    @Test
    void connectionsBeyondTheLimitPerDestinationAreClosed() {
        ConnectionPool<String, String> pool = pool(10, 2, Duration.ofSeconds(30));

        pool.release("k", "c1");
        pool.release("k", "c2");
        assertThat(pool.release("k", "c3")).isFalse();

        assertThat(closed).containsExactly("c3");
        assertThat(pool.idleCount("k")).isEqualTo(2);
    }

    @Test
    void connectionsBeyondTheTotalLimitAreClosed() {
        ConnectionPool<String, String> pool = pool(2, 2, Duration.ofSeconds(30));

        pool.release("a", "c1");
        pool.release("b", "c2");
        assertThat(pool.release("c", "c3")).isFalse();

        assertThat(closed).containsExactly("c3");
        assertThat(pool.idleCount()).isEqualTo(2);
    }

    @Test
    void poolOfSizeZeroKeepsNothing() {
        ConnectionPool<String, String> pool = pool(0, 1, Duration.ofSeconds(30));

        assertThat(pool.release("k", "c1")).isFalse();

        assertThat(closed).containsExactly("c1");
        assertThat(pool.borrow("k")).isEmpty();
    }

    @Test
    void sweeperClosesConnectionsIdleForTheTimeoutAndKeepsYoungerOnes() {
        ConnectionPool<String, String> pool = pool(4, 4, Duration.ofSeconds(30));
        pool.release("k", "old");
        clock.advance(Duration.ofSeconds(20));
        pool.release("k", "young");
        clock.advance(Duration.ofSeconds(10));

        assertThat(pool.closeIdle()).isEqualTo(1);

        assertThat(closed).containsExactly("old");
        assertThat(pool.borrow("k")).contains("young");
    }

    @Test
    void borrowNeverReturnsATimedOutConnectionAndClosesIt() {
        ConnectionPool<String, String> pool = pool(4, 4, Duration.ofSeconds(30));
        pool.release("k", "c1");
        clock.advance(Duration.ofSeconds(31));

        assertThat(pool.borrow("k")).isEmpty();

        assertThat(closed).containsExactly("c1");
        assertThat(pool.idleCount()).isZero();
    }

    @Test
    void closingThePoolClosesIdleConnectionsAndLaterReleases() {
        ConnectionPool<String, String> pool = pool(4, 4, Duration.ofSeconds(30));
        pool.release("a", "c1");
        pool.release("b", "c2");

        pool.close();
        pool.release("a", "c3");

        assertThat(closed).containsExactlyInAnyOrder("c1", "c2", "c3");
        assertThat(pool.borrow("a")).isEmpty();
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
    }
}
