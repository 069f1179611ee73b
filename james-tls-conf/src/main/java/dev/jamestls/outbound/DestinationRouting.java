package dev.jamestls.outbound;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.dns.DnsAnswer;
import dev.jamestls.dns.MxRecord;
import dev.jamestls.dns.SecureDns;
import dev.jamestls.mtasts.StsDiscovery;
import dev.jamestls.mtasts.StsMode;
import dev.jamestls.mtasts.StsPolicy;
import dev.jamestls.mtasts.StsPolicySource;
import dev.jamestls.mtasts.StsProblem;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.policy.SmartHost;
import dev.jamestls.policy.TrailStep;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.tls.ClientIdentity;
import dev.jamestls.verify.TlsRptResultType;

/**
 * Which policy decides how each host of a destination is authenticated, in one place (SPEC §5, RFC 8461 §2):
 * <ol>
 *   <li>an explicit rule of the administrator (a connector or a table entry) at any level but {@code dane} /
 *       {@code dane-only}: as configured;</li>
 *   <li>level {@code dane} or {@code dane-only} (in a rule or the defaults): a DNSSEC-secure MX RRset and, per MX
 *       host with secure addresses, its TLSA records (RFC 7672 §2.2). A host with usable records is authenticated
 *       by them, TLS mandatory; a host whose TLSA RRset is secure but holds only unusable records gets mandatory
 *       unauthenticated TLS (RFC 7672 §3.1.3); any other host is tried as under {@code may} ({@code dane}) or not
 *       at all ({@code dane-only}). A bogus or failed lookup never falls back: the MX lookup defers the mail, a
 *       host's address or TLSA lookup skips that host (RFC 7672 §2.2.1-2.2.3);</li>
 *   <li>for a domain no rule names, when the defaults say {@code mtaSts="true"} and DANE did not apply: the
 *       domain's MTA-STS policy (RFC 8461 §4-5), also on the hosts a DANE route left when none of them has DANE and
 *       some lookups failed (those stay skipped). {@code enforce}: only MX hosts matching its patterns, a certificate
 *       valid for the MX name under the delivery's trust anchors (level {@code verify}), TLS 1.2+, or the defaults' own
 *       check when they enforce one; {@code testing}: delivered as without it, with what {@code enforce} would have
 *       refused recorded. A policy never weakens the defaults: under defaults that enforce TLS, {@code testing}
 *       leaves them in charge;</li>
 *   <li>the defaults.</li>
 * </ol>
 */
public final class DestinationRouting {
    /** How many MX hosts of a DANE destination are looked up and tried, most preferred first. */
    public static final int MAX_DANE_HOSTS = 10;
    /** The rule name a destination's MTA-STS policy is recorded under. */
    public static final String MTA_STS_RULE = "mta-sts";

    private final DestinationDns dns;
    private final Optional<SecureDns> secureDns;
    private final Optional<StsPolicySource> sts;

    /**
     * @param dns the MX lookups of ordinary deliveries (James's DNS service)
     * @param secureDns DNSSEC-validating lookups; empty: DANE levels find no secure answer and defer
     * @param sts MTA-STS discovery; empty: no MTA-STS policy is ever looked for
     */
    public DestinationRouting(DestinationDns dns, Optional<SecureDns> secureDns, Optional<StsPolicySource> sts) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.secureDns = Objects.requireNonNull(secureDns, "secureDns");
        this.sts = Objects.requireNonNull(sts, "sts");
    }

    /**
     * One host to try, with its plan.
     *
     * @param target the host
     * @param plan what the attempt must achieve
     * @param source which policy decided the plan
     * @param addresses the host's addresses from the validating resolver (DANE); empty: looked up by the caller
     */
    public record PlannedTarget(DeliveryTarget target, TlsPlan plan, PolicySource source, Optional<List<InetAddress>> addresses) {
        public PlannedTarget {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(source, "source");
            addresses = Objects.requireNonNull(addresses, "addresses").map(List::copyOf);
        }
    }

    /**
     * A host not tried because a published policy forbids it.
     *
     * @param target the host (the recipient domain when no host was found at all)
     * @param source the policy that forbade it: DANE (DNSSEC, TLSA) or MTA-STS (not listed)
     * @param level the level that policy stands for
     * @param type the RFC 8460 result type
     * @param reason one line
     * @param unlisted the host as it would be tried had the policy listed it, present only when nothing but the published
     *     policy's host list leaves it out (an MTA-STS policy in mode {@code enforce}, RFC 8461 §4.1): a message whose sender
     *     says {@code TLS-Required: No}, which ignores the recipient's published policies (RFC 8689 §4.2.2), tries it
     */
    public record Skipped(DeliveryTarget target, PolicySource source, OutboundLevel level, TlsRptResultType type, String reason,
                          Optional<PlannedTarget> unlisted) {
        public Skipped {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(unlisted, "unlisted");
        }

        /** A host no sender's demand reopens (a failed DNSSEC lookup, {@code dane-only} without DANE). */
        public Skipped(DeliveryTarget target, PolicySource source, OutboundLevel level, TlsRptResultType type, String reason) {
            this(target, source, level, type, reason, Optional.empty());
        }
    }

    /**
     * How a destination is delivered to.
     *
     * @param resolution the rule that applies: the policy file's, or the destination's MTA-STS policy as a rule
     *     named {@value #MTA_STS_RULE}
     * @param source which policy decided (for the first host)
     * @param level the level the source stands for ({@code verify} for MTA-STS enforce)
     * @param targets the hosts to try, in order
     * @param skipped the hosts not tried, and why
     * @param notes what else the decision found (a failed MTA-STS refresh, what {@code testing} would refuse)
     * @param stsPolicy the MTA-STS policy the hosts of source {@code mta-sts} were decided by (what a TLS report names,
     *     RFC 8460 §4.4); empty when no such policy decided
     * @param stsUnavailable why the domain's MTA-STS policy, announced by its TXT record, could not be learnt (a fetch that
     *     failed with nothing cached, RFC 8461 §3.3): it decided nothing this round, and a later round may find it and
     *     authenticate the hosts (what a REQUIRETLS message waits for, RFC 8689 §4.2.1); empty when a policy decided or
     *     none was announced
     */
    public record Route(OutboundResolution resolution, PolicySource source, OutboundLevel level, List<PlannedTarget> targets,
                        List<Skipped> skipped, List<String> notes, Optional<StsPolicy> stsPolicy, Optional<StsProblem> stsUnavailable) {
        public Route {
            Objects.requireNonNull(resolution, "resolution");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(level, "level");
            targets = List.copyOf(targets);
            skipped = List.copyOf(skipped);
            notes = List.copyOf(notes);
            Objects.requireNonNull(stsPolicy, "stsPolicy");
            Objects.requireNonNull(stsUnavailable, "stsUnavailable");
            if (targets.isEmpty() && skipped.isEmpty()) {
                throw new IllegalArgumentException("a route has a host to try or says why there is none");
            }
            if (stsPolicy.isPresent() && stsUnavailable.isPresent()) {
                throw new IllegalArgumentException("a route decided by an MTA-STS policy has learnt it");
            }
        }

        /** A route no MTA-STS policy decided. */
        public Route(OutboundResolution resolution, PolicySource source, OutboundLevel level, List<PlannedTarget> targets,
                     List<Skipped> skipped, List<String> notes) {
            this(resolution, source, level, targets, skipped, notes, Optional.empty(), Optional.empty());
        }

        /** The same route, saying why the domain's announced MTA-STS policy could not be learnt. */
        Route withStsUnavailable(Optional<StsProblem> problem) {
            return new Route(resolution, source, level, targets, skipped, notes, stsPolicy, problem);
        }

        /**
         * The route of a message whose sender says {@code TLS-Required: No} (RFC 8689 §4.2.2: the recipient's published
         * TLS policies are ignored): the hosts only an MTA-STS policy's host list left out are tried too, in MX order; the
         * plan of every host under a published policy is lowered by {@link SenderDemandRules#apply}. Hosts skipped for a
         * failed DNSSEC lookup stay skipped.
         */
        public Route ignoringPublishedHostList() {
            if (skipped.stream().allMatch(host -> host.unlisted().isEmpty())) {
                return this;
            }
            List<PlannedTarget> all = new ArrayList<>(targets);
            skipped.stream().flatMap(host -> host.unlisted().stream()).forEach(all::add);
            all.sort(Comparator.comparingInt(planned -> planned.target().preference()));
            return new Route(resolution, source, level, all, skipped.stream().filter(host -> host.unlisted().isEmpty()).toList(),
                notes, stsPolicy, stsUnavailable);
        }
    }

    /**
     * @param resolution the policy file's rule for the recipient domain
     * @param mtaSts whether the defaults honour MTA-STS
     * @param anchors the delivery's trust anchors (unless the rule names its own)
     * @param identity the delivery's client certificate (unless the rule names its own)
     * @throws DestinationDns.DnsLookupException when an ordinary MX lookup fails (temporary)
     * @throws TargetSelection.NullMxException when the domain publishes a null MX
     */
    public Route route(OutboundResolution resolution, boolean mtaSts, List<X509Certificate> anchors, Optional<ClientIdentity> identity)
        throws DestinationDns.DnsLookupException, TargetSelection.NullMxException {
        OutboundRequirement requirement = resolution.requirement();
        List<String> notes = new ArrayList<>();
        boolean honoursSts = resolution.kind() == RuleKind.DEFAULTS && mtaSts && sts.isPresent();
        if (requirement.level().usesDane()) {
            Optional<Route> dane = dane(resolution, honoursSts, anchors, identity, notes);
            if (dane.isPresent()) {
                return dane.get();
            }
        }
        Optional<StsProblem> stsUnavailable = Optional.empty();
        if (honoursSts) {
            StsRoute policy = mtaSts(resolution, () -> ordinaryHosts(resolution), List.of(), anchors, identity, notes);
            if (policy.route().isPresent()) {
                return policy.route().get();
            }
            stsUnavailable = policy.unavailable();
        }
        return ordinary(resolution, ordinaryHosts(resolution), List.of(), anchors, identity, notes).withStsUnavailable(stsUnavailable);
    }

    /**
     * What the domain's MTA-STS policy decided.
     *
     * @param route the route it decided; empty when it has no policy that applies
     * @param unavailable why an announced policy could not be learnt, when that is why it decided nothing
     */
    private record StsRoute(Optional<Route> route, Optional<StsProblem> unavailable) {
    }

    /** A host a policy may still decide, with the addresses the validating resolver found (empty: looked up later). */
    private record Candidate(DeliveryTarget target, Optional<List<InetAddress>> addresses) {
    }

    /**
     * The administrator's own plan for {@code target}: the rule without the destination's published policies (DANE,
     * MTA-STS), under which a {@code TLS-Required: No} message is delivered (RFC 8689 §4.2.2); empty under level
     * {@code dane-only}, whose rule demands DANE itself.
     */
    public static Optional<TlsPlan> rulePlan(OutboundResolution resolution, DeliveryTarget target, List<X509Certificate> anchors,
                                             Optional<ClientIdentity> identity) {
        if (resolution.requirement().level() == OutboundLevel.DANE_ONLY) {
            return Optional.empty();
        }
        return Optional.of(plan(withoutDane(resolution.requirement()), resolution.mode(), resolution, target, anchors, identity));
    }

    /** The hosts left to decide, asked for only when a policy needs them. */
    @FunctionalInterface
    private interface Candidates {
        List<Candidate> get() throws DestinationDns.DnsLookupException, TargetSelection.NullMxException;
    }

    private List<Candidate> ordinaryHosts(OutboundResolution resolution)
        throws DestinationDns.DnsLookupException, TargetSelection.NullMxException {
        return TargetSelection.select(resolution, dns).stream().map(target -> new Candidate(target, Optional.empty())).toList();
    }

    /**
     * The order {@link #route} follows for a rule, printable ({@code explain --recipient}), without asking DNS.
     *
     * @param mtaSts whether the defaults honour MTA-STS
     */
    public static List<String> precedence(OutboundResolution resolution, boolean mtaSts) {
        OutboundLevel level = resolution.requirement().level();
        boolean defaults = resolution.kind() == RuleKind.DEFAULTS;
        List<String> steps = new ArrayList<>();
        if (level.usesDane()) {
            steps.add("DANE: a DNSSEC-secure MX RRset, then per MX host secure addresses and usable TLSA records (RFC 7672): "
                + "TLS mandatory, the server authenticated by the records; a bogus or failed DNSSEC lookup defers (4.7.5)");
            steps.add(level == OutboundLevel.DANE_ONLY
                ? "dane-only: a host without usable TLSA records under DNSSEC is never used; none left: deferred (4.7.5)"
                : "dane: a host without usable TLSA records is tried as under may");
        } else if (!defaults) {
            steps.add("an explicit rule: DANE and MTA-STS are not consulted (an administrator's rule outranks a published policy)");
        }
        if (defaults && mtaSts && level != OutboundLevel.DANE_ONLY) {
            OutboundLevel configured = withoutDane(resolution.requirement()).level();
            boolean enforced = resolution.mode() == Mode.ENFORCE;
            steps.add("MTA-STS (RFC 8461)" + (level.usesDane() ? ", when DANE does not apply" : "")
                + ": mode enforce: only MX hosts matching the policy, "
                + (enforced && configured.authenticates() ? "checked as the defaults say (level " + configured + ")"
                    : "a certificate valid for the MX name (level verify)")
                + ", TLS 1.2+, else deferred; mode testing: "
                + (enforced && configured.requiresTls() ? "the defaults below decide" : "delivered as below")
                + ", what enforce would refuse recorded");
        } else if (defaults && level != OutboundLevel.DANE_ONLY) {
            steps.add("MTA-STS: not consulted (the defaults say mtaSts=\"false\")");
        }
        if (level != OutboundLevel.DANE_ONLY) {
            OutboundLevel fallback = withoutDane(resolution.requirement()).level();
            steps.add((defaults ? "the defaults" : "the rule") + ": level " + fallback);
        }
        return steps;
    }

    /** The rule as configured on {@code hosts}; a DANE level without DANE is {@code may}; {@code skipped} stay skipped. */
    private Route ordinary(OutboundResolution resolution, List<Candidate> hosts, List<Skipped> skipped, List<X509Certificate> anchors,
                           Optional<ClientIdentity> identity, List<String> notes) {
        OutboundRequirement requirement = withoutDane(resolution.requirement());
        PolicySource source = PolicySource.of(resolution.kind());
        List<PlannedTarget> targets = new ArrayList<>();
        for (Candidate host : hosts) {
            targets.add(new PlannedTarget(host.target(), plan(requirement, resolution.mode(), resolution, host.target(), anchors, identity),
                source, host.addresses()));
        }
        return new Route(resolution, source, requirement.level(), targets, skipped, notes);
    }

    private Optional<Route> dane(OutboundResolution resolution, boolean honoursSts, List<X509Certificate> anchors,
                                 Optional<ClientIdentity> identity, List<String> notes)
        throws DestinationDns.DnsLookupException, TargetSelection.NullMxException {
        OutboundRequirement requirement = resolution.requirement();
        boolean only = requirement.level() == OutboundLevel.DANE_ONLY;
        DomainName domain = resolution.recipientDomain();
        DeliveryTarget domainTarget = new DeliveryTarget(domain, SmartHost.SMTP_PORT, TargetSource.IMPLICIT_MX, 0);
        if (secureDns.isEmpty()) {
            return Optional.of(refused(resolution, domainTarget, TlsRptResultType.DNSSEC_INVALID,
                "level " + requirement.level() + " needs a DNSSEC-validating resolver; none is configured", notes));
        }
        SecureDns secure = secureDns.get();
        DnsAnswer<MxRecord> mx = secure.mx(domain);
        if (!mx.answered()) {
            // RFC 7672 §2.2.1: a bogus or failed MX lookup is a temporary failure, never a reason to go insecure.
            return Optional.of(refused(resolution, domainTarget, TlsRptResultType.DNSSEC_INVALID,
                "MX lookup of " + domain.ascii() + " " + mx.status()
                    + (mx.detail().isEmpty() ? "" : ": " + PeerText.escape(mx.detail())), notes)); // DNS text: peer text
        }
        if (!mx.secure()) {
            if (only) {
                return Optional.of(refused(resolution, domainTarget, TlsRptResultType.DANE_REQUIRED,
                    "level dane-only: the MX records of " + domain.ascii() + " are not DNSSEC-signed (insecure)", notes));
            }
            // Most domains are unsigned: no note (a log line per mail); the attempt records source and level.
            return Optional.empty();
        }
        List<DeliveryTarget> hosts = secureHosts(domain, mx.records());
        if (hosts.size() > MAX_DANE_HOSTS) {
            // Each host costs two to four validated lookups: a destination publishing thousands of MX records must not
            // hold a delivery thread for ever (Postfix tries 5 addresses by default, smtp_mx_address_limit).
            notes.add("dane: " + domain.ascii() + " lists " + hosts.size() + " MX hosts; the first " + MAX_DANE_HOSTS + " are tried");
            hosts = hosts.subList(0, MAX_DANE_HOSTS);
        }
        List<PlannedTarget> targets = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        boolean anyDane = false;
        OutboundRequirement fallback = requirement.withLevel(OutboundLevel.MAY);
        for (DeliveryTarget target : hosts) {
            DnsAnswer<InetAddress> addresses = secure.addresses(target.host());
            if (!addresses.answered()) {
                skipped.add(new Skipped(target, PolicySource.DANE, requirement.level(), TlsRptResultType.DNSSEC_INVALID,
                    "address lookup of " + target.host().ascii() + " " + addresses.status()));
                continue;
            }
            if (addresses.records().isEmpty()) {
                skipped.add(new Skipped(target, PolicySource.DANE, requirement.level(), TlsRptResultType.VALIDATION_FAILURE,
                    "no address for " + target.host().ascii()));
                continue;
            }
            Optional<List<InetAddress>> found = Optional.of(addresses.records());
            HostTlsa lookedUp = addresses.secure() ? hostTlsa(secure, target.host(), target.port())
                : new HostTlsa(Optional.empty(), DnsAnswer.insecure(List.of(), Duration.ZERO), false);
            Optional<DomainName> aliasTarget = lookedUp.aliasTarget();
            DnsAnswer<TlsaRecord> tlsa = lookedUp.tlsa();
            if (!tlsa.answered()) {
                // RFC 7672 §2.2.3: a failed TLSA lookup makes the host unusable; the next MX host is tried.
                skipped.add(new Skipped(target, PolicySource.DANE, requirement.level(), TlsRptResultType.DNSSEC_INVALID,
                    "TLSA lookup of _" + target.port() + "._tcp." + target.host().ascii() + " " + tlsa.status()));
                continue;
            }
            List<TlsaRecord> usable = tlsa.secure() ? tlsa.records().stream().filter(TlsaRecord::usable).toList() : List.of();
            DomainName nexthop = target.nexthop(domain);
            if (!usable.isEmpty()) {
                anyDane = true;
                targets.add(new PlannedTarget(target,
                    TlsPlan.dane(requirement, resolution.mode(), nexthop, target, aliasTarget,
                        lookedUp.baseDomain(target.host()), usable, identity), PolicySource.DANE, found));
            } else if (only) {
                skipped.add(new Skipped(target, PolicySource.DANE, requirement.level(), TlsRptResultType.DANE_REQUIRED,
                    "level dane-only: " + target.host().ascii()
                    + (tlsa.records().isEmpty() ? " has no secure TLSA records" : " has only unusable TLSA records")));
            } else if (tlsa.secure() && !tlsa.records().isEmpty()) {
                // RFC 7672 §3.1.3: published but unusable records still say the server does TLS: encrypt, unauthenticated.
                targets.add(new PlannedTarget(target, plan(requirement.withLevel(OutboundLevel.ENCRYPT), resolution.mode(), resolution,
                    target, anchors, identity), PolicySource.DANE, found));
                anyDane = true;
            } else {
                targets.add(new PlannedTarget(target, plan(fallback, resolution.mode(), resolution, target, anchors, identity),
                    PolicySource.of(resolution.kind()), found));
            }
        }
        if (!anyDane && !only && !targets.isEmpty()) {
            // No host has DANE: the hosts of the validated MX answer are decided as for a domain without DANE, its MTA-STS
            // policy first; hosts whose lookups failed stay skipped (RFC 7672 §2.2), and never switch that policy off.
            // The validated answer stays: asking unvalidated DNS again would let a forged one (a null MX, other hosts)
            // replace it.
            List<Candidate> rest = targets.stream().map(planned -> new Candidate(planned.target(), planned.addresses())).toList();
            Optional<StsProblem> stsUnavailable = Optional.empty();
            if (honoursSts) {
                StsRoute policy = mtaSts(resolution, () -> rest, skipped, anchors, identity, notes);
                if (policy.route().isPresent()) {
                    return policy.route();
                }
                stsUnavailable = policy.unavailable();
            }
            Route route = skipped.isEmpty() ? ordinary(resolution, rest, List.of(), anchors, identity, notes)
                : new Route(resolution, PolicySource.of(resolution.kind()), requirement.level(), targets, skipped, notes);
            return Optional.of(route.withStsUnavailable(stsUnavailable));
        }
        PolicySource source = anyDane || only ? PolicySource.DANE : PolicySource.of(resolution.kind());
        return Optional.of(new Route(resolution, source, requirement.level(), targets, skipped, notes));
    }

    /**
     * The TLSA records of a host whose addresses are secure, and the alias target they were found at.
     *
     * @param aliasTarget the end of the host's secure CNAME chain, when it is an alias (a DANE-TA name it may carry)
     * @param tlsa the TLSA answer that decides for the host
     * @param atAliasTarget whether {@code tlsa} is the answer at the alias target rather than at the host's own name
     */
    public record HostTlsa(Optional<DomainName> aliasTarget, DnsAnswer<TlsaRecord> tlsa, boolean atAliasTarget) {
        public HostTlsa {
            Objects.requireNonNull(aliasTarget, "aliasTarget");
            Objects.requireNonNull(tlsa, "tlsa");
            if (atAliasTarget && aliasTarget.isEmpty()) {
                throw new IllegalArgumentException("TLSA records at an alias target need the alias target");
            }
        }

        /**
         * The TLSA base domain (RFC 7672 §2.2.2): the alias target when the records were found there, else the
         * host's own name.
         */
        public DomainName baseDomain(DomainName host) {
            return atAliasTarget ? aliasTarget.orElseThrow() : host;
        }
    }

    /**
     * RFC 7672 §2.2.2: a host whose secure CNAME chain ends at another name has its TLSA records looked up there first;
     * when that name has no secure records, at the host's own name. A bogus or failed lookup at the end of the chain is
     * the host's answer: it is never passed over for the other name. Delivery and {@code probe} both ask this way.
     */
    public static HostTlsa hostTlsa(SecureDns secure, DomainName host, int port) {
        Optional<DomainName> aliasTarget = secure.secureAliasTarget(host);
        if (aliasTarget.isPresent()) {
            DnsAnswer<TlsaRecord> expanded = secure.tlsa(aliasTarget.get(), port);
            if (!expanded.answered() || (expanded.secure() && !expanded.records().isEmpty())) {
                return new HostTlsa(aliasTarget, expanded, true);
            }
        }
        return new HostTlsa(aliasTarget, secure.tlsa(host, port), false);
    }

    private static List<DeliveryTarget> secureHosts(DomainName domain, List<MxRecord> records) throws TargetSelection.NullMxException {
        // RFC 7672 §2.2.1: without MX records the domain itself is the host, its TLSA records at _25._tcp.<domain>.
        return TargetSelection.mxTargets(domain, records.stream().sorted(Comparator.comparingInt(MxRecord::preference))
            .map(MxRecord::exchange).toList());
    }

    /**
     * The domain's MTA-STS policy on {@code hosts}; no route when it has none that applies.
     *
     * @param skippedBefore hosts already refused (a failed DNSSEC lookup): they stay refused
     */
    private StsRoute mtaSts(OutboundResolution resolution, Candidates hosts, List<Skipped> skippedBefore,
                                   List<X509Certificate> anchors, Optional<ClientIdentity> identity, List<String> notes)
        throws DestinationDns.DnsLookupException, TargetSelection.NullMxException {
        DomainName domain = resolution.recipientDomain();
        StsDiscovery discovery = sts.orElseThrow().discover(domain);
        discovery.problem().ifPresent(problem -> notes.add("mta-sts: " + problem.type() + ": " + problem.reason()));
        Optional<StsPolicy> found = discovery.policy().filter(policy -> policy.mode() != StsMode.NONE);
        if (found.isEmpty()) {
            // RFC 8461 §5: delivered as without a policy; a fetch that failed with nothing cached may succeed next round.
            return new StsRoute(Optional.empty(), discovery.policy().isEmpty() ? discovery.problem() : Optional.empty());
        }
        StsPolicy policy = found.get();
        Mode mode = policy.mode() == StsMode.ENFORCE ? Mode.ENFORCE : Mode.TESTING;
        OutboundRequirement configured = withoutDane(resolution.requirement());
        boolean defaultsEnforced = resolution.mode() == Mode.ENFORCE;
        if (mode == Mode.TESTING && defaultsEnforced && configured.level().requiresTls()) {
            // A policy in testing enforces nothing (RFC 8461 §5), so it never stands in for defaults that enforce TLS:
            // they decide, and what enforce would refuse is noted.
            List<Candidate> candidates = hosts.get();
            for (Candidate host : candidates) {
                if (!policy.mxMatches(host.target().host())) {
                    notes.add("mta-sts testing: " + host.target().host().ascii() + " does not match the MTA-STS mx patterns of "
                        + domain.ascii() + " (enforce would not use it)");
                }
            }
            return new StsRoute(Optional.of(ordinary(resolution, candidates, skippedBefore, anchors, identity, notes)), Optional.empty());
        }
        // RFC 8461 §4.2: the certificate must be PKIX-valid for the MX host name, over TLS 1.2 or later. Defaults that
        // already authenticate the server under enforce (secure's names, fingerprint's pins, their own anchors) keep
        // their check: a published policy adds to what the administrator demands, never takes from it.
        OutboundRequirement verify = defaultsEnforced && configured.level().authenticates() ? configured
            : new OutboundRequirement(OutboundLevel.VERIFY, List.of(), List.of(), configured.minimumProtocol(),
                configured.ciphers(), List.of(), Failure.TEMPORARY, Optional.empty(), configured.clientIdentity());
        OutboundResolution rule = new OutboundResolution(domain, RuleKind.DEFAULTS, MTA_STS_RULE, mode, verify, Optional.empty(),
            Optional.empty(), withStep(resolution.trail(), new TrailStep(RuleKind.DEFAULTS, MTA_STS_RULE, "_mta-sts." + domain.ascii(),
                TrailStep.Outcome.APPLIED, "the domain publishes an MTA-STS policy in mode " + policy.mode() + " (id " + policy.id()
                + ", mx " + String.join(" ", policy.mx()) + ")")));
        List<PlannedTarget> targets = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>(skippedBefore);
        for (Candidate host : hosts.get()) {
            DeliveryTarget target = host.target();
            PlannedTarget planned = new PlannedTarget(target, plan(verify, mode, rule, target, anchors, identity), PolicySource.MTA_STS,
                host.addresses());
            if (!policy.mxMatches(target.host())) {
                String why = target.host().ascii() + " does not match the MTA-STS mx patterns of " + domain.ascii();
                if (mode == Mode.ENFORCE) {
                    // RFC 8461 §4.1: a non-matching MX host is never used under enforce (unless the sender says
                    // TLS-Required: No, RFC 8689 §4.2.2: Route#ignoringPublishedHostList).
                    skipped.add(new Skipped(target, PolicySource.MTA_STS, OutboundLevel.VERIFY, TlsRptResultType.VALIDATION_FAILURE,
                        why, Optional.of(planned)));
                    continue;
                }
                notes.add("mta-sts testing: " + why + " (enforce would not use it)");
            }
            targets.add(planned);
        }
        return new StsRoute(Optional.of(new Route(rule, PolicySource.MTA_STS, verify.level(), targets, skipped, notes, Optional.of(policy),
            Optional.empty())), Optional.empty());
    }

    private Route refused(OutboundResolution resolution, DeliveryTarget target, TlsRptResultType type, String reason,
                          List<String> notes) {
        return new Route(resolution, PolicySource.DANE, resolution.requirement().level(), List.of(),
            List.of(new Skipped(target, PolicySource.DANE, resolution.requirement().level(), type, reason)), notes);
    }

    private static OutboundRequirement withoutDane(OutboundRequirement requirement) {
        return requirement.level().usesDane() ? requirement.withLevel(OutboundLevel.MAY) : requirement;
    }

    private static TlsPlan plan(OutboundRequirement requirement, Mode mode, OutboundResolution resolution, DeliveryTarget target,
                                List<X509Certificate> anchors, Optional<ClientIdentity> identity) {
        return TlsPlan.forTarget(requirement, mode, target.nexthop(resolution.recipientDomain()), target, anchors, identity);
    }

    private static List<TrailStep> withStep(List<TrailStep> trail, TrailStep step) {
        List<TrailStep> steps = new ArrayList<>(trail);
        steps.add(step);
        return steps;
    }
}
