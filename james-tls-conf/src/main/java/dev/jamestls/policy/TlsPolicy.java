package dev.jamestls.policy;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.policy.TrailStep.Outcome;

/**
 * Defaults, connectors and domain tables, and the one place where precedence
 * is decided:
 * <ol>
 *   <li>a connector beats a domain table, which beats the defaults (the rule kind decides first);</li>
 *   <li>within a kind, the most specific match wins: the exact domain, then the nearest parent
 *       ({@code *.parent} for connectors, {@code .parent} for tables);</li>
 *   <li>between tables, at equal specificity, the table listed first wins;</li>
 *   <li>an expired connector does not apply (the next candidate does) and is named in the trail.</li>
 * </ol>
 * Two connectors claiming the same pattern in the same direction is a configuration error
 * (rejected here). Lookups are hash lookups over the domain and its parents.
 * <p>
 * The null reverse-path ({@code MAIL FROM:<>}, RFC 5321 §4.5.5) resolves to the connector whose inbound
 * part claims it ({@code nullSender="true"}), else to the defaults: bounces carry no sender domain to
 * identify a partner by.
 */
public final class TlsPolicy {
    private static final String DEFAULTS_RULE = "defaults";

    private final Defaults defaults;
    private final List<Connector> connectors;
    private final List<DomainTable> tables;
    private final Clock clock;
    private final Map<String, Connector> inboundExact = new HashMap<>();
    private final Map<String, Connector> inboundWildcard = new HashMap<>();
    private final Map<String, Connector> outboundExact = new HashMap<>();
    private final Map<String, Connector> outboundWildcard = new HashMap<>();
    private final Optional<Connector> nullSenderConnector;

    /**
     * @throws IllegalArgumentException when two connectors share a name or claim the same pattern in one direction
     */
    public TlsPolicy(Defaults defaults, List<Connector> connectors, List<DomainTable> tables, Clock clock) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.connectors = List.copyOf(connectors);
        this.tables = List.copyOf(tables);
        this.clock = Objects.requireNonNull(clock, "clock");
        Map<String, Connector> byName = new HashMap<>();
        Connector nullSender = null;
        for (Connector connector : this.connectors) {
            if (byName.putIfAbsent(connector.name(), connector) != null) {
                throw new IllegalArgumentException("two connectors are named '" + connector.name() + "'");
            }
            if (connector.inbound().isPresent()) {
                Connector.Inbound inbound = connector.inbound().get();
                for (DomainPattern pattern : inbound.senderDomains()) {
                    claim(pattern.wildcard() ? inboundWildcard : inboundExact, pattern, connector, "inbound");
                }
                if (inbound.nullSender()) {
                    if (nullSender != null) {
                        throw new IllegalArgumentException("connectors '" + nullSender.name() + "' and '" + connector.name()
                            + "' both claim the null sender <> inbound");
                    }
                    nullSender = connector;
                }
            }
            for (DomainPattern pattern : connector.outbound().map(Connector.Outbound::recipientDomains).orElse(List.of())) {
                claim(pattern.wildcard() ? outboundWildcard : outboundExact, pattern, connector, "outbound");
            }
        }
        this.nullSenderConnector = Optional.ofNullable(nullSender);
    }

    /** Opportunistic in and out, no connector, no table. */
    public static TlsPolicy opportunistic(Clock clock) {
        return new TlsPolicy(Defaults.OPPORTUNISTIC, List.of(), List.of(), clock);
    }

    public Defaults defaults() {
        return defaults;
    }

    public List<Connector> connectors() {
        return connectors;
    }

    /**
     * Whether some rule needs DNSSEC-validated answers: a {@code dane} or {@code dane-only} level anywhere, or the
     * defaults honouring MTA-STS (whose TXT record the validating resolver answers).
     */
    public boolean asksValidatedDns() {
        return defaults().mtaSts() || defaults().outbound().level().usesDane()
            || connectors().stream().flatMap(c -> c.outbound().stream()).anyMatch(o -> o.requirement().level().usesDane())
            || tables().stream().flatMap(DomainTable::entries).anyMatch(e -> e.requirement().level().usesDane());
    }

    public List<DomainTable> tables() {
        return tables;
    }

    public Optional<Connector> connector(String name) {
        return connectors.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Connectors whose expiry date has passed. */
    public List<Connector> expiredConnectors() {
        return connectors.stream().filter(c -> !c.isActive(clock)).toList();
    }

    /** Connectors that expire within {@code days} days from today (still active). */
    public List<Connector> connectorsExpiringWithin(int days) {
        LocalDate limit = LocalDate.now(clock).plusDays(days);
        return connectors.stream()
            .filter(c -> c.isActive(clock) && c.expires().map(e -> !e.isAfter(limit)).orElse(false))
            .toList();
    }

    /**
     * The inbound rule for a sender domain as received in {@code MAIL FROM}.
     *
     * @param senderDomain the domain part of the reverse-path; null or empty for the null sender {@code <>}.
     *     A value that is not a domain name matches no connector and gets the defaults.
     */
    public InboundResolution resolveInbound(String senderDomain) {
        if (senderDomain == null || senderDomain.isBlank()) {
            return resolveInbound(Optional.empty());
        }
        Optional<DomainName> parsed = DomainName.tryParse(senderDomain);
        if (parsed.isEmpty()) {
            TrailStep step = new TrailStep(RuleKind.DEFAULTS, DEFAULTS_RULE, "-", Outcome.APPLIED,
                "sender domain '" + senderDomain + "' is not a valid domain name; no connector can claim it");
            return new InboundResolution(Optional.empty(), RuleKind.DEFAULTS, DEFAULTS_RULE, Mode.ENFORCE,
                defaults.inbound(), Optional.empty(), List.of(step));
        }
        return resolveInbound(parsed);
    }

    /** The inbound rule for a sender domain; empty = the null sender {@code <>}. */
    public InboundResolution resolveInbound(Optional<DomainName> senderDomain) {
        List<Candidate> candidates = new ArrayList<>(4);
        if (senderDomain.isEmpty()) {
            nullSenderConnector.ifPresent(c -> candidates.add(Candidate.connector(c, "<>", 0)));
        } else {
            connectorCandidates(senderDomain.get(), inboundExact, inboundWildcard, candidates);
        }
        candidates.add(Candidate.defaults());
        Decision decision = decide(candidates);
        Candidate winner = decision.winner;
        if (winner.kind == RuleKind.CONNECTOR) {
            InboundRequirement requirement = winner.connector.inbound().orElseThrow().requirement();
            return new InboundResolution(senderDomain, RuleKind.CONNECTOR, winner.connector.name(), winner.connector.mode(),
                requirement, Optional.of(winner.connector), decision.trail);
        }
        return new InboundResolution(senderDomain, RuleKind.DEFAULTS, DEFAULTS_RULE, Mode.ENFORCE, defaults.inbound(),
            Optional.empty(), decision.trail);
    }

    /**
     * The outbound rule for a recipient domain.
     *
     * @throws IllegalArgumentException when {@code recipientDomain} is not a domain name
     */
    public OutboundResolution resolveOutbound(String recipientDomain) {
        return resolveOutbound(DomainName.parse(recipientDomain));
    }

    /** The outbound rule for a recipient domain. */
    public OutboundResolution resolveOutbound(DomainName recipientDomain) {
        List<Candidate> candidates = new ArrayList<>(4);
        connectorCandidates(recipientDomain, outboundExact, outboundWildcard, candidates);
        tableCandidates(recipientDomain, candidates);
        candidates.add(Candidate.defaults());
        Decision decision = decide(candidates);
        Candidate winner = decision.winner;
        return switch (winner.kind) {
            case CONNECTOR -> new OutboundResolution(recipientDomain, RuleKind.CONNECTOR, winner.connector.name(),
                winner.connector.mode(), winner.connector.outbound().orElseThrow().requirement(),
                Optional.of(winner.connector), Optional.empty(), decision.trail);
            case DOMAIN_TABLE -> new OutboundResolution(recipientDomain, RuleKind.DOMAIN_TABLE, winner.rule,
                winner.entry.mode(), winner.entry.requirement(), Optional.empty(), Optional.of(winner.entry), decision.trail);
            case DEFAULTS -> new OutboundResolution(recipientDomain, RuleKind.DEFAULTS, DEFAULTS_RULE, Mode.ENFORCE,
                defaults.outbound(), Optional.empty(), Optional.empty(), decision.trail);
        };
    }

    private static void claim(Map<String, Connector> index, DomainPattern pattern, Connector connector, String direction) {
        Connector previous = index.putIfAbsent(pattern.domain().ascii(), connector);
        if (previous != null) {
            throw new IllegalArgumentException("connectors '" + previous.name() + "' and '" + connector.name()
                + "' both claim " + pattern + " " + direction);
        }
    }

    // Exact first, then *.parent from the nearest parent up.
    private static void connectorCandidates(DomainName domain, Map<String, Connector> exact, Map<String, Connector> wildcard,
                                            List<Candidate> out) {
        String ascii = domain.ascii();
        Connector hit = exact.get(ascii);
        if (hit != null) {
            out.add(Candidate.connector(hit, ascii, 0));
        }
        int depth = 1;
        for (int dot = ascii.indexOf('.'); dot >= 0; dot = ascii.indexOf('.', dot + 1), depth++) {
            String parent = ascii.substring(dot + 1);
            hit = wildcard.get(parent);
            if (hit != null) {
                out.add(Candidate.connector(hit, "*." + parent, depth));
            }
        }
    }

    // Exact first (tables in order), then .parent from the nearest parent up (tables in order).
    private void tableCandidates(DomainName domain, List<Candidate> out) {
        if (tables.isEmpty()) {
            return;
        }
        for (DomainTable table : tables) {
            table.exact(domain).ifPresent(entry -> out.add(Candidate.table(table, entry, 0)));
        }
        String ascii = domain.ascii();
        int depth = 1;
        for (int dot = ascii.indexOf('.'); dot >= 0; dot = ascii.indexOf('.', dot + 1), depth++) {
            String parent = ascii.substring(dot + 1);
            for (DomainTable table : tables) {
                int level = depth;
                table.subdomainsOf(parent).ifPresent(entry -> out.add(Candidate.table(table, entry, level)));
            }
        }
    }

    // Candidates arrive in precedence order; the first active one applies.
    private Decision decide(List<Candidate> candidates) {
        List<TrailStep> trail = new ArrayList<>(candidates.size());
        Candidate winner = null;
        for (Candidate candidate : candidates) {
            if (candidate.connector != null && !candidate.connector.isActive(clock)) {
                trail.add(new TrailStep(candidate.kind, candidate.rule, candidate.matchedBy, Outcome.EXPIRED,
                    "expired on " + candidate.connector.expires().orElseThrow() + "; it no longer applies"));
            } else if (winner == null) {
                winner = candidate;
                trail.add(new TrailStep(candidate.kind, candidate.rule, candidate.matchedBy, Outcome.APPLIED, appliedReason(candidate)));
            } else {
                trail.add(new TrailStep(candidate.kind, candidate.rule, candidate.matchedBy, Outcome.OUTRANKED,
                    outrankedReason(candidate, winner)));
            }
        }
        return new Decision(winner, trail);
    }

    private static String appliedReason(Candidate candidate) {
        return switch (candidate.kind) {
            case CONNECTOR -> candidate.depth == 0 ? "connector claims the domain exactly" : "connector claims the domain by wildcard";
            case DOMAIN_TABLE -> candidate.depth == 0 ? "table entry for the domain exactly" : "table entry for a parent domain";
            case DEFAULTS -> "no connector or table entry applies";
        };
    }

    private static String outrankedReason(Candidate loser, Candidate winner) {
        if (loser.kind == winner.kind) {
            if (loser.depth == winner.depth) {
                return "same specificity; " + winner.rule + " is listed first";
            }
            return "less specific than " + winner.matchedBy;
        }
        if (loser.kind == RuleKind.DEFAULTS) {
            return "defaults apply only when no rule matches";
        }
        return winner.kind + " takes precedence over " + loser.kind;
    }

    private record Decision(Candidate winner, List<TrailStep> trail) {
    }

    private static final class Candidate {
        final RuleKind kind;
        final String rule;
        final String matchedBy;
        final int depth;
        final Connector connector;
        final TableEntry entry;

        private Candidate(RuleKind kind, String rule, String matchedBy, int depth, Connector connector, TableEntry entry) {
            this.kind = kind;
            this.rule = rule;
            this.matchedBy = matchedBy;
            this.depth = depth;
            this.connector = connector;
            this.entry = entry;
        }

        static Candidate connector(Connector connector, String matchedBy, int depth) {
            return new Candidate(RuleKind.CONNECTOR, connector.name(), matchedBy, depth, connector, null);
        }

        static Candidate table(DomainTable table, TableEntry entry, int depth) {
            return new Candidate(RuleKind.DOMAIN_TABLE, entry.source() + " " + entry.key(), entry.key(), depth, null, entry);
        }

        static Candidate defaults() {
            return new Candidate(RuleKind.DEFAULTS, DEFAULTS_RULE, "-", Integer.MAX_VALUE, null, null);
        }
    }
}
