package dev.jamestls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CounterFileTest {
    private static final Clock NEXT_DAY = Clock.fixed(Instant.parse("2026-12-04T00:10:00Z"), ZoneOffset.UTC);

    @TempDir
    Path directory;

    @Test
    void countersSurviveANewInstance() throws Exception {
        Path file = directory.resolve("var/tlsrpt/counters.json");
        TlsReportCounters before = new TlsReportCounters();
        ScriptedDay.play(before);
        new CounterFile(file, NEXT_DAY, 7).save(before.snapshot());

        TlsReportCounters after = new TlsReportCounters();
        after.restore(new CounterFile(file, NEXT_DAY, 7).load());

        for (String domain : List.of("dane.example", "sts.example", "plain.example")) {
            TlsReportCountersTest.assertSameJson(ScriptedDay.report(after, domain), switch (domain) {
                case "dane.example" -> ScriptedDay.DANE_REPORT;
                case "sts.example" -> ScriptedDay.STS_REPORT;
                default -> ScriptedDay.PLAIN_REPORT;
            });
        }
        assertThat(after.snapshot()).isEqualTo(before.snapshot());
        try (var left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file);
        }
    }

    @Test
    void savingReplacesTheFormerContent() throws Exception {
        Path file = directory.resolve("counters.json");
        TlsReportCounters counters = new TlsReportCounters();
        ScriptedDay.play(counters);
        CounterFile store = new CounterFile(file, NEXT_DAY, 7);
        store.save(counters.snapshot());

        counters.discardBefore(ScriptedDay.DAY.plusDays(1));
        store.save(counters.snapshot());

        assertThat(store.load()).extracting(CounterEntry::day).containsOnly(ScriptedDay.DAY.plusDays(1));
    }

    @Test
    void daysOlderThanKeptAreNotReadBack() throws Exception {
        Path file = directory.resolve("counters.json");
        TlsReportCounters counters = new TlsReportCounters();
        ScriptedDay.play(counters);
        new CounterFile(file, NEXT_DAY, 7).save(counters.snapshot());

        List<CounterEntry> kept = new CounterFile(file, NEXT_DAY, 1).load();

        assertThat(kept).extracting(CounterEntry::day).containsOnly(ScriptedDay.DAY, ScriptedDay.DAY.plusDays(1));
    }

    @Test
    void noFileIsNoCounts() {
        assertThat(new CounterFile(directory.resolve("absent.json"), NEXT_DAY, 7).load()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "not json",
        "{\"format\": 2, \"entries\": []}",
        "{\"format\": 1}",
        "{\"format\": 1, \"entries\": [{\"domain\": \"a.example\", \"day\": \"yesterday\", \"dropped-failure-details\": 0}]}",
        "{\"format\": 1, \"entries\": [{\"domain\": \"a.example\", \"day\": \"2026-12-03\", \"dropped-failure-details\": 0,"
            + " \"policy-report\": {\"policy\": {\"policy-type\": \"sts\", \"policy-domain\": \"a.example\"},"
            + " \"summary\": {\"total-successful-session-count\": -1, \"total-failure-session-count\": 0}}}]}",
        "{\"format\": 1, \"entries\": [{\"domain\": 7, \"day\": \"2026-12-03\", \"dropped-failure-details\": 0}]}",
    })
    void aCorruptedFileIsSetAsideAndTheCountersStartEmpty(String content) throws Exception {
        Path file = directory.resolve("counters.json");
        Files.writeString(file, content, StandardCharsets.UTF_8);

        List<CounterEntry> loaded = new CounterFile(file, NEXT_DAY, 7).load();

        assertThat(loaded).isEmpty();
        assertThat(file).doesNotExist();
        assertThat(directory.resolve("counters.json.corrupt")).hasContent(content);
    }
}
