package dev.jamestls.tlsrpt;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.jamestls.outbound.AttemptRecord;
import dev.jamestls.outbound.TlsStage;

/**
 * Counts outbound TLS sessions for the daily reports (RFC 8460 §4.1): per policy domain, UTC day and policy (type,
 * policy strings, MX hosts), the successful and failed sessions, and the failures by result type, receiving MX
 * host and IP address, each row with its count (RFC 8460 §4.4 {@code failure-details}). Thread-safe.
 *
 * <p>Memory is bounded per policy: at most {@code maxFailureDetails} distinct failure-detail rows are kept; the
 * failures past that still count in {@code total-failure-session-count}, so the rows then add up to less than the
 * total, and {@link CounterEntry#droppedFailureDetails()} says by how much. Days are let go with
 * {@link #discardBefore(LocalDate)}.
 */
public final class TlsReportCounters {
    /** How many distinct failure-detail rows a policy keeps by default. */
    public static final int DEFAULT_MAX_FAILURE_DETAILS = 100;

    /** How an attempt counted. */
    public enum Counted {
        /** A TLS session that was established and met the policy. */
        SUCCESS,
        /** A session that failed with an RFC 8460 §4.3 result type. */
        FAILURE,
        /** No TLS session was tried (no connection, or TLS not wanted) and nothing failed: not a session to report. */
        NOT_COUNTED
    }

    private record DayKey(String domain, LocalDate day) {
    }

    private record PolicyKey(PolicyType type, List<String> strings, List<String> mxHosts) {
    }

    private static final class Tally {
        long successes;
        long failures;
        long dropped;
        final Map<FailureDetail, Long> details = new LinkedHashMap<>();
    }

    private final int maxFailureDetails;
    private final Map<DayKey, Map<PolicyKey, Tally>> days = new LinkedHashMap<>();

    public TlsReportCounters() {
        this(DEFAULT_MAX_FAILURE_DETAILS);
    }

    public TlsReportCounters(int maxFailureDetails) {
        if (maxFailureDetails < 1) {
            throw new IllegalArgumentException("maxFailureDetails must be at least 1: " + maxFailureDetails);
        }
        this.maxFailureDetails = maxFailureDetails;
    }

    /**
     * Counts one attempt under the policy that decided it: the type from the attempt's source
     * ({@link PolicyType#of}), the strings and MX hosts from {@code details}. An attempt with a result type is a
     * failure; an established session without one is a success; anything else is no TLS session.
     */
    public synchronized Counted record(AttemptRecord attempt, PolicyDetails details) {
        Objects.requireNonNull(attempt, "attempt");
        Objects.requireNonNull(details, "details");
        PolicyType type = PolicyType.of(attempt.source());
        if (type == PolicyType.NO_POLICY_FOUND && !details.strings().isEmpty()) {
            // RFC 8460 §4.4: no-policy-found has no policy to encode.
            throw new IllegalArgumentException("an attempt of source " + attempt.source() + " has no published policy, yet "
                + "policy strings were given: " + details.strings());
        }
        Counted counted;
        if (attempt.resultType().isPresent()) {
            counted = Counted.FAILURE;
        } else if (attempt.tlsStage() == TlsStage.ESTABLISHED) {
            counted = Counted.SUCCESS;
        } else {
            return Counted.NOT_COUNTED;
        }
        DayKey dayKey = new DayKey(attempt.domain(), attempt.at().atZone(ZoneOffset.UTC).toLocalDate());
        Tally tally = days.computeIfAbsent(dayKey, key -> new LinkedHashMap<>())
            .computeIfAbsent(new PolicyKey(type, details.strings(), details.mxHosts()), key -> new Tally());
        if (counted == Counted.SUCCESS) {
            tally.successes++;
        } else {
            tally.failures++;
            FailureDetail row = new FailureDetail(attempt.resultType().orElseThrow().spelling(), attempt.sendingIp(),
                Optional.of(attempt.mxHost()), Optional.empty(), attempt.ip(), 0, Optional.empty(), Optional.empty());
            addDetail(tally, row, 1);
        }
        return counted;
    }

    private void addDetail(Tally tally, FailureDetail row, long count) {
        FailureDetail key = row.withCount(0);
        Long before = tally.details.get(key);
        if (before != null) {
            tally.details.put(key, before + count);
        } else if (tally.details.size() < maxFailureDetails) {
            tally.details.put(key, count);
        } else {
            tally.dropped += count;
        }
    }

    /** The domains with counts on {@code day}, sorted. */
    public synchronized Set<String> domains(LocalDate day) {
        Set<String> domains = new TreeSet<>();
        days.keySet().stream().filter(key -> key.day().equals(day)).forEach(key -> domains.add(key.domain()));
        return domains;
    }

    /** The report of {@code domain} for {@code day}, policies in the order first seen; empty when nothing was counted. */
    public synchronized Optional<TlsReport> reportFor(String domain, LocalDate day, String organization, String contact,
                                                      String reportId) {
        Map<PolicyKey, Tally> policies = days.get(new DayKey(domain, day));
        if (policies == null) {
            return Optional.empty();
        }
        List<PolicyReport> reports = new ArrayList<>();
        policies.forEach((key, tally) -> reports.add(policyReport(domain, key, tally)));
        return Optional.of(new TlsReport(organization, DateRange.utcDay(day), contact, reportId, reports));
    }

    private static PolicyReport policyReport(String domain, PolicyKey key, Tally tally) {
        List<FailureDetail> rows = new ArrayList<>();
        tally.details.forEach((row, count) -> rows.add(row.withCount(count)));
        return new PolicyReport(new ReportedPolicy(key.type(), key.strings(), domain, key.mxHosts()),
            new Summary(tally.successes, tally.failures), rows);
    }

    /** Every count, for {@link CounterFile}. */
    public synchronized List<CounterEntry> snapshot() {
        List<CounterEntry> entries = new ArrayList<>();
        days.forEach((dayKey, policies) -> policies.forEach((key, tally) ->
            entries.add(new CounterEntry(dayKey.domain(), dayKey.day(), policyReport(dayKey.domain(), key, tally), tally.dropped))));
        return entries;
    }

    /** Adds counts kept earlier (read back by {@link CounterFile}) to these. */
    public synchronized void restore(List<CounterEntry> entries) {
        for (CounterEntry entry : entries) {
            ReportedPolicy policy = entry.counts().policy();
            Tally tally = days.computeIfAbsent(new DayKey(entry.domain(), entry.day()), key -> new LinkedHashMap<>())
                .computeIfAbsent(new PolicyKey(policy.type(), policy.strings(), policy.mxHosts()), key -> new Tally());
            tally.successes += entry.counts().summary().totalSuccessfulSessionCount();
            tally.failures += entry.counts().summary().totalFailureSessionCount();
            tally.dropped += entry.droppedFailureDetails();
            entry.counts().failureDetails().forEach(row -> addDetail(tally, row, row.failedSessionCount()));
        }
    }

    /** Forgets every day before {@code day} (reported, or too old to report). */
    public synchronized void discardBefore(LocalDate day) {
        days.keySet().removeIf(key -> key.day().isBefore(day));
    }
}
