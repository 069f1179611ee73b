package dev.jamestls.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResubscribeBackoffTest {
    @ParameterizedTest(name = "try {0}: {1} ms")
    @CsvSource({
        "1, 1000",
        "2, 2000",
        "3, 4000",
        "6, 32000",
        "7, 60000",
        "1000, 60000",
    })
    void doublesFromTheFirstDelayUpToTheMax(int attempt, long millis) {
        assertThat(ResubscribeBackoff.DEFAULT.delay(attempt)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void triesCountFromOne() {
        assertThatThrownBy(() -> ResubscribeBackoff.DEFAULT.delay(0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("attempts count from 1: 0");
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        "0     | 1000 | first resubscribe delay must be positive: PT0S",
        "-1    | 1000 | first resubscribe delay must be positive: PT-0.001S",
        "2000  | 1000 | max resubscribe delay PT1S is shorter than the first PT2S",
    })
    void rejectsBadDelays(long firstMillis, long maxMillis, String message) {
        assertThatThrownBy(() -> new ResubscribeBackoff(Duration.ofMillis(firstMillis), Duration.ofMillis(maxMillis)))
            .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
