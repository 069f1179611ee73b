package dev.jamestls.james.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.ledger.InboundSeen;
import dev.jamestls.ledger.LedgerFile;

class SharedLedgerTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path directory;

    private LedgerFile file() {
        return new LedgerFile(directory.resolve("var/jamestls/partner-ledger.json"), Clock.systemUTC());
    }

    @Test
    void writesAtStopWhatWasRecordedAndTheNextJamesReadsItBack() {
        SharedLedger first = new SharedLedger(file(), Duration.ofHours(1));
        first.record("inbound", ledger -> ledger.inbound(seen("partner.example")));
        first.stop();

        SharedLedger second = new SharedLedger(file(), Duration.ofHours(1));
        try {
            assertThat(second.ledger().partner("partner.example")).hasValueSatisfying(partner ->
                assertThat(partner.inboundVerdicts()).containsKey("partner-example"));
        } finally {
            second.stop();
        }
    }

    @Test
    void writesOnlyWhenSomethingChanged() throws IOException {
        SharedLedger shared = new SharedLedger(file(), Duration.ofHours(1));
        try {
            shared.save();
            assertThat(file().file()).as("nothing recorded, nothing written").doesNotExist();

            shared.record("inbound", ledger -> ledger.inbound(seen("partner.example")));
            shared.save();
            assertThat(file().file()).exists();
            Files.setLastModifiedTime(file().file(), FileTime.from(NOW));
            shared.save();

            assertThat(Files.getLastModifiedTime(file().file())).as("unchanged since: not written again").isEqualTo(FileTime.from(NOW));
        } finally {
            shared.stop();
        }
    }

    @Test
    void anObservationThatFailsIsLoggedAndNeverThrown() {
        SharedLedger shared = new SharedLedger(file(), Duration.ofHours(1));
        try {
            shared.record("broken", ledger -> {
                throw new IllegalStateException("broken\r\nforged");
            });
            assertThat(shared.ledger().partners()).isEmpty();
        } finally {
            shared.stop();
        }
    }

    @Test
    void itsSavingThreadEndsAtStop() throws InterruptedException {
        SharedLedger shared = new SharedLedger(file(), Duration.ofMillis(10));
        List<Thread> savers = Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> thread.getName().equals(SharedLedger.THREAD_NAME)).toList();

        shared.stop();

        for (Thread saver : savers) {
            saver.join(Duration.ofSeconds(5).toMillis());
        }
        assertThat(savers).noneMatch(Thread::isAlive);
    }

    private static InboundSeen seen(String domain) {
        return new InboundSeen(NOW, domain, "partner-example", "compliant", Optional.empty(), Optional.of("TLSv1.3"),
            Optional.of("TLS_AES_128_GCM_SHA256"), Optional.empty(), "not-required", Optional.empty(), Optional.empty());
    }
}
