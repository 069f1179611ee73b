package dev.jamestls.ledger;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import dev.jamestls.outbound.AttemptRecord;
import dev.jamestls.tls.CertificateFacts;

/**
 * The ledger of one James: a {@link PartnerRecord} per partner domain and the TLS reports received, both bounded.
 * At most {@link #MAX_PARTNERS} partners are kept, the least recently seen dropped first, those only named by a
 * {@code MAIL FROM} before those that proved their name ({@link PartnerRecord#vouched()}); at most
 * {@link #MAX_REPORTS} received reports, the oldest dropped first. Thread-safe; each observation is a short
 * update under one lock, so feeding it from the mail path costs a map update, never I/O.
 *
 * <p>Listeners told of certificates are told after the update, outside the lock, of each certificate the ledger
 * had not held for that partner and side.
 */
public final class PartnerLedger {
    /** How many partners are kept. */
    public static final int MAX_PARTNERS = 10_000;
    /** How many values a set of a partner holds (protocols, ciphers, rules, result kinds, verified connectors). */
    public static final int MAX_VALUES = 16;
    /** How many certificates are kept per partner (client and server together). */
    public static final int MAX_CERTIFICATES = 8;
    /** How many received reports are kept. */
    public static final int MAX_REPORTS = 1_000;

    /** A partner's certificate the ledger had not held before. */
    public record NewCertificate(String partner, SeenCertificate certificate) {
    }

    private final int maxPartners;
    private final int maxReports;
    /** Insertion order is last-seen order: every update re-inserts. */
    private final LinkedHashMap<String, PartnerRecord> partners = new LinkedHashMap<>();
    private final Deque<ReceivedReport> reports = new ArrayDeque<>();
    private final List<Consumer<NewCertificate>> certificateListeners = new CopyOnWriteArrayList<>();
    private long changes;

    public PartnerLedger() {
        this(MAX_PARTNERS, MAX_REPORTS);
    }

    /** A ledger with other bounds (tests). */
    public PartnerLedger(int maxPartners, int maxReports) {
        if (maxPartners < 1 || maxReports < 1) {
            throw new IllegalArgumentException("ledger bounds must be at least 1: partners " + maxPartners + ", reports " + maxReports);
        }
        this.maxPartners = maxPartners;
        this.maxReports = maxReports;
    }

    /** Tells {@code listener} of each certificate new to a partner from now on. */
    public void onNewCertificate(Consumer<NewCertificate> listener) {
        certificateListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** An inbound decision about a sender with a domain. */
    public void inbound(InboundSeen seen) {
        update(seen.senderDomain(), seen.at(), partner -> partner.inbound(seen));
    }

    /** An outbound attempt (or a host a published policy forbade), with the leaf the server presented, if any. */
    public void outbound(AttemptRecord attempt, Optional<CertificateFacts> serverCertificate) {
        update(attempt.domain(), attempt.at(), partner -> partner.outbound(attempt, serverCertificate));
    }

    /**
     * A TLS report received from {@link ReceivedReport#partner()}: kept, and added to what that partner says about us;
     * false, and nothing changed, when a report with its {@code report-id} from that partner is still kept (RFC 8460
     * §4.4: the id is unique per report; a replayed mail must not count twice).
     */
    public boolean reportReceived(ReceivedReport report) {
        synchronized (this) {
            if (reports.stream().anyMatch(kept -> key(kept.partner()).equals(key(report.partner()))
                && kept.reportId().equals(report.reportId()))) {
                return false;
            }
            reports.addLast(report);
            changes++;
            while (reports.size() > maxReports) {
                reports.removeFirst();
            }
        }
        update(report.partner(), report.receivedAt(), partner -> partner.report(report));
        return true;
    }

    /** Every partner, most recently seen first. */
    public synchronized List<PartnerRecord> partners() {
        List<PartnerRecord> all = new ArrayList<>(partners.values());
        Collections.reverse(all);
        return all;
    }

    /** The partner {@code domain} (any case, a trailing dot ignored), if kept. */
    public synchronized Optional<PartnerRecord> partner(String domain) {
        return Optional.ofNullable(partners.get(key(domain)));
    }

    /** The reports received, newest first. */
    public synchronized List<ReceivedReport> receivedReports() {
        List<ReceivedReport> all = new ArrayList<>(reports);
        Collections.reverse(all);
        return all;
    }

    /** How many updates the ledger has taken: a saver compares it to skip writing what it already wrote. */
    public synchronized long changes() {
        return changes;
    }

    /** Everything kept, for {@link LedgerFile}: partners least recently seen first, reports oldest first. */
    public synchronized LedgerFile.Contents contents() {
        return new LedgerFile.Contents(List.copyOf(partners.values()), List.copyOf(reports));
    }

    /** Replaces what is kept with {@code contents} (read back at start), within this ledger's bounds. */
    public synchronized void restore(LedgerFile.Contents contents) {
        partners.clear();
        contents.partners().stream().sorted(Comparator.comparing(PartnerRecord::lastSeen))
            .forEach(partner -> partners.put(key(partner.domain()), partner));
        trimPartners();
        reports.clear();
        contents.reports().forEach(reports::addLast);
        while (reports.size() > maxReports) {
            reports.removeFirst();
        }
    }

    private void update(String domain, Instant at, UnaryOperator<PartnerRecord> change) {
        String key = key(domain);
        if (key.isEmpty()) {
            return;
        }
        List<NewCertificate> fresh = new ArrayList<>();
        synchronized (this) {
            PartnerRecord before = partners.get(key);
            PartnerRecord start = before != null ? before : PartnerRecord.empty(key, at);
            // computed before the map changes: an observation that cannot be applied leaves the partner as it was
            PartnerRecord after = change.apply(start);
            partners.remove(key);
            partners.put(key, after);
            trimPartners();
            changes++;
            Set<String> known = new HashSet<>();
            start.certificates().forEach(certificate -> known.add(certificate.key()));
            after.certificates().stream().filter(certificate -> !known.contains(certificate.key()))
                .forEach(certificate -> fresh.add(new NewCertificate(key, certificate)));
        }
        for (NewCertificate certificate : fresh) {
            certificateListeners.forEach(listener -> listener.accept(certificate));
        }
    }

    /**
     * Drops partners beyond the cap: the least recently seen of those only named by a {@code MAIL FROM} (anyone can
     * write any domain there, RFC 5321 §4.1.1.2) first, so that one client making up sender domains cannot push out
     * the partners that proved their name ({@link PartnerRecord#vouched()}); among those, the least recently seen.
     */
    private void trimPartners() {
        var eldest = partners.values().iterator();
        while (partners.size() > maxPartners && eldest.hasNext()) {
            if (!eldest.next().vouched()) {
                eldest.remove();
            }
        }
        eldest = partners.values().iterator();
        while (partners.size() > maxPartners && eldest.hasNext()) {
            eldest.next();
            eldest.remove();
        }
    }

    /** The key of a domain: lower case, escaped and bounded like all peer text, without a trailing dot. */
    static String key(String domain) {
        String name = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        return LedgerText.of(name.toLowerCase(Locale.ROOT));
    }

    /** Counts for tests and metrics: partners kept. */
    public synchronized int size() {
        return partners.size();
    }
}
