package dev.jamestls.it.bench;

import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.outbound;

import java.io.IOException;
import java.net.ProxySelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.xbill.DNS.Type;

import dev.jamestls.it.bench.OutboundRounds.Round;
import dev.jamestls.it.harness.AnchorFiles;
import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.QueueProbe.QueuedMail;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.it.outbound.LoopbackEndpoints;
import dev.jamestls.it.outbound.OutboundProbe;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.james.outbound.PolicyFetchRoute;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.testkit.StsPolicyServer;
import dev.jamestls.testkit.dns.LoopbackDnsServer;
import dev.jamestls.testkit.dns.SignedZones;

/**
 * Outbound load harness (a benchmark, not a test): what honouring published policies costs once their lookups are
 * cached. One real James 3.8.1, one {@code TlsRemoteDelivery} (4 delivery threads), the defaults
 * {@code <outbound level="dane" mtaSts="true"/>}, and three recipient domains measured in alternating rounds, each
 * delivered to its own loopback STARTTLS destination (the same kind of server):
 * <ul>
 *   <li>{@code baseline}: a domain under an explicit connector at level {@code verify}: no DNSSEC or MTA-STS lookup
 *       (an administrator's rule outranks published policies), the MX from James's DNS service;</li>
 *   <li>{@code dane}: a domain whose MX RRset, MX address and TLSA record (3 1 1 of the destination's key) are served
 *       DNSSEC-signed by a loopback DNS server and validated by the mailet from the test root's key; after the first
 *       mail they are answered from the validating resolver's TTL cache;</li>
 *   <li>{@code mta-sts}: a domain in an unsigned zone (so DANE does not apply) with {@code _mta-sts} TXT record and an
 *       {@code enforce} policy served over HTTPS by a loopback policy server under its real name; the TXT record comes
 *       from the validating resolver's cache, the policy from the MTA-STS cache after the first fetch.</li>
 * </ul>
 * Before measuring, a pre-flight mail per domain must arrive over TLS, and each published path is shown to be in
 * force: the {@code dane} destination presents a certificate from a CA the mailet does not trust, under a name that
 * is not its MX name, so only the TLSA record can authenticate it, and a control domain whose TLSA record names
 * another key, MX'd to the same server, must be refused ({@code tlsa-invalid}, the mail kept queued); the
 * {@code mta-sts} pre-flight must fetch the policy, and a control domain whose MX the same policy does not list must be
 * refused ({@code validation-failure}). During the measured rounds the harness counts the questions the DNS server
 * received and the policy fetches: with caching both stay at (about) zero.
 *
 * <p>Rounds rotate the order (baseline, dane, mta-sts; then dane, mta-sts, baseline; ...) after warm-up rounds of
 * each, and each measured round starts when the JVM is quiet. The summary gives per variant the median deliveries per
 * second, its ratio to the baseline's, the median of the per-round ratios (paired: the three rounds of an index run
 * back to back) and the median CPU time per mail of the whole JVM.
 *
 * <p>Run: {@code mvn -B -pl src-it -am -Pbench process-test-classes -Dbench.inbound.skip=true -Dbench.outbound.skip=true}
 * (execution {@code published-bench}); sizes {@code -Dbench.published.messages=1000 -Dbench.published.rounds=100
 * -Dbench.published.warmupRounds=15}. Writes a JSON summary to {@code bench.published.output}.
 */
public final class PublishedPolicyBenchmark {
    static final String QUEUE = "outgoing-bench-published";
    static final String BASELINE = "baseline.example";
    static final String BASELINE_MX = "mx.baseline.example";
    static final String DANE = "dane.example";
    static final String DANE_MX = "mx.dane.example";
    /** Its TLSA record names a key the destination does not have; its MX is the DANE destination. */
    static final String DANE_CONTROL = "mismatch.example";
    static final String DANE_CONTROL_MX = "mx.mismatch.example";
    static final String STS = "sts.insecure";
    static final String STS_MX = "mx.sts.insecure";
    /** Its MX host is not in the policy it publishes. */
    static final String STS_CONTROL = "unlisted.insecure";
    static final String STS_CONTROL_MX = "mx.unlisted.insecure";
    static final String STS_POLICY = "version: STSv1\nmode: enforce\nmx: " + STS_MX + "\nmax_age: 86400\n";
    /** A TTL longer than any run, so the validating resolver's cache answers every measured mail. */
    static final int TTL = 3600;

    private PublishedPolicyBenchmark() {
    }

    /** What is compared, in the order of the first measured round; each later round starts one further. */
    enum Variant {
        BASELINE("baseline", PublishedPolicyBenchmark.BASELINE),
        DANE("dane", PublishedPolicyBenchmark.DANE),
        MTA_STS("mta-sts", PublishedPolicyBenchmark.STS);

        final String label;
        final String domain;

        Variant(String label, String domain) {
            this.label = label;
            this.domain = domain;
        }
    }

    /** A measured round with what the published-policy machinery asked for during it. */
    record Measured(Round round, int dnsQuestions, int policyFetches) {
    }

    /**
     * One variant over the measured rounds: the median deliveries per second, its ratio to the baseline's, the median of
     * the per-round ratios (the variants of a round run back to back, so drift across the run falls on both), and the
     * median CPU time per mail of the whole JVM with its ratio to the baseline's.
     */
    record Figures(Variant variant, double perSecond, double ratio, double pairedRatio, double cpuMicrosPerMail, double cpuRatio) {
        static Figures of(List<Round> rounds, Variant variant) {
            double perSecond = OutboundRounds.median(rounds, variant.label);
            double cpu = cpuMedian(rounds, variant);
            double paired = OutboundRounds.median(rounds.stream().filter(r -> r.variant().equals(variant.label))
                .mapToDouble(r -> r.perSecond() / baselineOf(rounds, r.index()).perSecond()));
            return new Figures(variant, perSecond, perSecond / OutboundRounds.median(rounds, Variant.BASELINE.label), paired, cpu,
                cpu / cpuMedian(rounds, Variant.BASELINE));
        }

        private static double cpuMedian(List<Round> rounds, Variant variant) {
            return OutboundRounds.median(rounds.stream().filter(r -> r.variant().equals(variant.label)).mapToDouble(Round::cpuMicrosPerMail));
        }

        private static Round baselineOf(List<Round> rounds, int index) {
            return rounds.stream().filter(r -> r.index() == index && r.variant().equals(Variant.BASELINE.label)).findFirst().orElseThrow();
        }

        String line() {
            return String.format(Locale.ROOT, "%s %.1f deliveries/s (ratio %.3f, paired %.3f), %.0f µs CPU/mail (ratio %.3f)",
                variant.label, perSecond, ratio, pairedRatio, cpuMicrosPerMail, cpuRatio);
        }

        String json() {
            return String.format(Locale.ROOT, "{\"variant\": \"%s\", \"deliveriesPerSecond\": %.1f, \"ratio\": %.3f, \"pairedRatio\": %.3f, "
                + "\"cpuMicrosPerMail\": %.1f, \"cpuRatio\": %.3f}", variant.label, perSecond, ratio, pairedRatio, cpuMicrosPerMail, cpuRatio);
        }
    }

    /** Every policy host tunnels to the one loopback policy server. */
    static final class LoopbackPolicyHost extends PolicyFetchRoute {
        private final StsPolicyServer server;

        LoopbackPolicyHost(StsPolicyServer server) {
            this.server = server;
        }

        @Override
        public ProxySelector route() {
            return server.route();
        }
    }

    public static void main(String[] args) throws Exception {
        int messages = Integer.getInteger("bench.published.messages", 1000);
        int rounds = Integer.getInteger("bench.published.rounds", 100);
        int warmup = Integer.getInteger("bench.published.warmupRounds", 15);
        int submitters = Integer.getInteger("bench.outbound.submitters", 4);
        Path output = Path.of(System.getProperty("bench.published.output", "target/bench/published-policies.json"));
        String loadBefore = loadAverage();

        TestPki pki = new TestPki();
        // Only the TLSA record can authenticate this one: another CA's certificate, not naming the MX host.
        IssuedCertificate daneCertificate = pki.otherRoot.leaf("CN=unrelated.invalid,O=destination").dnsNames("unrelated.invalid")
            .extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();
        Map<Variant, TestSmtpServer> destinations = new LinkedHashMap<>();
        destinations.put(Variant.BASELINE, TestSmtpServer.builder(BASELINE_MX).certificate(OutboundProbe.serverCertificate(pki, BASELINE_MX)
            .issue()).start());
        destinations.put(Variant.DANE, TestSmtpServer.builder(DANE_MX).certificate(daneCertificate).start());
        destinations.put(Variant.MTA_STS, TestSmtpServer.builder(STS_MX).certificate(OutboundProbe.serverCertificate(pki, STS_MX).issue())
            .start());
        LoopbackEndpoints endpoints = new LoopbackEndpoints();
        endpoints.map(BASELINE_MX, destinations.get(Variant.BASELINE).port());
        endpoints.map(DANE_MX, destinations.get(Variant.DANE).port());
        endpoints.map(DANE_CONTROL_MX, destinations.get(Variant.DANE).port());
        endpoints.map(STS_MX, destinations.get(Variant.MTA_STS).port());

        SignedZones zones = zones(daneCertificate.certificate().getPublicKey(), pki.server.certificate().getPublicKey());
        LoopbackDnsServer dns = LoopbackDnsServer.start(zones);
        StsPolicyServer policies = StsPolicyServer.start(OutboundProbe.serverCertificate(pki, "mta-sts." + STS)
            .dnsNames("mta-sts." + STS, "mta-sts." + STS_CONTROL).issue(), StsPolicyServer.Response.policy(STS_POLICY));

        InProcessJames james = InProcessJames.builder()
            .pki(pki)
            .listener(Listener.plain("submission"))
            .authorizedAddresses("127.0.0.1")
            .confFile("tls-policy.xml", PolicyXml.policy().defaults(outbound(OutboundLevel.DANE).mtaSts())
                .connector(connector("bench-verify").outbound(outbound(OutboundLevel.VERIFY).recipientDomain(BASELINE)))
                .xml())
            .confFile("dnssec-root.key", zones.trustAnchor() + "\n")
            .confFile("outbound-cas.pem", AnchorFiles.pem(List.of(pki.root)))
            .binding(binder -> {
                binder.bind(DeliveryEndpoints.class).toInstance(endpoints);
                binder.bind(PolicyFetchRoute.class).toInstance(new LoopbackPolicyHost(policies));
            })
            .rootProcessor(TlsRemoteDeliveryXml.mailet().trustAnchors("file://conf/outbound-cas.pem").outgoingQueue(QUEUE)
                .delayTime("1 hour").maxRetries(1).heloName("james.local").deliveryThreads(4)
                .parameter("dnssecResolver", "127.0.0.1:" + dns.address().getPort())
                .parameter("dnssecTrustAnchor", "file://conf/dnssec-root.key")
                .parameter("mtaStsCache", "file://var/mta-sts/").xml())
            .build();
        // The ordinary MX lookups (the baseline's, and MTA-STS's, which needs no DNSSEC) go to James's DNS service.
        james.dns().mx(BASELINE, BASELINE_MX).loopbackHost(BASELINE_MX)
            .mx(STS, STS_MX).loopbackHost(STS_MX)
            .mx(STS_CONTROL, STS_CONTROL_MX).loopbackHost(STS_CONTROL_MX);
        james.start();
        List<Measured> measured = new ArrayList<>();
        try {
            preflight(james, destinations, dns, policies);
            for (int i = 0; i < warmup; i++) {
                for (Variant variant : Variant.values()) {
                    OutboundRounds.round(james, destinations.get(variant), variant.label, variant.domain, -1 - i, messages, submitters);
                }
            }
            Variant[] variants = Variant.values();
            for (int i = 0; i < rounds; i++) {
                for (int j = 0; j < variants.length; j++) {
                    Variant variant = variants[(i + j) % variants.length];
                    LoadRunner.settle();
                    int questions = dns.questions();
                    int fetches = policies.requestCount();
                    Round round = OutboundRounds.round(james, destinations.get(variant), variant.label, variant.domain, i, messages, submitters);
                    Measured result = new Measured(round, dns.questions() - questions, policies.requestCount() - fetches);
                    measured.add(result);
                    System.out.printf(Locale.ROOT, "%s, %d DNS questions, %d policy fetches%n", round.line(), result.dnsQuestions(),
                        result.policyFetches());
                }
            }
        } finally {
            james.stop();
            for (TestSmtpServer destination : destinations.values()) {
                destination.close();
            }
            policies.close();
            dns.close();
        }
        String loadAfter = loadAverage();
        List<Round> all = measured.stream().map(Measured::round).toList();
        List<Figures> figures = Arrays.stream(Variant.values()).map(variant -> Figures.of(all, variant)).toList();
        int questions = measured.stream().mapToInt(Measured::dnsQuestions).sum();
        int fetches = measured.stream().mapToInt(Measured::policyFetches).sum();
        System.out.printf(Locale.ROOT, "%s (medians of %d rounds of %d mails); measured rounds asked %d DNS questions and fetched %d "
            + "policies for %d mails; load average before %s, after %s%n", figures.stream().map(Figures::line).collect(Collectors.joining("; ")),
            rounds, messages, questions, fetches, measured.size() * messages, loadBefore, loadAfter);
        write(output, measured, figures, messages, rounds, submitters, loadBefore, loadAfter);
        System.exit(0);
    }

    /**
     * The signed zone {@code example.} with the DANE domain (its TLSA record on {@code destinationKey}) and the control
     * domain (its record on {@code otherKey}); the unsigned zone {@code insecure.} with the MTA-STS domains' TXT records.
     */
    static SignedZones zones(PublicKey destinationKey, PublicKey otherKey) throws Exception {
        return SignedZones.builder()
            .signedZone("example.")
            .unsignedZone("insecure.")
            .record(DANE + ". " + TTL + " IN MX 10 " + DANE_MX + ".")
            .record(DANE_MX + ". " + TTL + " IN A 127.0.0.1")
            .record("_25._tcp." + DANE_MX + ". " + TTL + " IN TLSA 3 1 1 " + sha256(destinationKey.getEncoded()))
            .record(DANE_CONTROL + ". " + TTL + " IN MX 10 " + DANE_CONTROL_MX + ".")
            .record(DANE_CONTROL_MX + ". " + TTL + " IN A 127.0.0.1")
            .record("_25._tcp." + DANE_CONTROL_MX + ". " + TTL + " IN TLSA 3 1 1 " + sha256(otherKey.getEncoded()))
            .record(STS + ". " + TTL + " IN MX 10 " + STS_MX + ".")
            .record("_mta-sts." + STS + ". " + TTL + " IN TXT \"v=STSv1; id=bench1\"")
            .record(STS_CONTROL + ". " + TTL + " IN MX 10 " + STS_CONTROL_MX + ".")
            .record("_mta-sts." + STS_CONTROL + ". " + TTL + " IN TXT \"v=STSv1; id=bench1\"")
            .build();
    }

    /**
     * Each domain's pre-flight arrives over TLS; the published paths are in force: the controls are refused for the
     * reason only DANE or MTA-STS gives, and the DANE and MTA-STS domains' lookups reached the DNS and policy servers.
     */
    private static void preflight(InProcessJames james, Map<Variant, TestSmtpServer> destinations, LoopbackDnsServer dns,
                                  StsPolicyServer policies) throws Exception {
        for (Variant variant : Variant.values()) {
            OutboundRounds.preflight(james, destinations.get(variant), variant.domain);
        }
        if (dns.questions("_25._tcp." + DANE_MX + ".", Type.TLSA) == 0) {
            throw new IllegalStateException("the DANE pre-flight was delivered without asking for the TLSA record");
        }
        if (policies.requests().stream().noneMatch(r -> r.host().equals("mta-sts." + STS))) {
            throw new IllegalStateException("the MTA-STS pre-flight was delivered without fetching the policy");
        }
        OutboundRounds.submit(james, DANE_CONTROL, "control", 1, 1);
        OutboundRounds.submit(james, STS_CONTROL, "control", 1, 1);
        expectRefused(james, "rcpt0@" + DANE_CONTROL, "dane", "tlsa-invalid");
        expectRefused(james, "rcpt0@" + STS_CONTROL, "mta-sts", "validation-failure");
    }

    private static void expectRefused(InProcessJames james, String recipient, String source, String resultType) {
        QueuedMail queued = OutboundProbe.awaitQueued(james, QUEUE, recipient);
        Map<String, String> attributes = queued.attributes();
        if (!source.equals(attributes.get("dev.jamestls.outbound.source"))
            || !resultType.equals(attributes.get("dev.jamestls.outbound.resultType"))) {
            throw new IllegalStateException("the control mail to " + recipient + " should wait with source " + source
                + " and result type " + resultType + ", not " + attributes);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The 1, 5 and 15 minute load averages, or "unknown" off Linux. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void write(Path output, List<Measured> measured, List<Figures> figures, int messages, int roundCount, int submitters,
                              String loadBefore, String loadAfter) throws IOException {
        StringBuilder json = new StringBuilder("{\n");
        json.append(String.format(Locale.ROOT, "  \"messagesPerRound\": %d,%n  \"rounds\": %d,%n  \"submitters\": %d,%n",
            messages, roundCount, submitters));
        json.append(String.format(Locale.ROOT, "  \"loadAverageBefore\": \"%s\",%n  \"loadAverageAfter\": \"%s\",%n", loadBefore, loadAfter));
        json.append("  \"variants\": [\n").append(figures.stream().map(f -> "    " + f.json()).collect(Collectors.joining(",\n")))
            .append("\n  ],\n");
        json.append(String.format(Locale.ROOT, "  \"measuredDnsQuestions\": %d,%n  \"measuredPolicyFetches\": %d,%n  \"measured\": [%n",
            measured.stream().mapToInt(Measured::dnsQuestions).sum(), measured.stream().mapToInt(Measured::policyFetches).sum()));
        for (int i = 0; i < measured.size(); i++) {
            Measured m = measured.get(i);
            json.append(String.format(Locale.ROOT, "    {%s, \"dnsQuestions\": %d, \"policyFetches\": %d}%s%n", m.round().jsonMembers(),
                m.dnsQuestions(), m.policyFetches(), i + 1 < measured.size() ? "," : ""));
        }
        json.append("  ]\n}\n");
        Files.createDirectories(output.getParent());
        Files.writeString(output, json.toString());
        System.out.println("written " + output);
    }
}
