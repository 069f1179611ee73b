package dev.jamestls.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.jamestls.admin.AdminException;
import dev.jamestls.admin.DaneFindings;
import dev.jamestls.admin.JndiResolver;
import dev.jamestls.admin.LevelJudge;
import dev.jamestls.admin.LevelVerdict;
import dev.jamestls.admin.MxHost;
import dev.jamestls.admin.ProbeStep;
import dev.jamestls.admin.Resolver;
import dev.jamestls.admin.SmtpProbe;
import dev.jamestls.admin.StsFindings;
import dev.jamestls.admin.TargetProbe;
import dev.jamestls.admin.TrustAnchors;
import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.dns.DnsAnswer;
import dev.jamestls.dns.DnssecTrustAnchor;
import dev.jamestls.dns.SecureDns;
import dev.jamestls.dns.ValidatingDns;
import dev.jamestls.mtasts.HttpsStsFetcher;
import dev.jamestls.mtasts.StsMode;
import dev.jamestls.mtasts.StsPolicy;
import dev.jamestls.mtasts.StsTxtLookup;
import dev.jamestls.mtasts.StsTxtRecord;
import dev.jamestls.outbound.AttemptClassification;
import dev.jamestls.outbound.DeliveryTarget;
import dev.jamestls.outbound.TargetSource;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.policy.CipherPolicy;
import dev.jamestls.policy.CipherPreset;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.IpRange;
import dev.jamestls.policy.MatchName;
import dev.jamestls.policy.MinimumProtocols;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.revocation.RevocationChecking;
import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.tls.CertificatePins;
import dev.jamestls.tls.TlsProtocol;
import dev.jamestls.verify.CertificateVerifier;
import dev.jamestls.verify.VerificationKind;
import dev.jamestls.verify.VerificationOutcome;

/** {@code probe (DOMAIN | HOST:PORT) [--level L] [--match NAMES] [--pin PIN]...}. */
@Command(name = "probe", mixinStandardHelpOptions = true,
    description = "Before forcing TLS towards a partner: look up its MX hosts (or take the given host), connect to each, "
        + "EHLO, STARTTLS, handshake, QUIT (never a message), and say which outbound levels it would pass.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:probed (with --level: every target passes it)", "1:with --level: a target would fail it or could not be "
        + "probed; without: the MX lookup failed", "2:usage error"},
    footer = {"%nFor a DOMAIN, also the destination's published policies: the DNSSEC status of its MX records, per MX host "
        + "its TLSA records (RFC 7672) and the dane verdict, its MTA-STS policy (RFC 8461) and whether each MX host passes it."})
final class ProbeCommand extends CliCommand {
    static final String SCHEMA = "james-tls/probe/v1";
    /** A validated lookup asks more than once (the DS and DNSKEY records of the chain of trust): --timeout each, this many in all. */
    private static final int DNSSEC_QUERIES_PER_LOOKUP = 4;

    @Parameters(index = "0", paramLabel = "DOMAIN|HOST:PORT",
        description = "a recipient domain (its MX hosts are probed on --port) or one host with its port")
    String target;

    @Option(names = "--level", paramLabel = "L", description = "exit 1 unless every target passes this level; accepted: "
        + "none, may, encrypt, verify, secure, fingerprint, dane (a host without usable TLSA records as may), dane-only "
        + "(every host must pass DANE); dane levels need a DOMAIN")
    String level;

    @Option(names = "--match", paramLabel = "NAMES", split = "[:,]",
        description = "names for level secure, Postfix style (mail.partner.example:.partner.example, nexthop, dot-nexthop); "
            + "default: nexthop:dot-nexthop")
    List<String> match = new ArrayList<>();

    @Option(names = "--pin", paramLabel = "PIN", description = "base64 SHA-256 SPKI pin for level fingerprint (repeatable)")
    List<String> pins = new ArrayList<>();

    @Option(names = "--minimum-protocol", paramLabel = "P", defaultValue = "TLSv1.2",
        description = "the rule's minimumProtocol: TLSv1.2 or TLSv1.3 (default: ${DEFAULT-VALUE})")
    String minimumProtocol;

    @Option(names = "--ciphers", paramLabel = "PRESET", defaultValue = "forward-secret",
        description = "the rule's ciphers: modern, forward-secret, compatible (default: ${DEFAULT-VALUE})")
    String ciphers;

    @Option(names = "--exclude-ciphers", paramLabel = "SUITES", split = ",",
        description = "the rule's excludeCiphers: JSSE suite names or aliases, comma-separated")
    List<String> excludeCiphers = new ArrayList<>();

    @Option(names = "--trust-anchors", paramLabel = "PEM", description = "anchors for verify/secure (default: the JDK's trust store)")
    Path trustAnchors;

    @Option(names = "--revocation", paramLabel = "MODE", defaultValue = "off",
        description = "revocation checking for verify/secure: off, soft-fail, hard-fail (default: ${DEFAULT-VALUE})")
    String revocation;

    @Option(names = "--dns-server", paramLabel = "ADDRESS:PORT",
        description = "ask this DNS server (numeric address) instead of the system's resolvers")
    String dnsServer;

    @Option(names = "--dnssec-resolver", paramLabel = "ADDRESS:PORT",
        description = "the recursive resolver (numeric address) of the DNSSEC-validated lookups: MX, addresses, TLSA, "
            + "_mta-sts TXT; validated here from --dnssec-trust-anchor (default: --dns-server when given, else the system's "
            + "first resolver)")
    String dnssecResolver;

    @Option(names = "--dnssec-trust-anchor", paramLabel = "FILE",
        description = "DNSSEC trust anchors, DS or DNSKEY records in zone-file form (default: the IANA root anchors)")
    Path dnssecTrustAnchor;

    /** How MTA-STS policies are fetched: directly; tests route through a loopback proxy. */
    ProxySelector stsRoute = HttpClient.Builder.NO_PROXY;

    @Option(names = "--port", paramLabel = "N", defaultValue = "25", description = "SMTP port of MX hosts (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--helo", paramLabel = "NAME", description = "EHLO argument (default: our address literal, e.g. [192.0.2.1])")
    String helo;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
        description = "timeout of each step: DNS query, connect, each reply, the handshake (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--json", description = "JSON document (schema " + SCHEMA + "); progress goes to stderr")
    boolean json;

    @Override
    public Integer call() {
        Inputs inputs = inputs();
        PrintWriter out = out();
        PrintWriter progress = json ? err() : out;
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        Resolver resolver = dnsServer == null ? JndiResolver.system(timeout) : resolver(dnsServer, timeout);
        TrustAnchors anchors;
        Optional<SecureDns> secureDns;
        try {
            anchors = anchors(trustAnchors);
            secureDns = inputs.domain.isPresent() ? Optional.of(secureDns(timeout)) : Optional.empty();
        } catch (AdminException e) {
            return failed(e);
        }
        CertificateVerifier verifier = CertificateVerifier.withRevocation(clock, fetcher(timeout));
        LevelJudge judge = new LevelJudge(verifier, inputs.revocation);
        SmtpProbe probe = new SmtpProbe(new SmtpProbe.Settings(timeout, timeout, Optional.ofNullable(helo)), verifier);

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("schema", SCHEMA);
        report.put("target", target);
        report.put("level", inputs.level.map(Object::toString).orElse(null));
        report.put("match", inputs.secureNames);
        List<MxHost> hosts;
        if (inputs.domain.isPresent()) {
            progress.println("probe " + inputs.domain.get() + ": MX lookup via " + resolver.describe());
            progress.flush();
            try {
                hosts = resolver.mx(inputs.domain.get());
            } catch (AdminException e) {
                progress.println("  MX lookup failed: " + e.getMessage());
                report.put("error", "MX lookup failed: " + e.getMessage());
                finish(out, report);
                return JamesTlsCli.ERRORS;
            }
            hosts.forEach(h -> progress.println("  MX " + h.preference() + " " + h.host() + (h.implicit() ? " (implicit MX, RFC 5321 §5.1)" : "")));
        } else {
            progress.println("probe " + inputs.host + " port " + inputs.port + " (no MX lookup)");
            hosts = List.of(new MxHost(0, inputs.host, true));
        }
        report.put("mx", hosts.stream().map(h -> Map.of("preference", h.preference(), "host", h.host(), "implicit", h.implicit())).toList());
        Optional<DaneFindings> dane = secureDns.map(dns -> DaneFindings.lookUp(dns, inputs.nexthop(), hosts, inputs.port));
        Optional<StsFindings> sts = secureDns.map(dns -> StsFindings.lookUp(dns, inputs.nexthop(),
            HttpsStsFetcher.trusting(anchors.certificates(), timeout, stsRoute, clock)));
        dane.ifPresent(findings -> printDnssec(progress, findings));
        sts.ifPresent(findings -> printSts(progress, findings));
        report.put("dnssec", dane.map(ProbeCommand::dnssecJson).orElse(null));
        report.put("mtaSts", null);
        List<Object> targets = new ArrayList<>();
        Map<String, List<LevelVerdict>> stsVerdicts = new LinkedHashMap<>();
        boolean allPass = true;
        for (MxHost host : hosts) {
            List<InetAddress> addresses;
            try {
                addresses = resolver.addresses(host.host());
                if (addresses.isEmpty()) {
                    throw new AdminException("no address record for " + host.host());
                }
            } catch (AdminException e) {
                progress.println("\n" + host.host() + ": " + e.getMessage());
                targets.add(Map.of("host", host.host(), "error", e.getMessage()));
                allPass = false;
                continue;
            }
            Optional<DaneFindings.Host> daneHost = dane.flatMap(findings -> findings.host(host.host()));
            List<TlsaRecord> usable = daneHost.map(DaneFindings.Host::usable).orElse(List.of());
            Optional<OutboundLevel> withoutDane = daneHost.flatMap(h -> dane.get().withoutDane(h));
            Optional<String> noDane = noDane(dane, daneHost);
            for (InetAddress address : addresses) {
                progress.println("\n" + host.host() + " [" + address.getHostAddress() + "]:" + inputs.port);
                progress.flush();
                Consumer<ProbeStep> printer = step -> {
                    progress.printf("  %-11s %-4s %s (%d ms)%n", step.name(), step.ok() ? "ok" : "FAIL", step.detail(), step.elapsed().toMillis());
                    progress.flush();
                };
                List<TlsPlan> plans = inputs.plans(host, anchors, usable, daneHost.flatMap(DaneFindings.Host::aliasTarget));
                TlsPlan handshake = plans.stream().filter(p -> p.level() == OutboundLevel.MAY).findFirst().orElseThrow();
                TargetProbe result = probe.probe(host.host(), address, inputs.port, handshake, printer);
                List<LevelVerdict> verdicts = judge.judge(result, plans, inputs.missing(noDane));
                printTarget(progress, result, verdicts, inputs);
                targets.add(targetJson(result, verdicts));
                if (sts.flatMap(StsFindings::policy).isPresent()) {
                    stsVerdicts.computeIfAbsent(host.host(), h -> new ArrayList<>()).add(judge.judge(result, inputs.mtaStsPlan(host, anchors)));
                }
                if (inputs.level.isPresent()) {
                    allPass &= LevelJudge.passes(inputs.level.get(), verdicts, withoutDane);
                }
            }
        }
        sts.ifPresent(findings -> report.put("mtaSts", mtaSts(progress, findings, hosts, stsVerdicts)));
        report.put("targets", targets);
        if (inputs.level.isPresent()) {
            report.put("passed", allPass);
            progress.println("\nlevel " + inputs.level.get() + ": " + (allPass ? "every target passes" : "NOT every target passes"));
        }
        finish(out, report);
        return inputs.level.isPresent() && !allPass ? JamesTlsCli.ERRORS : JamesTlsCli.CLEAN;
    }

    /** Why DANE does not authenticate {@code host}, and what delivery does instead; empty when it does. */
    private static Optional<String> noDane(Optional<DaneFindings> dane, Optional<DaneFindings.Host> host) {
        if (dane.isEmpty() || host.isEmpty()) {
            return Optional.of("a HOST:PORT target: DANE is looked up for a recipient domain's MX hosts");
        }
        String instead = dane.get().withoutDane(host.get()).map(level -> "; level dane delivers as " + level + ", dane-only never")
            .orElse("; levels dane and dane-only defer");
        return dane.get().whyNot(host.get()).map(why -> why + instead);
    }

    /** The validating resolver of {@code --dnssec-resolver} (or {@code --dns-server}) from {@code --dnssec-trust-anchor}. */
    private SecureDns secureDns(Duration timeout) throws AdminException {
        DnssecTrustAnchor anchor;
        try {
            anchor = dnssecTrustAnchor == null ? DnssecTrustAnchor.ianaRoot() : DnssecTrustAnchor.read(dnssecTrustAnchor);
        } catch (IllegalArgumentException e) {
            throw new AdminException(e.getMessage());
        }
        ValidatingDns.Builder builder = ValidatingDns.builder().trustAnchor(anchor).queryTimeout(timeout)
            .totalTimeout(timeout.multipliedBy(DNSSEC_QUERIES_PER_LOOKUP)).clock(clock);
        String server = dnssecResolver != null ? dnssecResolver : dnsServer;
        if (server != null) {
            builder.resolver(JndiResolver.socketAddress(server));
        }
        try {
            return builder.build();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new AdminException("DNSSEC: " + e.getMessage());
        }
    }

    private static void printDnssec(PrintWriter out, DaneFindings findings) {
        out.println("  DNSSEC: MX " + findings.domain().ascii() + " " + status(findings.mx()));
        for (DaneFindings.Host host : findings.hosts()) {
            out.println("  DNSSEC: " + host.host() + " addresses " + status(host.addresses()) + ", TLSA " + host.tlsaName() + " "
                + host.tlsa().map(ProbeCommand::status).orElse("not looked up (addresses not secure, RFC 7672 §2.2.2)"));
            List<TlsaRecord> usable = host.usable();
            host.tlsa().ifPresent(tlsa -> tlsa.records().forEach(record -> out.println("    TLSA " + record + "  "
                + (usable.contains(record) ? "usable" : "not usable"))));
        }
        out.flush();
    }

    private static void printSts(PrintWriter out, StsFindings findings) {
        String txt = "  MTA-STS: TXT " + StsTxtLookup.LABEL + "." + findings.domain().ascii() + " " + findings.txt().status() + ": ";
        out.println(txt + findings.selection().record().map(record -> "id " + record.id()).orElse(findings.selection().reason()));
        findings.policy().ifPresent(policy -> out.println("  MTA-STS: policy mode " + policy.mode() + ", mx " + policy.mx()
            + ", max_age " + policy.maxAge().toSeconds()));
        findings.problem().ifPresent(problem -> out.println("  MTA-STS: no policy: " + problem.type() + ": " + problem.reason()));
        out.flush();
    }

    /**
     * Per MX host: whether it matches the policy's patterns and would pass under {@code enforce} (RFC 8461 §4.1-4.2:
     * listed, and a certificate valid for the MX name over TLS 1.2+ at every address); printed, and as JSON.
     */
    private static Map<String, Object> mtaSts(PrintWriter out, StsFindings findings, List<MxHost> hosts,
                                              Map<String, List<LevelVerdict>> verdicts) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("txt", Map.of("status", findings.txt().status().toString(), "records", findings.txt().records()));
        json.put("id", findings.selection().record().map(StsTxtRecord::id).orElse(null));
        json.put("txtProblem", findings.selection().record().isPresent() ? null : findings.selection().reason());
        json.put("policy", findings.policy().map(policy -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("mode", policy.mode().toString());
            item.put("mx", policy.mx());
            item.put("maxAge", policy.maxAge().toSeconds());
            return item;
        }).orElse(null));
        json.put("problem", findings.problem().map(problem -> Map.of("type", problem.type().toString(), "reason", problem.reason()))
            .orElse(null));
        List<Object> mx = new ArrayList<>();
        Optional<StsPolicy> policy = findings.policy();
        if (policy.isPresent() && policy.get().mode() != StsMode.NONE) {
            out.println("\nMTA-STS " + findings.domain().ascii() + " (mode " + policy.get().mode() + ", mx " + policy.get().mx() + "):");
            for (MxHost host : hosts) {
                boolean matches = policy.get().mxMatches(DomainName.parse(host.host()));
                List<LevelVerdict> seen = verdicts.getOrDefault(host.host(), List.of());
                boolean verified = !seen.isEmpty() && seen.stream().allMatch(v -> v.result() == LevelVerdict.Result.PASS);
                String reason = !matches ? "not listed in the policy's mx patterns, never used under enforce (RFC 8461 §4.1)"
                    : seen.isEmpty() ? "not probed"
                    : seen.stream().filter(v -> v.result() != LevelVerdict.Result.PASS).findFirst().orElse(seen.get(0)).reason();
                out.println("  " + host.host() + ": " + (matches ? "matches" : "does not match") + "; under enforce: "
                    + (matches && verified ? "pass" : "FAIL") + " (" + reason + ")");
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("host", host.host());
                item.put("matches", matches);
                item.put("passesEnforce", matches && verified);
                item.put("reason", reason);
                mx.add(item);
            }
            out.flush();
        }
        json.put("mx", mx);
        return json;
    }

    private static Map<String, Object> dnssecJson(DaneFindings findings) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mx", answerJson(findings.mx()));
        json.put("hosts", findings.hosts().stream().map(host -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("host", host.host());
            item.put("addresses", answerJson(host.addresses()));
            item.put("tlsaName", host.tlsaName());
            item.put("tlsa", host.tlsa().map(ProbeCommand::answerJson).orElse(null));
            List<TlsaRecord> usable = host.usable();
            item.put("records", host.tlsa().map(tlsa -> tlsa.records().stream().map(record -> Map.of("record", record.toString(),
                "usable", usable.contains(record))).toList()).orElse(List.of()));
            item.put("usable", !usable.isEmpty());
            item.put("whyNot", findings.whyNot(host).orElse(null));
            return item;
        }).toList());
        return json;
    }

    private static Map<String, Object> answerJson(DnsAnswer<?> answer) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", answer.status().toString());
        json.put("detail", answer.detail().isEmpty() ? null : answer.detail());
        return json;
    }

    /** {@code secure}, {@code insecure, no records}, {@code bogus (reason)}. */
    private static String status(DnsAnswer<?> answer) {
        if (!answer.answered()) {
            return answer.status() + (answer.detail().isEmpty() ? "" : " (" + answer.detail() + ")");
        }
        return answer.status() + (answer.records().isEmpty() ? ", no records" : "");
    }

    private void finish(PrintWriter out, Map<String, Object> report) {
        if (json) {
            out.println(Json.pretty(report));
        }
        out.flush();
    }

    private static void printTarget(PrintWriter out, TargetProbe result, List<LevelVerdict> verdicts, Inputs inputs) {
        if (!result.presented().isEmpty()) {
            CertificateFacts leaf = CertificateFacts.of(result.presented().get(0));
            out.println("  certificate subject '" + leaf.subject() + "', issuer '" + leaf.issuer() + "'");
            out.println("              DNS names " + leaf.dnsNames() + ", valid " + leaf.notBefore() + " to " + leaf.notAfter());
            out.println("              key " + FactsViews.key(leaf) + ", SPKI pin " + leaf.spkiSha256());
        }
        out.println("  verdicts:");
        TextTable table = new TextTable("LEVEL", "RESULT", "REASON");
        verdicts.forEach(v -> table.row(v.level().toString(), v.result().toString(), v.reason()));
        out.print(table.text("    "));
        out.println("  summary: " + summary(result, verdicts, inputs));
        out.flush();
    }

    /** "would pass none, may, encrypt, verify; would fail secure with match=mail.partner.example: presented [*.other.example]". */
    static String summary(TargetProbe result, List<LevelVerdict> verdicts, Inputs inputs) {
        List<String> passed = verdicts.stream().filter(v -> v.result() == LevelVerdict.Result.PASS).map(v -> v.level().toString()).toList();
        List<String> parts = new ArrayList<>();
        if (!passed.isEmpty()) {
            parts.add("would pass " + String.join(", ", passed));
        }
        for (LevelVerdict verdict : verdicts) {
            if (verdict.result() != LevelVerdict.Result.FAIL) {
                continue;
            }
            String with = verdict.level() == OutboundLevel.SECURE ? " with match=" + String.join(":", inputs.secureNames) : "";
            boolean nameMismatch = verdict.outcome().map(o -> o.kind() == VerificationKind.NAME_MISMATCH).orElse(false);
            String why = nameMismatch && !result.presented().isEmpty()
                ? "presented " + String.join(", ", CertificateFacts.of(result.presented().get(0)).dnsNames()) : verdict.reason();
            parts.add("would fail " + verdict.level() + with + ": " + why);
        }
        return String.join("; ", parts);
    }

    private static Map<String, Object> targetJson(TargetProbe result, List<LevelVerdict> verdicts) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("host", result.host());
        json.put("address", result.address().getHostAddress());
        json.put("port", result.port());
        json.put("steps", result.steps().stream().map(step -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", step.name());
            item.put("ok", step.ok());
            item.put("detail", step.detail());
            item.put("millis", step.elapsed().toMillis());
            return item;
        }).toList());
        json.put("sessionFailure", result.sessionFailure().orElse(null));
        json.put("starttlsOffered", result.starttlsOffered());
        json.put("tlsFailure", result.tlsFailure().orElse(null));
        json.put("protocol", result.protocol().orElse(null));
        json.put("cipherSuite", result.cipherSuite().orElse(null));
        List<Object> chain = new ArrayList<>();
        for (int i = 0; i < result.presented().size(); i++) {
            chain.add(FactsViews.json(CertificateFacts.of(result.presented().get(i)), i, i == 0 ? "leaf" : "issuer"));
        }
        json.put("presented", chain);
        json.put("verdicts", verdicts.stream().map(v -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("level", v.level().toString());
            item.put("result", v.result().toString());
            item.put("reason", v.reason());
            item.put("verification", v.outcome().map(o -> o.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).orElse(null));
            item.put("attempt", v.classification().map(c -> c.verdict().spelling()).orElse(null));
            item.put("tlsRptResultType", v.classification().flatMap(AttemptClassification::resultType)
                .or(() -> v.outcome().flatMap(VerificationOutcome::resultType)).map(Object::toString).orElse(null));
            return item;
        }).toList());
        return json;
    }

    /**
     * The checked command line.
     *
     * @param match the names given with {@code --match}: checked under {@code secure} and, as a rule with {@code match}
     *     would, under {@code verify}; empty: {@code verify} checks the MX name, {@code secure} nexthop:dot-nexthop
     * @param secureNames the names {@code secure} checks, printable
     */
    record Inputs(Optional<String> domain, String host, int port, Optional<OutboundLevel> level, List<MatchName> match,
                  List<String> secureNames, Set<String> pins, RevocationChecking revocation, TlsProtocol minimumProtocol,
                  CipherPolicy ciphers) {
        static final List<MatchName> SECURE_DEFAULT = List.of(MatchName.parse("nexthop"), MatchName.parse("dot-nexthop"));

        /** The nexthop of Postfix's match names: the recipient domain, or the given host (as for a smart host). */
        DomainName nexthop() {
            return DomainName.parse(domain.orElse(host));
        }

        /**
         * The plan delivery builds for each level towards {@code mx}, under a rule with this command line's match
         * names and pins and the default protocols and cipher suites; no fingerprint plan without a pin.
         */
        List<TlsPlan> plans(MxHost mx, TrustAnchors anchors, List<TlsaRecord> usable, Optional<DomainName> aliasTarget) {
            DeliveryTarget target = target(mx);
            List<TlsPlan> plans = new ArrayList<>();
            for (OutboundLevel each : OutboundLevel.values()) {
                if (each == OutboundLevel.FINGERPRINT && pins.isEmpty() || each.usesDane()) {
                    continue;
                }
                plans.add(TlsPlan.forTarget(requirement(each), Mode.ENFORCE, nexthop(), target, anchors.certificates()));
            }
            if (!usable.isEmpty()) {
                // RFC 7672 §2.2: the host's usable TLSA records under DNSSEC decide; one row, dane (dane-only plans alike).
                plans.add(TlsPlan.dane(requirement(OutboundLevel.DANE), Mode.ENFORCE, nexthop(), target, aliasTarget, target.host(), usable,
                    Optional.empty()));
            }
            return plans;
        }

        /** The plan delivery builds for {@code mx} under an MTA-STS policy in mode enforce (RFC 8461 §4.2: verify, the MX name). */
        TlsPlan mtaStsPlan(MxHost mx, TrustAnchors anchors) {
            OutboundRequirement verify = new OutboundRequirement(OutboundLevel.VERIFY, List.of(), List.of(), minimumProtocol, ciphers,
                List.of(), Failure.TEMPORARY);
            return TlsPlan.forTarget(verify, Mode.ENFORCE, nexthop(), target(mx), anchors.certificates());
        }

        private DeliveryTarget target(MxHost mx) {
            return new DeliveryTarget(DomainName.parse(mx.host()), port,
                domain.isEmpty() ? TargetSource.SMART_HOST : mx.implicit() ? TargetSource.IMPLICIT_MX : TargetSource.MX, mx.preference());
        }

        /**
         * Why a level has no plan.
         *
         * @param noDane why the host has no usable TLSA records, when it has none
         */
        Map<OutboundLevel, String> missing(Optional<String> noDane) {
            Map<OutboundLevel, String> missing = new LinkedHashMap<>();
            if (pins.isEmpty()) {
                missing.put(OutboundLevel.FINGERPRINT, "no pin given");
            }
            noDane.ifPresent(reason -> missing.put(OutboundLevel.DANE, reason));
            return missing;
        }

        OutboundRequirement requirement(OutboundLevel each) {
            List<MatchName> names = switch (each) {
                case VERIFY -> match;
                case SECURE -> match.isEmpty() ? SECURE_DEFAULT : match;
                default -> List.of();
            };
            return new OutboundRequirement(each, names, each == OutboundLevel.FINGERPRINT ? List.copyOf(pins) : List.of(),
                minimumProtocol, ciphers, List.of(), Failure.TEMPORARY);
        }
    }

    private Inputs inputs() {
        Optional<OutboundLevel> parsedLevel;
        RevocationChecking mode;
        TlsProtocol minimum;
        CipherPolicy cipherPolicy;
        try {
            parsedLevel = level == null ? Optional.empty() : Optional.of(OutboundLevel.parse(level));
            mode = RevocationChecking.parse(revocation);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        try {
            minimum = MinimumProtocols.parse(minimumProtocol);
        } catch (IllegalArgumentException e) {
            throw usage("--minimum-protocol: " + e.getMessage());
        }
        CipherPreset preset;
        try {
            preset = CipherPreset.parse(ciphers);
        } catch (IllegalArgumentException e) {
            throw usage("--ciphers: " + e.getMessage());
        }
        try {
            cipherPolicy = new CipherPolicy(preset, excludeCiphers);
        } catch (IllegalArgumentException e) {
            throw usage("--exclude-ciphers: " + e.getMessage());
        }
        for (String pin : pins) {
            if (!CertificatePins.isWellFormedPin(pin)) {
                throw usage("--pin '" + pin + "' is not a base64 SHA-256 SPKI pin (44 characters, RFC 7469 §2.4)");
            }
        }
        if (parsedLevel.equals(Optional.of(OutboundLevel.FINGERPRINT)) && pins.isEmpty()) {
            throw usage("--level fingerprint needs at least one --pin");
        }
        if (dnssecResolver != null) {
            try {
                JndiResolver.socketAddress(dnssecResolver);
            } catch (IllegalArgumentException e) {
                throw usage("--dnssec-resolver: " + e.getMessage());
            }
        }
        checkTimeout(timeoutSeconds);
        Optional<String> domain = Optional.empty();
        String host;
        int targetPort = port;
        if (port < 1 || port > 65535) {
            throw usage("--port " + port + " is out of range; accepted: 1..65535");
        }
        int colon = target.lastIndexOf(':');
        if (colon > 0 && target.indexOf(':') == colon || target.startsWith("[")) {
            String portText = colon < 0 ? "" : target.substring(colon + 1);
            host = target.substring(0, Math.max(colon, 0));
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
                throw usage("target '" + target + "': port '" + portText + "' is not 1..65535; accepted: DOMAIN or HOST:PORT");
            }
            targetPort = Integer.parseInt(portText);
            if (IpRange.numericAddress(host) != null) {
                throw usage("target '" + target + "': an address literal; delivery connects to host names (MX or smart host)"
                    + " and checks certificates against names, so probe does too; accepted: DOMAIN or HOST:PORT");
            }
            host = hostName(host);
        } else {
            host = hostName(target);
            domain = Optional.of(host);
        }
        if (domain.isEmpty() && parsedLevel.map(OutboundLevel::usesDane).orElse(false)) {
            throw usage("--level " + parsedLevel.get() + " needs a DOMAIN: DANE is looked up for a recipient domain's MX hosts;"
                + " accepted: DOMAIN");
        }
        List<MatchName> names = new ArrayList<>();
        try {
            for (String name : match) {
                if (!name.isBlank()) {
                    names.add(MatchName.parse(name));
                }
            }
            if (names.stream().anyMatch(name -> name.kind() == MatchName.Kind.HOSTNAME)) {
                throw new IllegalArgumentException("match 'hostname' is not allowed under level secure: the MX host name comes from"
                    + " unauthenticated DNS");
            }
            Inputs inputs = new Inputs(domain, host, targetPort, parsedLevel, names, List.of(), new LinkedHashSet<>(pins), mode,
                minimum, cipherPolicy);
            List<String> secure = TlsPlan.namesChecked(inputs.requirement(OutboundLevel.SECURE), inputs.nexthop(), host);
            return new Inputs(domain, host, targetPort, parsedLevel, names, secure, new LinkedHashSet<>(pins), mode, minimum,
                cipherPolicy);
        } catch (IllegalArgumentException e) {
            throw usage("--match: " + e.getMessage());
        }
    }

    private String hostName(String name) {
        try {
            return DomainName.parse(name).ascii();
        } catch (IllegalArgumentException e) {
            throw usage("target '" + target + "': " + e.getMessage() + "; accepted: DOMAIN or HOST:PORT");
        }
    }

    private Resolver resolver(String server, Duration timeout) {
        try {
            return JndiResolver.server(server, timeout);
        } catch (IllegalArgumentException e) {
            throw usage("--dns-server: " + e.getMessage());
        }
    }
}
