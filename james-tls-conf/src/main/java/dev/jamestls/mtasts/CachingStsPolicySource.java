package dev.jamestls.mtasts;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.dns.DnsAnswer;
import dev.jamestls.policy.DomainName;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.verify.TlsRptResultType;

/**
 * MTA-STS discovery with its cache (RFC 8461 §3, §5.1), one call per recipient domain:
 * <ol>
 *   <li>the TXT record at {@code _mta-sts.<domain>} is looked up every time (RFC 8461 §3.1);</li>
 *   <li>when its {@code id} is that of the cached, unexpired policy, the cached policy applies, nothing is
 *       fetched (RFC 8461 §3.1: the id tells "when the policy has been updated"), until half its {@code max_age}
 *       has passed: then it is fetched again, so that it is renewed before it expires (RFC 8461 §5.1);</li>
 *   <li>otherwise (a new id, no policy cached, or the cached one expired) the policy is fetched over HTTPS and
 *       replaces the cached one;</li>
 *   <li>a failed fetch keeps the unexpired cached policy and reports the problem (RFC 8461 §3.3: only with no
 *       valid cached policy does delivery go on as without MTA-STS); the same id is not fetched again for
 *       {@link #FAILED_FETCH_PAUSE} (RFC 8461 §3.3 suggests five minutes or longer per id);</li>
 *   <li>a missing, invalid, unanswered or bogus TXT record never withdraws an unexpired cached policy: that is
 *       what an attacker who can block DNS would do (RFC 8461 §10.2); a domain withdraws its policy by
 *       publishing {@code mode: none} under a new id (RFC 8461 §8.3). With nothing cached, an unanswered or bogus
 *       TXT lookup (not an absent record) is reported as a problem: whether the domain has a policy is unknown, and a
 *       later lookup may find one.</li>
 * </ol>
 * Policies persist across restarts in {@link StsPolicyStore}'s file. At most {@code maxDomains} domains are kept;
 * beyond that the policy fetched longest ago is dropped. Thread-safe; threads discovering the same domain while
 * its policy is being fetched share that one fetch.
 */
public final class CachingStsPolicySource implements StsPolicySource {
    public static final int DEFAULT_MAX_DOMAINS = 10_000;
    /** RFC 8461 §3.3: after a failed fetch, "limit further attempts to a period of five minutes or longer per version ID". */
    public static final Duration FAILED_FETCH_PAUSE = Duration.ofMinutes(5);
    private static final Logger LOGGER = LoggerFactory.getLogger(CachingStsPolicySource.class);

    /** A fetch that failed for a domain's id, remembered to pause further attempts. */
    private record FailedFetch(String id, Instant at, StsProblem problem) {
    }

    /** A fetch of one domain's policy for one id. */
    private record InFlight(DomainName domain, String id) {
    }

    private final StsTxtLookup txt;
    private final StsPolicyFetcher fetcher;
    private final StsPolicyStore store;
    private final Clock clock;
    private final int maxDomains;
    /** Oldest fetch first; guarded by {@code this}. */
    private final LinkedHashMap<DomainName, StsPolicy> policies = new LinkedHashMap<>();
    /** Guarded by {@code this}. */
    private final LinkedHashMap<DomainName, FailedFetch> failures = new LinkedHashMap<>();
    /** The fetches running now. */
    private final ConcurrentHashMap<InFlight, CompletableFuture<StsFetchResult>> inFlight = new ConcurrentHashMap<>();
    /** Orders the writes of the file, so that the last write holds the last change. */
    private final Object saving = new Object();

    /** With at most {@value #DEFAULT_MAX_DOMAINS} domains. */
    public CachingStsPolicySource(StsTxtLookup txt, StsPolicyFetcher fetcher, Path cacheDirectory, Clock clock) {
        this(txt, fetcher, cacheDirectory, clock, DEFAULT_MAX_DOMAINS);
    }

    /**
     * @param txt the TXT lookup at {@code _mta-sts.<domain>}
     * @param fetcher the HTTPS fetch ({@link HttpsStsFetcher} in production)
     * @param cacheDirectory where the policies are kept across restarts ({@link StsPolicyStore#FILE_NAME});
     *     created when missing
     * @param clock decides expiry
     * @param maxDomains how many domains' policies are kept, at least 1
     * @throws IllegalArgumentException naming the directory when it cannot be created, or a bad {@code maxDomains}
     */
    public CachingStsPolicySource(StsTxtLookup txt, StsPolicyFetcher fetcher, Path cacheDirectory, Clock clock, int maxDomains) {
        this.txt = Objects.requireNonNull(txt, "txt");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxDomains < 1) {
            throw new IllegalArgumentException("MTA-STS cache size must be at least 1: " + maxDomains);
        }
        this.maxDomains = maxDomains;
        this.store = new StsPolicyStore(cacheDirectory);
        Instant now = clock.instant();
        synchronized (this) {
            store.load().forEach((domain, policy) -> {
                if (now.isBefore(policy.expires())) {
                    remember(domain, policy);
                }
            });
        }
    }

    @Override
    public StsDiscovery discover(DomainName domain) {
        Objects.requireNonNull(domain, "domain");
        Instant now = clock.instant();
        Optional<StsPolicy> cached = cached(domain, now);
        DnsAnswer<String> answer = txt.stsTxt(domain);
        if (!answer.answered()) {
            // RFC 8461 §10.2: blocking DNS must not suppress a policy already known.
            LOGGER.debug("MTA-STS TXT lookup for {} gave {} {}; {}", domain, answer.status(), PeerText.escape(answer.detail()),
                cached.isPresent() ? "the cached policy applies" : "no policy");
            // RFC 8460 §4.3.2.2: sts-policy-fetch-error covers a DNS error on the way to the policy.
            return new StsDiscovery(domain, cached, cached.isPresent() ? Optional.empty()
                : Optional.of(new StsProblem(TlsRptResultType.STS_POLICY_FETCH_ERROR, "TXT lookup of _mta-sts." + domain.ascii()
                    + " " + answer.status() + (answer.detail().isEmpty() ? "" : ": " + PeerText.escape(answer.detail())))));
        }
        StsTxtRecord.Selection selection = StsTxtRecord.select(answer.records());
        if (selection.record().isEmpty()) {
            // RFC 8461 §3.1: the domain has no available policy; §8.3, §10.2: an unexpired cached one still applies.
            LOGGER.debug("MTA-STS TXT record of {}: {}; {}", domain, PeerText.escape(selection.reason()),
                cached.isPresent() ? "the cached policy applies" : "no policy");
            return new StsDiscovery(domain, cached, Optional.empty());
        }
        String id = selection.record().get().id();
        if (cached.isPresent() && cached.get().id().equals(id) && !refreshDue(cached.get(), now)) {
            return new StsDiscovery(domain, cached, Optional.empty());
        }
        Optional<StsProblem> recent = recentFailure(domain, id, now);
        if (recent.isPresent()) {
            return new StsDiscovery(domain, cached, recent);
        }
        StsFetchResult result = fetchOnce(domain, id);
        if (result instanceof StsFetchResult.Fetched fetched) {
            return new StsDiscovery(domain, Optional.of(fetched.policy()), Optional.empty());
        }
        StsProblem problem = ((StsFetchResult.Failed) result).problem();
        LOGGER.info("MTA-STS policy of {} (id {}) not fetched: {}: {}; {}", domain, id, problem.type(), problem.reason(),
            cached.isPresent() ? "the cached policy (id " + cached.get().id() + ") still applies" : "delivering as without a policy");
        return new StsDiscovery(domain, cached, Optional.of(problem));
    }

    /**
     * Fetches and remembers the outcome (the policy, or the failure that pauses further fetches), one fetch per
     * domain and id at a time: threads delivering to the same domain while its policy is being fetched wait for
     * that fetch instead of sending their own to the policy host.
     */
    private StsFetchResult fetchOnce(DomainName domain, String id) {
        CompletableFuture<StsFetchResult> mine = new CompletableFuture<>();
        InFlight key = new InFlight(domain, id);
        CompletableFuture<StsFetchResult> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running.join();
        }
        try {
            StsFetchResult result = fetcher.fetch(domain, id);
            if (result instanceof StsFetchResult.Fetched fetched) {
                store(domain, fetched.policy());
            } else {
                StsProblem problem = ((StsFetchResult.Failed) result).problem();
                synchronized (this) {
                    failures.remove(domain);
                    failures.put(domain, new FailedFetch(id, clock.instant(), problem));
                    trim(failures);
                }
            }
            mine.complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /**
     * Whether an unexpired cached policy is fetched again although its id is unchanged: once half its {@code max_age}
     * has passed (RFC 8461 §5.1: senders "SHOULD" refresh a cached policy before it expires, so that an unreachable
     * policy host at the moment of expiry does not end it); a failed refresh keeps the cached policy.
     */
    static boolean refreshDue(StsPolicy policy, Instant now) {
        return !now.isBefore(policy.fetchedAt().plus(policy.maxAge().dividedBy(2)));
    }

    /** The cached policy of {@code domain} unless it has expired (RFC 8461 §5.1: "time-since-fetch has not exceeded its max_age"). */
    private synchronized Optional<StsPolicy> cached(DomainName domain, Instant now) {
        StsPolicy policy = policies.get(domain);
        return policy != null && now.isBefore(policy.expires()) ? Optional.of(policy) : Optional.empty();
    }

    private synchronized Optional<StsProblem> recentFailure(DomainName domain, String id, Instant now) {
        FailedFetch failure = failures.get(domain);
        if (failure != null && failure.id().equals(id) && now.isBefore(failure.at().plus(FAILED_FETCH_PAUSE))) {
            return Optional.of(failure.problem());
        }
        return Optional.empty();
    }

    private void store(DomainName domain, StsPolicy policy) {
        synchronized (saving) {
            Map<DomainName, StsPolicy> snapshot;
            synchronized (this) {
                failures.remove(domain);
                remember(domain, policy);
                snapshot = new LinkedHashMap<>(policies);
            }
            store.save(snapshot);
        }
    }

    /** Puts {@code policy} last (the newest) and drops the oldest beyond {@code maxDomains}; holds {@code this}. */
    private void remember(DomainName domain, StsPolicy policy) {
        policies.remove(domain);
        policies.put(domain, policy);
        trim(policies);
    }

    private <V> void trim(LinkedHashMap<DomainName, V> map) {
        Iterator<DomainName> oldest = map.keySet().iterator();
        while (map.size() > maxDomains && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }

    /** How many domains have a policy in memory, expired or not (for tests and metrics). */
    public synchronized int size() {
        return policies.size();
    }
}
