package dev.jamestls.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
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
import dev.jamestls.admin.JndiResolver;
import dev.jamestls.admin.LevelJudge;
import dev.jamestls.admin.LevelVerdict;
import dev.jamestls.admin.MxHost;
import dev.jamestls.admin.ProbeStep;
import dev.jamestls.admin.Resolver;
import dev.jamestls.admin.SmtpProbe;
import dev.jamestls.admin.TargetProbe;
import dev.jamestls.admin.TrustAnchors;
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
        + "probed; without: the MX lookup failed", "2:usage error"})
final class ProbeCommand extends CliCommand {
    static final String SCHEMA = "james-tls/probe/v1";

    @Parameters(index = "0", paramLabel = "DOMAIN|HOST:PORT",
        description = "a recipient domain (its MX hosts are probed on --port) or one host with its port")
    String target;

    @Option(names = "--level", paramLabel = "L", description = "exit 1 unless every target passes this level; accepted: "
        + "none, may, encrypt, verify, secure, fingerprint")
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
        try {
            anchors = anchors(trustAnchors);
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
        List<Object> targets = new ArrayList<>();
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
            for (InetAddress address : addresses) {
                progress.println("\n" + host.host() + " [" + address.getHostAddress() + "]:" + inputs.port);
                progress.flush();
                Consumer<ProbeStep> printer = step -> {
                    progress.printf("  %-11s %-4s %s (%d ms)%n", step.name(), step.ok() ? "ok" : "FAIL", step.detail(), step.elapsed().toMillis());
                    progress.flush();
                };
                List<TlsPlan> plans = inputs.plans(host, anchors);
                TlsPlan handshake = plans.stream().filter(p -> p.level() == OutboundLevel.MAY).findFirst().orElseThrow();
                TargetProbe result = probe.probe(host.host(), address, inputs.port, handshake, printer);
                List<LevelVerdict> verdicts = judge.judge(result, plans, inputs.missing());
                printTarget(progress, result, verdicts, inputs);
                targets.add(targetJson(result, verdicts));
                if (inputs.level.isPresent()) {
                    allPass &= verdicts.stream().anyMatch(v -> v.level() == inputs.level.get() && v.result() == LevelVerdict.Result.PASS);
                }
            }
        }
        report.put("targets", targets);
        if (inputs.level.isPresent()) {
            report.put("passed", allPass);
            progress.println("\nlevel " + inputs.level.get() + ": " + (allPass ? "every target passes" : "NOT every target passes"));
        }
        finish(out, report);
        return inputs.level.isPresent() && !allPass ? JamesTlsCli.ERRORS : JamesTlsCli.CLEAN;
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
        List<TlsPlan> plans(MxHost mx, TrustAnchors anchors) {
            DeliveryTarget target = new DeliveryTarget(DomainName.parse(mx.host()), port,
                domain.isEmpty() ? TargetSource.SMART_HOST : mx.implicit() ? TargetSource.IMPLICIT_MX : TargetSource.MX, mx.preference());
            List<TlsPlan> plans = new ArrayList<>();
            for (OutboundLevel each : OutboundLevel.values()) {
                // DANE levels are planned from the destination's TLSA records, judged in their own section.
                if (each == OutboundLevel.FINGERPRINT && pins.isEmpty() || each.usesDane()) {
                    continue;
                }
                plans.add(TlsPlan.forTarget(requirement(each), Mode.ENFORCE, nexthop(), target, anchors.certificates()));
            }
            return plans;
        }

        Map<OutboundLevel, String> missing() {
            return pins.isEmpty() ? Map.of(OutboundLevel.FINGERPRINT, "no pin given") : Map.of();
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
