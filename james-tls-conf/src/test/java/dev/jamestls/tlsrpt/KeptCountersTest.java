package dev.jamestls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeptCountersTest {
    /** Two days after the scripted day: with 3 days kept, the scripted day and the one after stay, the day before goes. */
    private static final Clock TWO_DAYS_LATER = Clock.fixed(Instant.parse("2026-12-05T00:10:00Z"), ZoneOffset.UTC);

    @TempDir
    Path directory;

    @Test
    void aSaveLetsGoOfTheDaysBeforeTheKeptOnesAndTheRestIsReadBack() {
        Path file = directory.resolve("var/jamestls/tlsrpt-counters.json");
        KeptCounters kept = KeptCounters.load(new CounterFile(file, TWO_DAYS_LATER, 3), TWO_DAYS_LATER, 3);
        assertThat(kept.counters().snapshot()).isEmpty();
        ScriptedDay.play(kept.counters());

        assertThat(kept.save()).isTrue();

        KeptCounters after = KeptCounters.load(new CounterFile(file, TWO_DAYS_LATER, 3), TWO_DAYS_LATER, 3);
        assertThat(after.counters().snapshot()).extracting(CounterEntry::day)
            .containsOnly(ScriptedDay.DAY, ScriptedDay.DAY.plusDays(1));
        assertThat(after.counters().snapshot()).isEqualTo(kept.counters().snapshot());
    }

    @Test
    void aFileThatCannotBeWrittenFailsTheSaveAndKeepsTheCountsInMemory() throws Exception {
        Path notADirectory = Files.writeString(directory.resolve("var"), "a file where a directory should be");
        KeptCounters kept = KeptCounters.load(new CounterFile(notADirectory.resolve("tlsrpt-counters.json"), TWO_DAYS_LATER, 3),
            TWO_DAYS_LATER, 3);
        ScriptedDay.play(kept.counters());

        assertThat(kept.save()).isFalse();
        assertThat(kept.counters().domains(ScriptedDay.DAY)).containsExactly("dane.example", "plain.example", "sts.example");
    }
}
