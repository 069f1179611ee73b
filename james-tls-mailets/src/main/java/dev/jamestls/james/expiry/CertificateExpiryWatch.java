package dev.jamestls.james.expiry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.utils.UserDefinedStartable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.expiry.ExpiryWarning;
import dev.jamestls.expiry.ExpiryWatch;
import dev.jamestls.expiry.WatchedCertificate;
import dev.jamestls.smtp.PeerText;

/**
 * Watches the certificates of every TLS listener for expiry. At start it reads them (see
 * {@link ListenerCertificates}), registers one gauge per certificate in James's metrics,
 * {@code jamestls.certificate.daysLeft.<origin>.<first 16 hex digits of the certificate's SHA-256>}
 * (whole days left, negative once expired), and logs a WARN line for each certificate within 30, 14 or 7 days
 * of expiry or expired, once per threshold. Every hour, on a thread of its own that never touches mail, it
 * reads the listeners' key material again (a renewed key store is a new certificate) and logs what has become
 * due. Enable it in {@code conf/extensions.properties}:
 *
 * <pre>
 * guice.extension.startable=dev.jamestls.james.expiry.CertificateExpiryWatch
 * </pre>
 *
 * (several startables are separated by commas). Key material that does not load at start stops James with a
 * message naming the file and listener; one that stops loading later is logged and the certificates read before
 * are kept.
 */
public class CertificateExpiryWatch implements UserDefinedStartable {
    public static final String GAUGE_PREFIX = "jamestls.certificate.daysLeft.";
    public static final Duration CHECK_INTERVAL = Duration.ofHours(1);
    public static final String THREAD_NAME = "james-tls-certificate-expiry";
    private static final Logger LOGGER = LoggerFactory.getLogger(CertificateExpiryWatch.class);

    private final ListenerCertificates listeners;
    private final GaugeRegistry gauges;
    private final Clock clock;
    private final ExpiryWatch watch;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private volatile ScheduledExecutorService scheduler;

    @Inject
    public CertificateExpiryWatch(ConfigurationProvider configurationProvider, FileSystem fileSystem, GaugeRegistry gauges) {
        this(new ListenerCertificates(configurationProvider, fileSystem), gauges, Clock.systemUTC());
    }

    CertificateExpiryWatch(ListenerCertificates listeners, GaugeRegistry gauges, Clock clock) {
        this.listeners = listeners;
        this.gauges = gauges;
        this.clock = clock;
        this.watch = ExpiryWatch.withDefaults(clock);
    }

    @Override
    public void start() {
        List<WatchedCertificate> own;
        try {
            own = listeners.read();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("certificate expiry watch: " + e.getMessage(), e);
        }
        watch.watchOwn(own);
        check();
        LOGGER.info("certificate expiry watch: {} certificate(s) of the TLS listeners, checked every {}, warnings at {} days"
            + " before expiry", own.stream().map(WatchedCertificate::sha256).distinct().count(), CHECK_INTERVAL,
            watch.thresholds().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread daemon = new Thread(runnable, THREAD_NAME);
            daemon.setDaemon(true);
            return daemon;
        });
        thread.scheduleWithFixedDelay(this::refresh, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        scheduler = thread;
    }

    @PreDestroy
    public void stop() {
        ScheduledExecutorService thread = scheduler;
        if (thread != null) {
            thread.shutdownNow();
        }
    }

    /** Reads the listeners' key material again, then {@link #check()}s. */
    void refresh() {
        try {
            watch.watchOwn(listeners.read());
        } catch (RuntimeException e) {
            // An exception would end the schedule: the watch keeps the certificates read before and says why.
            LOGGER.warn("certificate expiry watch: the listeners' certificates cannot be read again, keeping those read before: {}",
                e.getMessage());
        }
        check();
    }

    /** Registers a gauge for each certificate not seen before and logs the warnings due now. */
    void check() {
        for (WatchedCertificate certificate : watch.certificates()) {
            String name = gaugeName(certificate);
            if (registered.add(name)) {
                gauges.register(name, () -> certificate.daysLeft(clock.instant()));
            }
        }
        for (ExpiryWarning warning : watch.due()) {
            LOGGER.warn(line(warning));
        }
    }

    static String gaugeName(WatchedCertificate certificate) {
        return GAUGE_PREFIX + certificate.role().origin().spelling() + "." + certificate.shortId();
    }

    /** One log line: what, where, which certificate (subject escaped), and when it expires. */
    static String line(ExpiryWarning warning) {
        WatchedCertificate certificate = warning.certificate();
        String when = warning.expired()
            ? "expired at " + certificate.notAfter() + " (" + -warning.daysLeft() + " day(s) ago)"
            : "expires at " + certificate.notAfter() + ", in " + warning.daysLeft() + " day(s) (threshold "
                + warning.thresholdDays() + " days)";
        return "certificate expiry: " + certificate.role().origin().spelling() + " " + PeerText.escape(certificate.role().where())
            + ": certificate subject=\"" + PeerText.escape(certificate.subject()) + "\" sha256=" + certificate.sha256() + " " + when;
    }
}
