package dev.jamestls.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.policy.DomainName;

/**
 * {@link SecureDns} through dnsjava's validating resolver: questions go to one recursive resolver (UDP,
 * TCP when the answer is truncated, RFC 7766 §5), with the DO bit (RFC 3225) and CD set, and the answers
 * are validated here from the configured trust anchor down (RFC 4035 §5), so the recursive resolver need
 * not be trusted, only reachable.
 *
 * <p>The status of an answer:
 * <ul>
 *   <li>{@link DnssecStatus#SECURE}: the validator set AD (RFC 4035 §3.2.3);</li>
 *   <li>{@link DnssecStatus#INSECURE}: NOERROR or NXDOMAIN without AD, the validator having proven the
 *       name below an unsigned delegation (RFC 4035 §5.2);</li>
 *   <li>{@link DnssecStatus#BOGUS}: the validator answered SERVFAIL to an answer the resolver gave, its
 *       reason in a TXT record of class {@link ValidatingResolver#VALIDATION_REASON_QCLASS};</li>
 *   <li>{@link DnssecStatus#FAILED}: no answer within the timeouts, an I/O error, or the resolver itself
 *       answered SERVFAIL, REFUSED or another error.</li>
 * </ul>
 * A name no trust anchor covers (an administrator's anchor file for one private zone) comes back without
 * AD and so reads as {@link DnssecStatus#INSECURE}, as RFC 4035 §4.3 treats names outside any island of
 * security. dnsjava also adds the anchors of a file named by the system property
 * {@code dnsjava.dnssec.trust_anchor_file}, when set.
 *
 * <p>NXDOMAIN and NODATA are answers with no records. CNAME chains in the answer are followed (RFC 1034
 * §3.6.2, at most {@value #MAX_CNAME_HOPS} links) to the records of the type asked. Answers are cached
 * per question ({@link DnsCache} says for how long); a cached answer's TTL is what is left of it.
 * Thread-safe: one instance serves all deliveries.
 *
 * <pre>{@code
 * SecureDns dns = ValidatingDns.builder()
 *     .resolver(new InetSocketAddress("127.0.0.1", 53))      // default: the system's first resolver
 *     .trustAnchor(DnssecTrustAnchor.ianaRoot())            // the default
 *     .queryTimeout(Duration.ofSeconds(5))                   // the default
 *     .build();
 * }</pre>
 */
public final class ValidatingDns implements SecureDns {
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofSeconds(20);
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    static final int MAX_CNAME_HOPS = 8;
    private static final Pattern UNDERSCORED_LABELS = Pattern.compile("_[A-Za-z0-9-]{1,62}(\\._[A-Za-z0-9-]{1,62})*");

    private final ValidatingResolver validator;
    private final UpstreamResolver upstream;
    private final Duration totalTimeout;
    private final Clock clock;
    private final DnsCache<DnsAnswer<Record>> cache;

    private ValidatingDns(Builder builder, InetSocketAddress resolver) {
        this.upstream = new UpstreamResolver(new SimpleResolver(resolver));
        this.clock = builder.clock;
        this.validator = new ValidatingResolver(upstream, clock);
        this.validator.setTimeout(builder.queryTimeout);
        try {
            validator.loadTrustAnchors(new ByteArrayInputStream(builder.trustAnchor.zoneText().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalArgumentException("DNSSEC trust anchor " + builder.trustAnchor.source() + " cannot be loaded: " + e.getMessage(), e);
        }
        this.totalTimeout = builder.totalTimeout;
        this.cache = new DnsCache<>(builder.maxEntries);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public DnsAnswer<MxRecord> mx(DomainName domain) {
        DnsAnswer<MxRecord> answer = map(lookup(name(domain.ascii()), Type.MX),
            record -> new MxRecord(((MXRecord) record).getPriority(), hostName(((MXRecord) record).getTarget())));
        List<MxRecord> sorted = new ArrayList<>(answer.records());
        sorted.sort(Comparator.comparingInt(MxRecord::preference)); // RFC 5321 §5.1: lower first, stable
        return new DnsAnswer<>(answer.status(), sorted, answer.ttl(), answer.detail());
    }

    @Override
    public DnsAnswer<InetAddress> addresses(DomainName host) {
        Name name = name(host.ascii());
        DnsAnswer<InetAddress> v4 = map(lookup(name, Type.A), record -> plain(((ARecord) record).getAddress()));
        DnsAnswer<InetAddress> v6 = map(lookup(name, Type.AAAA), record -> plain(((AAAARecord) record).getAddress()));
        DnsAnswer<InetAddress> weaker = strength(v6.status()) < strength(v4.status()) ? v6 : v4;
        if (!weaker.answered()) {
            return weaker;
        }
        List<InetAddress> all = new ArrayList<>(v4.records());
        all.addAll(v6.records());
        Duration ttl = v4.ttl().compareTo(v6.ttl()) <= 0 ? v4.ttl() : v6.ttl();
        return new DnsAnswer<>(weaker.status(), all, ttl, "");
    }

    @Override
    public Optional<DomainName> secureAliasTarget(DomainName host) {
        Name name = name(host.ascii());
        for (int type : new int[] {Type.A, Type.AAAA}) {
            // Answered from the cache when the addresses were just asked for.
            DnsAnswer<Record> answer = lookup(name, type);
            if (answer.secure() && !answer.records().isEmpty()) {
                Name owner = answer.records().get(0).getName();
                return owner.equals(name) ? Optional.empty() : DomainName.tryParse(hostName(owner));
            }
        }
        return Optional.empty();
    }

    @Override
    public DnsAnswer<TlsaRecord> tlsa(DomainName host, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("TLSA port " + port + " out of range 1..65535");
        }
        // RFC 6698 §3: _port._tcp.host
        return map(lookup(name("_" + port + "._tcp." + host.ascii()), Type.TLSA), record -> {
            TLSARecord tlsa = (TLSARecord) record;
            return new TlsaRecord(tlsa.getCertificateUsage(), tlsa.getSelector(), tlsa.getMatchingType(),
                tlsa.getCertificateAssociationData());
        });
    }

    @Override
    public DnsAnswer<String> txt(DomainName name) {
        return txt(name(name.ascii()));
    }

    @Override
    public DnsAnswer<String> txt(String underscoredLabels, DomainName domain) {
        if (!UNDERSCORED_LABELS.matcher(underscoredLabels).matches()) {
            throw new IllegalArgumentException("not underscored labels '" + underscoredLabels
                + "': accepted: labels of letters, digits and hyphens each starting with '_', e.g. _mta-sts or _smtp._tls");
        }
        return txt(name(underscoredLabels.toLowerCase(Locale.ROOT) + "." + domain.ascii()));
    }

    private DnsAnswer<String> txt(Name name) {
        return map(lookup(name, Type.TXT), record -> {
            StringBuilder joined = new StringBuilder();
            for (byte[] part : ((TXTRecord) record).getStringsAsByteArrays()) {
                joined.append(new String(part, StandardCharsets.UTF_8));
            }
            return joined.toString();
        });
    }

    /** Answers served from the cache right now (for tests and metrics). */
    int cachedAnswers() {
        return cache.size();
    }

    private DnsAnswer<Record> lookup(Name name, int type) {
        DnsCache.Question question = new DnsCache.Question(name.toString().toLowerCase(Locale.ROOT), type);
        Instant now = clock.instant();
        var cached = cache.get(question, now);
        if (cached.isPresent()) {
            DnsAnswer<Record> answer = cached.get().value();
            if (!answer.answered()) {
                return answer;
            }
            Duration left = Duration.between(now, cached.get().expires()).truncatedTo(ChronoUnit.SECONDS);
            return new DnsAnswer<>(answer.status(), answer.records(), left.compareTo(answer.ttl()) < 0 ? left : answer.ttl(), "");
        }
        DnsAnswer<Record> answer = query(name, type);
        cache.put(question, answer, now.plus(DnsCache.lifetime(answer)), now);
        return answer;
    }

    private DnsAnswer<Record> query(Name name, int type) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        UpstreamResolver.Sent sent = new UpstreamResolver.Sent(query.getHeader().getID(), name, type);
        upstream.expect(sent);
        CompletableFuture<Message> pending = validator.sendAsync(query).toCompletableFuture();
        try {
            Message response = pending.get(totalTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return classify(name, type, response, upstream.rcode(sent));
        } catch (TimeoutException e) {
            pending.cancel(true);
            return DnsAnswer.failed("no answer within " + totalTimeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return DnsAnswer.failed(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.cancel(true);
            return DnsAnswer.failed("interrupted");
        } finally {
            upstream.forget(sent);
        }
    }

    /**
     * The status of one validated response, and its records after the CNAME chain.
     *
     * @param upstreamRcode the rcode the recursive resolver itself gave, -1 when unknown
     */
    static DnsAnswer<Record> classify(Name name, int type, Message response, int upstreamRcode) {
        if (upstreamRcode >= 0 && upstreamRcode != Rcode.NOERROR && upstreamRcode != Rcode.NXDOMAIN) {
            return DnsAnswer.failed("the resolver answered " + Rcode.string(upstreamRcode));
        }
        int rcode = response.getRcode();
        if (rcode == Rcode.SERVFAIL) {
            String reason = validationReason(response);
            // The validator turns an answer it cannot validate into SERVFAIL with its reason (RFC 4035 §5.5).
            if (!reason.isEmpty() || upstreamRcode >= 0) {
                return DnsAnswer.bogus(reason.isEmpty() ? "the validator refused the answer" : reason);
            }
            return DnsAnswer.failed("SERVFAIL");
        }
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return DnsAnswer.failed("the resolver answered " + Rcode.string(rcode));
        }
        List<RRset> answer = response.getSectionRRsets(Section.ANSWER);
        Name current = name;
        long ttl = Long.MAX_VALUE;
        List<Record> records = List.of();
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            RRset found = find(answer, current, type);
            if (found != null) {
                records = found.rrs(false);
                ttl = Math.min(ttl, found.getTTL());
                break;
            }
            RRset cname = find(answer, current, Type.CNAME);
            if (cname == null || type == Type.CNAME) {
                break;
            }
            ttl = Math.min(ttl, cname.getTTL());
            current = ((CNAMERecord) cname.first()).getTarget();
        }
        if (records.isEmpty()) {
            ttl = Math.min(ttl, negativeTtl(response));
        }
        Duration lifetime = Duration.ofSeconds(ttl);
        return response.getHeader().getFlag(Flags.AD)
            ? DnsAnswer.secure(records, lifetime)
            : DnsAnswer.insecure(records, lifetime);
    }

    /** RFC 2308 §5: the smaller of the SOA's TTL and its MINIMUM; no SOA, no negative caching. */
    private static long negativeTtl(Message response) {
        for (Record record : response.getSection(Section.AUTHORITY)) {
            if (record instanceof SOARecord soa) {
                return Math.min(soa.getTTL(), soa.getMinimum());
            }
        }
        return 0;
    }

    private static RRset find(List<RRset> rrsets, Name name, int type) {
        for (RRset rrset : rrsets) {
            if (rrset.getType() == type && rrset.getName().equals(name)) {
                return rrset;
            }
        }
        return null;
    }

    /** The validator's reason: TXT records of class {@link ValidatingResolver#VALIDATION_REASON_QCLASS}. */
    private static String validationReason(Message response) {
        StringBuilder reason = new StringBuilder();
        for (Record record : response.getSection(Section.ADDITIONAL)) {
            if (record instanceof TXTRecord txt && record.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS) {
                txt.getStrings().forEach(reason::append);
            }
        }
        return reason.toString();
    }

    /** Weakest first: a bogus answer outranks a failure, which outranks any answer. */
    private static int strength(DnssecStatus status) {
        return switch (status) {
            case BOGUS -> 0;
            case FAILED -> 1;
            case INSECURE -> 2;
            case SECURE -> 3;
        };
    }

    private static <T> DnsAnswer<T> map(DnsAnswer<Record> answer, Function<Record, T> convert) {
        List<T> records = answer.records().stream().map(convert).toList();
        return new DnsAnswer<>(answer.status(), records, answer.ttl(), answer.detail());
    }

    /** The address alone: dnsjava attaches the owner name, which would read as a reverse lookup's result. */
    private static InetAddress plain(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an A or AAAA record holds " + address.getAddress().length + " octets", e);
        }
    }

    /** A host name as MX gives it: lower case, no trailing dot; the root stays {@code "."} (RFC 7505). */
    private static String hostName(Name name) {
        return name.equals(Name.root) ? "." : name.toString(true).toLowerCase(Locale.ROOT);
    }

    private static Name name(String ascii) {
        try {
            return Name.fromString(ascii, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name '" + ascii + "': " + e.getMessage(), e);
        }
    }

    /**
     * The recursive resolver under the validator, remembering the rcode it gave to the questions
     * {@link ValidatingDns} asked (not to the validator's own DS and DNSKEY questions): the validator
     * answers SERVFAIL both for a bogus answer and for the resolver's own SERVFAIL, and only the second
     * is a failure to retry rather than a sign of an attack.
     */
    private static final class UpstreamResolver implements Resolver {
        /** One question as sent: the validator forwards it with the same id (it sets CD on a copy). */
        record Sent(int id, Name name, int type) {
        }

        private static final Integer NO_ANSWER = -1;
        private final SimpleResolver delegate;
        private final Map<Sent, Integer> rcodes = new ConcurrentHashMap<>();

        UpstreamResolver(SimpleResolver delegate) {
            this.delegate = delegate;
        }

        void expect(Sent sent) {
            rcodes.put(sent, NO_ANSWER);
        }

        int rcode(Sent sent) {
            return rcodes.getOrDefault(sent, NO_ANSWER);
        }

        void forget(Sent sent) {
            rcodes.remove(sent);
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query) {
            return delegate.sendAsync(query).thenApply(response -> remember(query, response));
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query, Executor executor) {
            return delegate.sendAsync(query, executor).thenApply(response -> remember(query, response));
        }

        private Message remember(Message query, Message response) {
            Record question = query.getQuestion();
            if (question != null) {
                rcodes.computeIfPresent(new Sent(query.getHeader().getID(), question.getName(), question.getType()),
                    (sent, old) -> response.getRcode());
            }
            return response;
        }

        @Override
        public void setPort(int port) {
            delegate.setPort(port);
        }

        @Override
        public void setTCP(boolean flag) {
            delegate.setTCP(flag);
        }

        @Override
        public void setIgnoreTruncation(boolean flag) {
            delegate.setIgnoreTruncation(flag);
        }

        @Override
        public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
            delegate.setEDNS(version, payloadSize, flags, options);
        }

        @Override
        public void setTSIGKey(TSIG key) {
            delegate.setTSIGKey(key);
        }

        @Override
        public void setTimeout(Duration timeout) {
            delegate.setTimeout(timeout);
        }

        @Override
        public Duration getTimeout() {
            return delegate.getTimeout();
        }
    }

    /** Settings checked at each call; {@link #build()} fills the resolver from the system when none is given. */
    public static final class Builder {
        private InetSocketAddress resolver;
        private DnssecTrustAnchor trustAnchor;
        private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;
        private Duration totalTimeout = DEFAULT_TOTAL_TIMEOUT;
        private int maxEntries = DEFAULT_MAX_ENTRIES;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The recursive resolver to ask; default: the first one the system names (dnsjava's {@code ResolverConfig}). */
        public Builder resolver(InetSocketAddress resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** Where validation starts; default {@link DnssecTrustAnchor#ianaRoot()}. */
        public Builder trustAnchor(DnssecTrustAnchor trustAnchor) {
            this.trustAnchor = Objects.requireNonNull(trustAnchor, "trustAnchor");
            return this;
        }

        /** How long to wait for each message from the resolver; default 5 s. */
        public Builder queryTimeout(Duration timeout) {
            this.queryTimeout = positive("query timeout", timeout);
            return this;
        }

        /**
         * How long one lookup may take in all, the validator's own DS and DNSKEY questions included;
         * default 20 s.
         */
        public Builder totalTimeout(Duration timeout) {
            this.totalTimeout = positive("total timeout", timeout);
            return this;
        }

        /** At most this many answers are cached (a question each, A and AAAA apart); default 10,000. */
        public Builder maxEntries(int maxEntries) {
            if (maxEntries <= 0) {
                throw new IllegalArgumentException("DNS cache size must be positive: " + maxEntries);
            }
            this.maxEntries = maxEntries;
            return this;
        }

        /** The time for cache lifetimes and signature validity periods; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public ValidatingDns build() {
            if (trustAnchor == null) {
                trustAnchor = DnssecTrustAnchor.ianaRoot();
            }
            InetSocketAddress address = resolver != null ? resolver : ResolverConfig.getCurrentConfig().server();
            if (address == null) {
                throw new IllegalStateException("no DNS resolver configured and the system names none");
            }
            return new ValidatingDns(this, address);
        }

        private static Duration positive(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive: " + value);
            }
            return value;
        }
    }
}
