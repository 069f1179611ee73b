package dev.jamestls.james.expiry;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.utils.UserDefinedStartable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.expiry.CertificateOrigin;
import dev.jamestls.expiry.CertificateRole;
import dev.jamestls.expiry.ExpiryWarning;
import dev.jamestls.expiry.ExpiryWatch;
import dev.jamestls.expiry.RevocationHealth;
import dev.jamestls.expiry.RevocationWatch;
import dev.jamestls.expiry.WatchedCertificate;
import dev.jamestls.james.expiry.ListenerCertificates.ListenerChain;
import dev.jamestls.james.ledger.SharedLedger;
import dev.jamestls.ledger.CertificateSide;
import dev.jamestls.ledger.PartnerLedger;
import dev.jamestls.ledger.SeenCertificate;
import dev.jamestls.revocation.EndpointResult;
import dev.jamestls.revocation.JdkHttpFetcher;
import dev.jamestls.revocation.RevocationEndpoints;
import dev.jamestls.revocation.RevocationSettings;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.verify.JdkTrustAnchors;

/**
 * Watches the certificates of every TLS listener for expiry. At start it reads them (see
 * {@link ListenerCertificates}), registers one gauge per certificate in James's metrics,
 * {@code jamestls.certificate.daysLeft.<origin>.<first 16 hex digits of the certificate's SHA-256>}
 * (whole days left, negative once expired), and logs a WARN line for each certificate within 30, 14 or 7 days
 * of expiry or expired, once per threshold. Every hour, on a thread of its own that never touches mail, it
 * reads the listeners' key material again (a renewed key store is a new certificate) and logs what has become
 * due.
 *
 * <p>It also asks the CRL distribution points and OCSP responders our certificates name (RFC 5280 §4.2.1.13,
 * RFC 6960), as {@code james-tls.jar revocation-check} does, once soon after start and every
 * {@value #REVOCATION_CHECK_HOURS} hours: a gauge per certificate,
 * {@code jamestls.certificate.revocation.<origin>.<first 16 hex digits>} ({@code 2} revoked, {@code 1} an endpoint
 * gave no usable answer, {@code 0} every endpoint answered good, {@code -1} the certificate names no endpoint), and a
 * WARN line per endpoint when a problem appears or changes, an INFO line when it is gone. An issuer missing from the
 * key material is looked up among the JDK's trust anchors.
 *
 * <p>It also watches the expiry of the partner certificates the TLS ledger saw ({@link SharedLedger}: partners' client
 * certificates as origin {@code partner}, their servers' as {@code destination}): those read back with the ledger at
 * start, and each new one as soon as the ledger records it (checked on the watch's thread, never on the mail's).
 * Enable it in {@code conf/extensions.properties}:
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
    public static final String REVOCATION_GAUGE_PREFIX = "jamestls.certificate.revocation.";
    public static final int REVOCATION_CHECK_HOURS = 6;
    public static final Duration CHECK_INTERVAL = Duration.ofHours(1);
    public static final String THREAD_NAME = "james-tls-certificate-expiry";
    private static final Logger LOGGER = LoggerFactory.getLogger(CertificateExpiryWatch.class);

    /**
     * How many gauges of partner and destination certificates are registered at most: James cannot unregister a
     * gauge, so past this many the certificates seen later still get their warnings and their ledger field, but no
     * gauge (one log line says so).
     */
    public static final int MAX_PEER_GAUGES = 500;

    private final ListenerCertificates listeners;
    private final GaugeRegistry gauges;
    private final Clock clock;
    private final ExpiryWatch watch;
    private final RevocationEndpoints endpoints;
    private final RevocationWatch revocation = new RevocationWatch();
    private final Optional<PartnerLedger> ledger;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final AtomicInteger peerGauges = new AtomicInteger();
    private volatile List<ListenerChain> chains = List.of();
    private volatile ScheduledExecutorService scheduler;

    @Inject
    public CertificateExpiryWatch(ConfigurationProvider configurationProvider, FileSystem fileSystem, GaugeRegistry gauges,
                                  SharedLedger ledger) {
        this(new ListenerCertificates(configurationProvider, fileSystem), gauges, Clock.systemUTC(), Optional.of(ledger.ledger()));
    }

    CertificateExpiryWatch(ListenerCertificates listeners, GaugeRegistry gauges, Clock clock) {
        this(listeners, gauges, clock, Optional.empty());
    }

    /** @param ledger the partner ledger whose certificates are watched too, from start on */
    CertificateExpiryWatch(ListenerCertificates listeners, GaugeRegistry gauges, Clock clock, Optional<PartnerLedger> ledger) {
        this.listeners = listeners;
        this.gauges = gauges;
        this.clock = clock;
        this.watch = ExpiryWatch.withDefaults(clock);
        this.endpoints = new RevocationEndpoints(JdkHttpFetcher.DEFAULT, clock, RevocationSettings.DEFAULT);
        this.ledger = ledger;
    }

    @Override
    public void start() {
        List<WatchedCertificate> own;
        try {
            chains = listeners.chains();
            own = ListenerCertificates.watched(chains);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("certificate expiry watch: " + e.getMessage(), e);
        }
        watch.watchOwn(own);
        ledger.ifPresent(partners -> partners.partners().forEach(partner -> partner.certificates()
            .forEach(certificate -> watch.seen(watched(partner.domain(), certificate)))));
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
        // Endpoints answer over the network (seconds each, at worst): never on James's start thread.
        thread.scheduleWithFixedDelay(this::checkRevocation, 0, REVOCATION_CHECK_HOURS, TimeUnit.HOURS);
        scheduler = thread;
        // A partner certificate new to the ledger is watched at once and checked on this watch's thread, off the mail path.
        ledger.ifPresent(partners -> partners.onNewCertificate(seen -> {
            watch.seen(watched(seen.partner(), seen.certificate()));
            ScheduledExecutorService running = scheduler;
            if (running != null && !running.isShutdown()) {
                running.execute(this::check);
            }
        }));
    }

    /** A partner's certificate as the watch keys it: a client certificate is a partner's, a server's a destination's. */
    static WatchedCertificate watched(String partner, SeenCertificate certificate) {
        String where = partner + " (" + certificate.where() + ")";
        CertificateRole role = certificate.side() == CertificateSide.CLIENT ? CertificateRole.partner(where) : CertificateRole.destination(where);
        return new WatchedCertificate(certificate.sha256(), role, certificate.subject(), certificate.notAfter());
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
            chains = listeners.chains();
            watch.watchOwn(ListenerCertificates.watched(chains));
        } catch (RuntimeException e) {
            // An exception would end the schedule: the watch keeps the certificates read before and says why.
            LOGGER.warn("certificate expiry watch: the listeners' certificates cannot be read again, keeping those read before: {}",
                e.getMessage());
        }
        check();
    }

    /**
     * Registers a gauge for each certificate not seen before (peers' up to {@value #MAX_PEER_GAUGES}) and logs the
     * warnings due now. Runs on the watch's thread (and once at start); never throws, so the schedule goes on.
     */
    synchronized void check() {
        try {
            for (WatchedCertificate certificate : watch.certificates()) {
                register(certificate);
            }
            for (ExpiryWarning warning : watch.due()) {
                LOGGER.warn(line(warning));
            }
        } catch (RuntimeException e) {
            LOGGER.error("certificate expiry watch: check failed", PeerText.escape(e));
        }
    }

    private void register(WatchedCertificate certificate) {
        String name = gaugeName(certificate);
        if (registered.contains(name)) {
            return;
        }
        if (certificate.role().origin() != CertificateOrigin.LISTENER && peerGauges.get() >= MAX_PEER_GAUGES) {
            if (peerGauges.getAndIncrement() == MAX_PEER_GAUGES) {
                LOGGER.warn("certificate expiry watch: {} gauges of partner and destination certificates registered; certificates"
                    + " seen from now on get warnings and a ledger field, but no gauge", MAX_PEER_GAUGES);
            }
            return;
        }
        if (certificate.role().origin() != CertificateOrigin.LISTENER) {
            peerGauges.incrementAndGet();
        }
        registered.add(name);
        // The gauge holds the certificate's own expiry: it stays right after the certificate leaves the watch.
        gauges.register(name, () -> certificate.daysLeft(clock.instant()));
    }

    /**
     * Asks every endpoint of every listener certificate, publishes each certificate's {@link RevocationHealth} and
     * logs what changed.
     */
    void checkRevocation() {
        try {
            List<X509Certificate> anchors = JdkTrustAnchors.certificates();
            List<RevocationWatch.Checked> checks = new ArrayList<>();
            for (ListenerChain listener : chains) {
                for (X509Certificate certificate : listener.chain()) {
                    checks.add(new RevocationWatch.Checked(WatchedCertificate.of(certificate, listener.role()),
                        endpoints.check(certificate, listener.chain(), anchors)));
                }
            }
            for (RevocationWatch.Checked check : checks) {
                WatchedCertificate certificate = check.certificate();
                String name = REVOCATION_GAUGE_PREFIX + certificate.role().origin().spelling() + "." + certificate.shortId();
                if (registered.add(name)) {
                    gauges.register(name, () -> revocation.health(certificate.sha256()).map(RevocationHealth::gaugeValue).orElse(-1));
                }
            }
            for (RevocationWatch.Notice notice : revocation.update(checks)) {
                if (notice.recovered()) {
                    LOGGER.info("certificate revocation: " + where(notice.certificate()) + " every endpoint answers again ("
                        + notice.health().spelling() + ")");
                }
                for (EndpointResult problem : notice.problems()) {
                    LOGGER.warn("certificate revocation: " + where(notice.certificate()) + " " + problem.type() + " "
                        + PeerText.escape(problem.url()) + ": " + problem.outcome().spelling() + " ("
                        + PeerText.escape(problem.detail()) + ")");
                }
            }
        } catch (RuntimeException e) {
            // An exception would end the schedule; the next check comes at the next interval.
            LOGGER.warn("certificate revocation: the check failed and is tried again in {} hours: {}", REVOCATION_CHECK_HOURS,
                PeerText.escape(String.valueOf(e.getMessage())));
        }
    }

    private static String where(WatchedCertificate certificate) {
        return certificate.role().origin().spelling() + " " + PeerText.escape(certificate.role().where())
            + ": certificate subject=\"" + PeerText.escape(certificate.subject()) + "\" sha256=" + certificate.sha256();
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
        return "certificate expiry: " + where(certificate) + " " + when;
    }
}
