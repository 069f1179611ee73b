package dev.jamestls.tlsrpt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.smtp.PeerText;
import dev.jamestls.tls.Spelled;

/**
 * Sends the daily TLS reports (RFC 8460 §4.1, §5) of the attempts counted in {@link TlsReportCounters}, one
 * {@link #run()} at a time on one background thread, never on a delivery thread.
 *
 * <p>Each run: every policy domain counted on a UTC day that ended at least {@link #GRACE} ago, and that has no
 * report yet, gets one ({@link Reporter}), kept in the {@link SentReportStore} before anything is sent; then each
 * report whose policy is due is looked up at {@code _smtp._tls.<domain>} (§3), and each destination due is sent to
 * ({@link Transport}). A failed lookup or attempt is retried on the {@link ReportRetry} schedule, then given up with a
 * warning; a destination that took the report is never sent it again; finished reports are forgotten after
 * {@code keepDays}. Nothing here throws into the caller: a failure of any kind is a failed attempt, logged.
 */
public final class ReportSending {
    /** How long after the end of a UTC day its report is made, so attempts still under way are counted. */
    public static final Duration GRACE = Duration.ofMinutes(5);
    /**
     * How many destinations of a {@code rua} one report is sent to, the first distinct ones as published. RFC 8460 §3
     * sets no bound; the domain a report is about chooses its {@code rua}, and must not make one report into a flood
     * of mails or posts to others (§7).
     */
    public static final int MAX_DESTINATIONS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(ReportSending.class);

    /** Sends one report to one destination: by mail (§5.3) or HTTPS POST (§5.4). */
    @FunctionalInterface
    public interface Transport {
        Outcome send(ReportUri destination, ReportFile report);
    }

    /** What one attempt to send a report did. */
    public record Outcome(Kind kind, String detail) {
        public Outcome {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
        }

        public static Outcome sent(String detail) {
            return new Outcome(Kind.SENT, detail);
        }

        public static Outcome failed(String detail) {
            return new Outcome(Kind.TEMPORARY, detail);
        }

        public static Outcome refused(String detail) {
            return new Outcome(Kind.PERMANENT, detail);
        }
    }

    /** Whether an attempt sent the report, may succeed later, or never will. */
    public enum Kind implements Spelled {
        SENT,
        TEMPORARY,
        PERMANENT
    }

    private final TlsReportCounters counters;
    private final SentReportStore store;
    private final Reporter reporter;
    private final Function<String, Discovery> discover;
    private final Transport transport;
    private final ReportRetry retry;
    private final Clock clock;
    private final int keepDays;

    /**
     * @param discover the reporting policy of a domain ({@code _smtp._tls} TXT lookup, {@link Discovery#of})
     * @param keepDays how many UTC days a finished report is kept in the store before it is forgotten; more than the
     *        counters keep, so a reported day is never reported again
     */
    public ReportSending(TlsReportCounters counters, SentReportStore store, Reporter reporter, Function<String, Discovery> discover,
                         Transport transport, ReportRetry retry, Clock clock, int keepDays) {
        this.counters = Objects.requireNonNull(counters, "counters");
        this.store = Objects.requireNonNull(store, "store");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
        this.discover = Objects.requireNonNull(discover, "discover");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (keepDays < 1) {
            throw new IllegalArgumentException("keepDays must be at least 1: " + keepDays);
        }
        this.keepDays = keepDays;
    }

    /** One round: new reports made, lookups and deliveries that are due done, old finished reports forgotten. */
    public void run() {
        Instant now = clock.instant();
        makeReports(now);
        for (OutgoingReport report : store.reports()) {
            try {
                advance(report, now);
            } catch (RuntimeException e) {
                // Our own defect must not stop the other reports, nor the thread.
                LOG.warn("TLS report {} for {}: unexpected {}", report.reportId(), report.domain(), e.toString(), e);
            }
        }
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        store.removeIf(report -> report.finished() && report.day().isBefore(today.minusDays(keepDays)));
        store.save();
    }

    private void makeReports(Instant now) {
        Set<DayOfDomain> counted = new LinkedHashSet<>();
        counters.snapshot().forEach(entry -> counted.add(new DayOfDomain(entry.domain(), entry.day())));
        boolean made = false;
        for (DayOfDomain key : counted) {
            Instant ended = key.day().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            if (now.isBefore(ended.plus(GRACE)) || store.find(key.domain(), key.day()).isPresent()) {
                continue;
            }
            Optional<TlsReport> report = reporter.report(counters, key.domain(), key.day());
            if (report.isPresent()) {
                store.put(OutgoingReport.made(key.domain(), key.day(), report.get().reportId(), TlsReportJson.write(report.get()), now));
                made = true;
            }
        }
        if (made) {
            // Kept before anything is sent: from now on the report is the store's, whatever happens to the counts.
            store.save();
        }
    }

    private record DayOfDomain(String domain, LocalDate day) {
    }

    private void advance(OutgoingReport report, Instant now) {
        OutgoingReport current = report;
        if (current.phase() == OutgoingReport.Phase.LOOKING_UP && !now.isBefore(current.next())) {
            current = lookUp(current, now);
            store.put(current);
        }
        if (current.phase() != OutgoingReport.Phase.DELIVERING) {
            return;
        }
        ReportFile file = null;
        for (int i = 0; i < current.deliveries().size(); i++) {
            OutgoingReport.Delivery delivery = current.deliveries().get(i);
            if (delivery.state() != OutgoingReport.State.PENDING || now.isBefore(delivery.next())) {
                continue;
            }
            if (file == null) {
                file = ReportFile.of(reporter, current.domain(), DateRange.utcDay(current.day()), current.reportId(), current.json());
            }
            current = current.withDelivery(i, attempt(current, delivery, file, now));
            store.put(current);
            // Saved after each attempt: a destination that took the report is not sent it again after a crash.
            store.save();
        }
    }

    private OutgoingReport lookUp(OutgoingReport report, Instant now) {
        Discovery found;
        try {
            found = discover.apply(report.domain());
        } catch (RuntimeException e) {
            found = new Discovery(Discovery.Status.LOOKUP_FAILED, Optional.empty(), e.toString());
        }
        if (found.temporary()) {
            Optional<Instant> next = retry.next(report.lookups() + 1, report.created(), now);
            if (next.isEmpty()) {
                LOG.warn("TLS report {} for {}: given up, the reporting policy could not be looked up ({})", report.reportId(),
                    report.domain(), found.detail());
                return report.lookedUp(OutgoingReport.Phase.GAVE_UP, now, found.detail(), List.of());
            }
            return report.lookedUp(OutgoingReport.Phase.LOOKING_UP, next.get(), found.detail(), List.of());
        }
        if (found.status() != Discovery.Status.FOUND) {
            LOG.info("TLS report {} for {}: not sent, {} ({})", report.reportId(), report.domain(), found.status(), found.detail());
            return report.lookedUp(OutgoingReport.Phase.NO_POLICY, now, found.status() + ": " + found.detail(), List.of());
        }
        TlsRptRecord policy = found.policy().orElseThrow();
        if (policy.destinations().isEmpty()) {
            // the record's URIs are the domain's own text
            String ignored = PeerText.escapeAndCut(policy.ignored().toString(), Discovery.MAX_DETAIL);
            LOG.info("TLS report {} for {}: not sent, no mailto: or https: destination in rua (ignored: {})", report.reportId(),
                report.domain(), ignored);
            return report.lookedUp(OutgoingReport.Phase.NO_POLICY, now, "no mailto: or https: destination; ignored: " + ignored,
                List.of());
        }
        List<String> uris = policy.destinations().stream().map(ReportUri::uri).distinct().toList();
        List<OutgoingReport.Delivery> deliveries = new ArrayList<>();
        uris.stream().limit(MAX_DESTINATIONS).forEach(uri -> deliveries.add(OutgoingReport.Delivery.pending(uri, now)));
        String detail = "";
        if (uris.size() > MAX_DESTINATIONS) {
            detail = (uris.size() - MAX_DESTINATIONS) + " destinations after the first " + MAX_DESTINATIONS + " not sent to";
            LOG.info("TLS report {} for {}: {}", report.reportId(), report.domain(), detail);
        }
        return report.lookedUp(OutgoingReport.Phase.DELIVERING, now, detail, deliveries);
    }

    private OutgoingReport.Delivery attempt(OutgoingReport report, OutgoingReport.Delivery delivery, ReportFile file, Instant now) {
        Outcome outcome;
        try {
            outcome = transport.send(destination(delivery.uri()), file);
        } catch (RuntimeException | TlsRptRecord.FormatException e) {
            outcome = Outcome.failed(e.toString());
        }
        int attempts = delivery.attempts() + 1;
        Optional<Instant> last = Optional.of(now);
        switch (outcome.kind()) {
            case SENT -> {
                LOG.info("TLS report {} for {}: sent to {} ({})", report.reportId(), report.domain(), delivery.uri(), outcome.detail());
                return new OutgoingReport.Delivery(delivery.uri(), OutgoingReport.State.SENT, attempts, now, last, outcome.detail());
            }
            case PERMANENT -> {
                LOG.warn("TLS report {} for {}: given up on {}, refused: {}", report.reportId(), report.domain(), delivery.uri(),
                    outcome.detail());
                return new OutgoingReport.Delivery(delivery.uri(), OutgoingReport.State.GAVE_UP, attempts, now, last, outcome.detail());
            }
            default -> {
                Optional<Instant> next = retry.next(attempts, report.created(), now);
                if (next.isEmpty()) {
                    LOG.warn("TLS report {} for {}: given up on {} after {} attempts: {}", report.reportId(), report.domain(),
                        delivery.uri(), attempts, outcome.detail());
                    return new OutgoingReport.Delivery(delivery.uri(), OutgoingReport.State.GAVE_UP, attempts, now, last,
                        outcome.detail());
                }
                LOG.info("TLS report {} for {}: {} failed ({}), next attempt {}", report.reportId(), report.domain(), delivery.uri(),
                    outcome.detail(), next.get());
                return new OutgoingReport.Delivery(delivery.uri(), OutgoingReport.State.PENDING, attempts, next.get(), last,
                    outcome.detail());
            }
        }
    }

    /** The destination as published, parsed again (the store keeps its text). */
    private static ReportUri destination(String uri) throws TlsRptRecord.FormatException {
        return TlsRptRecord.destination(uri).orElseThrow(() -> new IllegalStateException("not a destination: " + uri));
    }
}
