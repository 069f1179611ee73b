package dev.jamestls.james.ledger;

import java.io.File;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.filesystem.api.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.ledger.LedgerFile;
import dev.jamestls.ledger.PartnerLedger;
import dev.jamestls.smtp.PeerText;

/**
 * The per-partner TLS ledger of this James, one instance for every component: Guice creates this {@link Singleton}
 * just in time in James's root injector (its only dependency, {@link FileSystem}, is bound there), so the SMTP hook,
 * the mailets, the WebAdmin routes and the expiry watch, which James loads through child injectors, all get the same
 * one. It is read back from {@value #LOCATION} when first needed, written there every minute by a thread of its own
 * (only when something changed) and once more when James stops: never on a mail's thread.
 *
 * <p>Feeding it never fails or delays a mail: {@link #record} runs the update (a map update in memory) and logs,
 * never throws, what goes wrong.
 */
@Singleton
public class SharedLedger {
    /** Where the ledger is kept, under James's working directory. */
    public static final String LOCATION = "file://var/jamestls/partner-ledger.json";
    /** How often the ledger is written when it changed. */
    public static final Duration SAVE_INTERVAL = Duration.ofMinutes(1);
    public static final String THREAD_NAME = "james-tls-ledger";
    private static final Logger LOGGER = LoggerFactory.getLogger(SharedLedger.class);

    private final PartnerLedger ledger = new PartnerLedger();
    private final LedgerFile file;
    private final ScheduledExecutorService saver;
    private long saved;

    @Inject
    public SharedLedger(FileSystem fileSystem) {
        this(new LedgerFile(location(fileSystem), Clock.systemUTC()), SAVE_INTERVAL);
    }

    SharedLedger(LedgerFile file, Duration saveInterval) {
        this.file = file;
        ledger.restore(file.load());
        saved = ledger.changes();
        LOGGER.info("TLS ledger: {} partner(s) and {} received report(s) read back from {}, saved every {}", ledger.size(),
            ledger.receivedReports().size(), file.file(), saveInterval);
        saver = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
        saver.scheduleWithFixedDelay(this::save, saveInterval.toMillis(), saveInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Path location(FileSystem fileSystem) {
        try {
            File resolved = fileSystem.getFile(LOCATION);
            return resolved.toPath();
        } catch (FileNotFoundException e) {
            throw new IllegalStateException("TLS ledger: cannot resolve " + LOCATION + ": " + e.getMessage(), e);
        }
    }

    /** The ledger, to read. */
    public PartnerLedger ledger() {
        return ledger;
    }

    /**
     * Applies {@code update} to the ledger; whatever goes wrong is logged ({@code what} says which observation) and
     * swallowed: the ledger is a record of mail, never a condition for it.
     */
    public void record(String what, Consumer<PartnerLedger> update) {
        try {
            update.accept(ledger);
        } catch (RuntimeException e) {
            LOGGER.warn("TLS ledger: {} not recorded", what, PeerText.escape(e));
        }
    }

    /** Writes the ledger if it changed since the last write; a failure is logged and the next save tries again. */
    public synchronized void save() {
        long changes = ledger.changes();
        if (changes == saved) {
            return;
        }
        try {
            file.save(ledger.contents());
            saved = changes;
        } catch (java.io.IOException | RuntimeException e) {
            LOGGER.warn("TLS ledger: cannot write {} ({}); it stays in memory and the next save tries again", file.file(), e.toString());
        }
    }

    /** James stops: the saving thread ends and the ledger is written one last time. */
    @PreDestroy
    public void stop() {
        saver.shutdown();
        try {
            saver.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        save();
    }
}
