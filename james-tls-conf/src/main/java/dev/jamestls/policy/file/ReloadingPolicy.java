package dev.jamestls.policy.file;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.policy.Connector;
import dev.jamestls.policy.ContentDigest;
import dev.jamestls.policy.TlsPolicy;
import dev.jamestls.policy.TrustAnchorFile;

/**
 * The current {@link TlsPolicy} of a policy file, swapped atomically when the
 * file or one of its domain tables / trust-anchor files changes. A broken new
 * version keeps the old policy running and logs every error. Readers call
 * {@link #current()} once per decision and never block on a reload.
 * <p>
 * Changes are detected by content: the SHA-256 of every file the last parse read
 * (policy file, domain tables, trust-anchor files) is compared with the files'
 * current SHA-256. An edit that keeps the modification time and the size
 * ({@code cp -p}, {@code enforce} to {@code testing}) is therefore seen, and a file
 * that was only touched is not parsed again. {@link #reloadIfChanged()} checks
 * once (tests, admin commands), {@link #startWatching(Duration)} checks
 * periodically on a daemon thread that {@link #close()} stops. Expired and
 * soon-expiring connectors are logged at load and once a day.
 * <p>
 * Components may also have this object watch their own trust-anchor files (a
 * James component's {@code trustAnchors} parameter) with
 * {@link #watchAnchors(Path)}: each check re-reads such a file when its content
 * changed, so a CA removed from it stops being trusted like one removed from a
 * partner's file in the policy.
 * <p>
 * Cost of one check: every watched file is read once, sequentially, through a
 * 64 KiB buffer and hashed ({@link ContentDigest#ofFile(Path)}): memory stays
 * constant whatever the size of a domain table, and the time is that of reading
 * and hashing the files' total size: measured at 70 ms for 100 MB from the page
 * cache on one core of JDK 17 (SHA-256 intrinsics), so about 7 ms per 10 MB of
 * domain tables. Parsing happens only when a digest differs. With the James
 * components' interval of five seconds, 100 MB of domain tables keep under 2% of
 * one core busy; a shorter interval costs more in proportion.
 */
public final class ReloadingPolicy implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(ReloadingPolicy.class);
    private static final int EXPIRY_WARNING_DAYS = 14;

    /** What one check did. */
    public enum Outcome {
        /** No file changed. */
        UNCHANGED,
        /** A change was loaded and is now current. */
        RELOADED,
        /** A change had errors; the previous policy stays current. */
        REJECTED
    }

    /** A policy and the digests of the files it was parsed from. */
    private record Loaded(TlsPolicy policy, Map<Path, ContentDigest> sources) {
    }

    private final Path file;
    private final Clock clock;
    private final PolicyFileParser parser;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    /** The digests of the files of the last rejected parse; empty when the last parse was loaded. */
    private volatile Map<Path, ContentDigest> rejectedSources = Map.of();
    /** Components' trust-anchor files (absolute, normalised paths), current content. */
    private final Map<Path, TrustAnchorFile> componentAnchors = new ConcurrentHashMap<>();
    /** Digests of component anchor files whose new content was unusable (logged once per content). */
    private final Map<Path, ContentDigest> rejectedAnchors = new ConcurrentHashMap<>();
    private volatile List<Problem> lastProblems;
    private volatile LocalDate lastExpiryLog;
    private ScheduledExecutorService scheduler;

    private ReloadingPolicy(Path file, Clock clock, Loaded initial, List<Problem> problems) {
        this.file = file;
        this.clock = clock;
        this.parser = new PolicyFileParser(clock);
        this.current.set(initial);
        this.lastProblems = List.copyOf(problems);
    }

    /**
     * Loads {@code file}; a file with errors fails here, so James does not start with a broken policy (SPEC §2).
     *
     * @throws PolicyException listing every error with file, line and column
     */
    public static ReloadingPolicy load(Path file, Clock clock) throws PolicyException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(clock, "clock");
        PolicyFileParser.Result result = new PolicyFileParser(clock).parse(file);
        if (result.hasErrors()) {
            throw new PolicyException(result.problems());
        }
        result.warnings().forEach(w -> LOGGER.warn("TLS policy: {}", w));
        ReloadingPolicy policy = new ReloadingPolicy(file, clock, new Loaded(result.policyOrThrow(), result.sources()),
            result.problems());
        LOGGER.info("TLS policy loaded from {}: {} connectors, {} domain tables", file,
            policy.current().connectors().size(), policy.current().tables().size());
        policy.logExpiries();
        return policy;
    }

    /** The policy in force. Cheap: one volatile read. */
    public TlsPolicy current() {
        return current.get().policy();
    }

    /** The file this policy is read from. */
    public Path file() {
        return file;
    }

    /** Problems (warnings, or the errors of a rejected reload) of the last load attempt. */
    public List<Problem> lastProblems() {
        return lastProblems;
    }

    /**
     * Has every check watch {@code file}, a component's own trust-anchor file: read now, and read again
     * whenever its content changes (an unusable new content is logged and the previous anchors stay). The
     * returned supplier gives the current anchors; it is cheap (one map read).
     *
     * @throws IOException when the file cannot be read or holds something other than certificates
     * @throws IllegalArgumentException when it holds no certificate
     */
    public Supplier<TrustAnchorFile> watchAnchors(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        synchronized (this) {
            if (!componentAnchors.containsKey(key)) {
                componentAnchors.put(key, TrustAnchorFile.read(key));
            }
        }
        return () -> componentAnchors.get(key);
    }

    /**
     * Checks the files once and reloads when the content of one changed. The files watched are those
     * of the last parse: after a rejected version, its files (a new domain table with an error, say),
     * so that fixing any of them is seen. Safe to call from several threads.
     */
    public synchronized Outcome reloadIfChanged() {
        Outcome anchors = reloadComponentAnchors();
        Outcome policy = reloadPolicyIfChanged();
        return policy == Outcome.REJECTED || anchors == Outcome.REJECTED ? Outcome.REJECTED
            : policy == Outcome.RELOADED || anchors == Outcome.RELOADED ? Outcome.RELOADED : Outcome.UNCHANGED;
    }

    private Outcome reloadComponentAnchors() {
        Outcome outcome = Outcome.UNCHANGED;
        for (Map.Entry<Path, TrustAnchorFile> entry : componentAnchors.entrySet()) {
            Path path = entry.getKey();
            ContentDigest now = ContentDigest.ofFile(path);
            if (now.equals(entry.getValue().digest()) || now.equals(rejectedAnchors.get(path))) {
                continue;
            }
            try {
                TrustAnchorFile fresh = TrustAnchorFile.read(path);
                componentAnchors.put(path, fresh);
                rejectedAnchors.remove(path);
                LOGGER.info("trust anchors reloaded from {}: {} certificates, content {}", path, fresh.certificates().size(),
                    fresh.digest().shortForm());
                outcome = outcome == Outcome.REJECTED ? outcome : Outcome.RELOADED;
            } catch (IOException | IllegalArgumentException e) {
                rejectedAnchors.put(path, now);
                LOGGER.error("trust anchors {} changed but cannot be used; the previous anchors stay in force: {}", path, e.getMessage());
                outcome = Outcome.REJECTED;
            }
        }
        return outcome;
    }

    private Outcome reloadPolicyIfChanged() {
        Map<Path, ContentDigest> known = rejectedSources.isEmpty() ? current.get().sources() : rejectedSources;
        if (digests(known.keySet()).equals(known)) {
            return Outcome.UNCHANGED;
        }
        PolicyFileParser.Result result = parser.parse(file);
        lastProblems = result.problems();
        if (result.hasErrors()) {
            rejectedSources = result.sources();
            LOGGER.error("TLS policy {} changed but has errors; the previous policy stays in force:\n{}", file,
                String.join("\n", result.errors().stream().map(Problem::toString).toList()));
            return Outcome.REJECTED;
        }
        rejectedSources = Map.of();
        result.warnings().forEach(w -> LOGGER.warn("TLS policy: {}", w));
        TlsPolicy policy = result.policy().orElseThrow();
        current.set(new Loaded(policy, result.sources()));
        LOGGER.info("TLS policy reloaded from {}: {} connectors, {} domain tables; content {}", file, policy.connectors().size(),
            policy.tables().size(), result.sources().getOrDefault(file, new ContentDigest(ContentDigest.UNREADABLE)).shortForm());
        lastExpiryLog = null;
        logExpiries();
        return Outcome.RELOADED;
    }

    /** Checks for changes every {@code interval} on a daemon thread until {@link #close()}. */
    public synchronized void startWatching(Duration interval) {
        if (scheduler != null) {
            throw new IllegalStateException("already watching " + file);
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tls-policy-reload");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(1, interval.toMillis());
        scheduler.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            reloadIfChanged();
            logExpiries();
        } catch (RuntimeException e) {
            // The watcher must survive anything: the current policy stays in force.
            LOGGER.error("TLS policy reload check of {} failed; the previous policy stays in force", file, e);
        }
    }

    /** Stops the watcher thread, if any. */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    private void logExpiries() {
        LocalDate today = LocalDate.now(clock);
        if (today.equals(lastExpiryLog)) {
            return;
        }
        lastExpiryLog = today;
        TlsPolicy policy = current();
        for (Connector connector : policy.expiredConnectors()) {
            LOGGER.warn("TLS policy: connector '{}' expired on {}; it no longer applies", connector.name(), connector.expires().orElseThrow());
        }
        for (Connector connector : policy.connectorsExpiringWithin(EXPIRY_WARNING_DAYS)) {
            LOGGER.warn("TLS policy: connector '{}' expires on {}", connector.name(), connector.expires().orElseThrow());
        }
    }

    private static Map<Path, ContentDigest> digests(Iterable<Path> files) {
        Map<Path, ContentDigest> digests = new LinkedHashMap<>();
        for (Path path : files) {
            digests.put(path, ContentDigest.ofFile(path));
        }
        return digests;
    }
}
