package dev.jamestls.it.bench;

import static dev.jamestls.it.harness.PolicyXml.clientCertificate;
import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.inbound;
import static dev.jamestls.policy.Failure.PERMANENT;
import static dev.jamestls.revocation.RevocationChecking.OFF;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.SslContexts;
import dev.jamestls.tls.PemFiles;

/**
 * The SMTP load harness: two real James 3.8.1 servers in this JVM on loopback,
 * driven by {@code bench.clients} parallel clients, in one run.
 *
 * <ul>
 *   <li><b>Transactions</b>, cost of the hooks per transaction: persistent STARTTLS
 *       sessions sending whole transactions to stock James (no james-tls
 *       handler) and to James with {@code TlsFactsHook} and
 *       {@code InboundTlsPolicyHook}, whose policy has a connector requiring TLS
 *       for the senders' domain.</li>
 *   <li><b>Certificate</b>, cost of the partner certificate: a new connection, a
 *       full STARTTLS handshake and one transaction per operation, on the
 *       certificate-wanted listener, with the partner's certificate (verified by
 *       its connector, cached after the first time) and without one (an
 *       ordinary sender).</li>
 * </ul>
 *
 * Both servers share one mailet pipeline that discards load mail ({@code Null})
 * so the spooler is not what is measured. Before measuring, pre-flight checks
 * prove each configuration does what it claims (the rule refuses clear text,
 * the certificate is required and verified, stock James has no rule); a
 * refused transaction during the run aborts it. Configurations alternate
 * A B, B A, A B ... so drift on a shared machine falls on both.
 */
public final class SmtpLoadBenchmark {
    static final String RECIPIENT = "bob@james.local";
    /** Connector {@code bulk-example} requires TLS for this domain. */
    static final String BULK_SENDER = "orders@bulk.example";
    /** Connector {@code partner-example} requires TLS and the partner's certificate. */
    static final String PARTNER_SENDER = "billing@partner.example";
    /** No connector: the opportunistic defaults (the certificate benchmark's baseline). */
    static final String ORDINARY_SENDER = "alice@elsewhere.example";
    static final String PROBES = "memory://var/mail/probes/";
    static final String ERRORS = "memory://var/mail/error/";

    static final String POLICY = PolicyXml.opportunistic()
        .connector(connector("bulk-example").inbound(inbound(true).failure(PERMANENT).senderDomain("bulk.example")))
        .connector(connector("partner-example").inbound(inbound(true).failure(PERMANENT).senderDomain("partner.example")
            .clientCertificate(clientCertificate(OFF).name("partner.example"))))
        .connector(connector("onprem-example").inbound(inbound(true).allowRelay().senderDomain("onprem.example")
            .clientCertificate(clientCertificate(OFF).name("onprem.example"))))
        .connector(connector("staged-example").testing().inbound(inbound(true).senderDomain("staged.example")))
        .xml();

    /** Identical on both servers: probes are kept for the pre-flight checks, load mail is discarded. */
    static final String PIPELINE = """
              <mailet match="SenderIs=probe@bulk.example,probe@partner.example,probe@elsewhere.example" class="ToRepository">
                <repositoryPath>%s</repositoryPath>
              </mailet>
              <mailet match="All" class="Null"/>
        """.formatted(PROBES);

    /** About 1 KB, a small mail, so the per-transaction cost is not diluted by DATA. */
    static final String MESSAGE = "From: <orders@bulk.example>\r\nTo: <" + RECIPIENT + ">\r\nSubject: load\r\n"
        + "Message-ID: <load@load.test>\r\n\r\n"
        + "The quick brown fox jumps over the lazy dog, again and again, line after line.\r\n".repeat(12);

    private final BenchSettings settings;
    private final InProcessJames stock;
    private final InProcessJames extended;
    private final TrustManager[] trust;
    private final KeyManager[] partnerKey;
    private final Map<String, String> environment = new LinkedHashMap<>();

    SmtpLoadBenchmark(BenchSettings settings, TestPki pki) throws GeneralSecurityException {
        this.settings = settings;
        this.stock = InProcessJames.builder().pki(pki)
            .listener(Listener.startTls("stock"))
            .rootProcessor(PIPELINE)
            .build();
        this.extended = InProcessJames.builder().pki(pki)
            .listener(Listener.startTls("mx"))
            .listener(Listener.startTls("wanted").wantingClientCertificate())
            .jamesTlsHooks()
            .confFile("tls-policy.xml", POLICY)
            .rootProcessor(PIPELINE)
            .build();
        this.trust = trustManagers(pki);
        this.partnerKey = keyManagers(pki.partner);
    }

    public static void main(String[] args) {
        int status = 1;
        try {
            BenchSettings settings = BenchSettings.from(System.getProperties());
            BenchReport report = new SmtpLoadBenchmark(settings, new TestPki()).run();
            // Printed once both servers have stopped, so the summary is the last line of the output.
            System.out.println();
            System.out.print(report.table());
            report.writeJson(settings.output());
            System.out.println("JSON: " + settings.output().toAbsolutePath().normalize());
            System.out.println(report.summaryLine());
            status = 0;
        } catch (Exception e) {
            System.err.println("smtp-load failed: " + e.getMessage());
            e.printStackTrace();
        }
        // James leaves non-daemon threads behind after stop(); the run is over either way.
        System.exit(status);
    }

    BenchReport run() throws Exception {
        environment.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        environment.put("java", System.getProperty("java.version"));
        environment.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        environment.put("loadAverageBefore", loadAverage());
        // Violations are logged at INFO, compliant decisions (every transaction measured here) at DEBUG.
        org.slf4j.Logger decisions = org.slf4j.LoggerFactory.getLogger("dev.jamestls.inbound");
        environment.put("decisionLog", decisions.isDebugEnabled() ? "every decision (DEBUG)"
            : decisions.isInfoEnabled() ? "violations only (INFO)" : "off");
        try (LoadRunner runner = new LoadRunner(settings.clients())) {
            stock.start();
            extended.start();
            preflight();
            Comparison transactions = compare(runner, "transactions", "extended/stock throughput",
                new Configuration("stock", "transactions: stock James, no james-tls handler", "msg/s",
                    persistent(stock.port("stock"), BULK_SENDER)),
                new Configuration("extended", "transactions: James + TlsFactsHook + InboundTlsPolicyHook", "msg/s",
                    persistent(extended.port("mx"), BULK_SENDER)),
                settings.messages(), OptionalDouble.of(0.99));
            Comparison certificate = compare(runner, "certificate", "with/without client certificate, handshake per mail",
                new Configuration("nocert", "certificate: new STARTTLS per mail, no certificate", "conn/s",
                    perConnection(extended.port("wanted"), null, ORDINARY_SENDER)),
                new Configuration("cert", "certificate: new STARTTLS per mail, partner certificate", "conn/s",
                    perConnection(extended.port("wanted"), partnerKey, PARTNER_SENDER)),
                settings.connections(), OptionalDouble.empty());
            postflight();
            environment.put("loadAverageAfter", loadAverage());
            return new BenchReport(environment, settings, List.of(transactions, certificate));
        } finally {
            extended.stop();
            stock.stop();
        }
    }

    private record Configuration(String id, String label, String unit, Workload workload) {
    }

    private Comparison compare(LoadRunner runner, String key, String question, Configuration baseline,
                               Configuration candidate, int operations, OptionalDouble target) throws Exception {
        for (int round = 0; round < settings.warmupRounds(); round++) {
            for (Configuration configuration : List.of(baseline, candidate)) {
                RoundResult warm = runner.round(configuration.workload(), operations, settings.roundCap());
                progress(key, "warm-up " + (round + 1), configuration, warm);
            }
        }
        List<RoundResult> baselineRounds = new ArrayList<>();
        List<RoundResult> candidateRounds = new ArrayList<>();
        for (int round = 0; round < settings.rounds(); round++) {
            // A B, then B A: whatever drifts within a pair falls on both configurations.
            List<Configuration> order = round % 2 == 0 ? List.of(baseline, candidate) : List.of(candidate, baseline);
            for (Configuration configuration : order) {
                RoundResult result = runner.round(configuration.workload(), operations, settings.roundCap());
                (configuration == baseline ? baselineRounds : candidateRounds).add(result);
                progress(key, "round " + (round + 1), configuration, result);
            }
        }
        return new Comparison(key, question,
            new Measured(baseline.id(), baseline.label(), baseline.unit(), baselineRounds),
            new Measured(candidate.id(), candidate.label(), candidate.unit(), candidateRounds),
            target);
    }

    private static void progress(String key, String round, Configuration configuration, RoundResult result) {
        System.out.printf(Locale.ROOT, "%s %-10s %-9s %6d ops in %6.2f s = %8.1f %s, CPU %6.0f us/op%s%n", key, round,
            configuration.id(), result.operations(), result.elapsed().toNanos() / 1e9, result.perSecond(),
            configuration.unit(), result.cpuMicrosPerOperation(),
            result.capped() ? " (time cap)" : "");
    }

    /** One STARTTLS session per client, opened before the clock starts; each operation is one transaction. */
    private Workload persistent(int port, String sender) {
        return new Workload() {
            @Override
            public Client prepare() throws IOException {
                LoadClient session = LoadClient.startTls(port, context(null));
                return new Client() {
                    @Override
                    public void once() throws IOException {
                        session.send(sender, RECIPIENT, MESSAGE);
                    }

                    @Override
                    public void close() throws IOException {
                        session.close();
                    }
                };
            }

            @Override
            public String toString() {
                return "persistent STARTTLS sessions to port " + port + " from " + sender;
            }
        };
    }

    /**
     * Each operation connects, says EHLO, STARTTLS (full handshake: a fresh
     * client context has no session to resume), EHLO, one transaction, QUIT.
     */
    private Workload perConnection(int port, KeyManager[] key, String sender) {
        return new Workload() {
            @Override
            public Client prepare() {
                return new Client() {
                    @Override
                    public void once() throws IOException {
                        try (LoadClient session = LoadClient.startTls(port, context(key))) {
                            session.send(sender, RECIPIENT, MESSAGE);
                        }
                    }

                    @Override
                    public void close() {
                        // nothing held between operations
                    }
                };
            }

            @Override
            public String toString() {
                return "one STARTTLS connection per mail to port " + port + " from " + sender
                    + (key == null ? " without" : " with") + " client certificate";
            }
        };
    }

    /** A new client context from prepared key and trust managers: cheap, and it never resumes a session. */
    private SSLContext context(KeyManager[] key) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(key, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the client TLS context", e);
        }
    }

    /** Proves, before any measurement, that each configuration does what the comparison says it does. */
    private void preflight() throws Exception {
        try (LoadClient clear = LoadClient.plain(stock.port("stock"))) {
            expectReply("stock James has no TLS rule", clear.mailFrom(BULK_SENDER), "250");
        }
        try (LoadClient clear = LoadClient.plain(extended.port("mx"))) {
            expectReply("connector bulk-example refuses clear text", clear.mailFrom(BULK_SENDER),
                "530 5.7.0 Must issue a STARTTLS command first (connector bulk-example");
        }
        try (LoadClient noCertificate = LoadClient.startTls(extended.port("wanted"), context(null))) {
            expectReply("connector partner-example requires the certificate", noCertificate.mailFrom(PARTNER_SENDER),
                "530 5.7.0 Client certificate required: connector partner-example");
        }
        probe(stock, stock.port("stock"), null, "probe@bulk.example", Map.of());
        probe(extended, extended.port("mx"), null, "probe@bulk.example",
            Map.of("dev.jamestls.inbound.rule", "bulk-example", "dev.jamestls.inbound.verdict", "compliant"));
        probe(extended, extended.port("wanted"), null, "probe@elsewhere.example",
            Map.of("dev.jamestls.inbound.rule", "defaults", "dev.jamestls.inbound.verdict", "compliant"));
        probe(extended, extended.port("wanted"), partnerKey, "probe@partner.example",
            Map.of("dev.jamestls.inbound.rule", "partner-example", "dev.jamestls.inbound.verdict", "compliant",
                "dev.jamestls.inbound.verifiedPartner", "partner-example"));
    }

    private void probe(InProcessJames james, int port, KeyManager[] key, String sender, Map<String, String> expected)
        throws Exception {
        int before = (int) james.size(PROBES);
        try (LoadClient session = LoadClient.startTls(port, context(key))) {
            session.send(sender, RECIPIENT, MESSAGE);
            environment.putIfAbsent("tls", session.tlsProtocol() + " " + session.tlsCipher());
        }
        // Each probe sender is used once per server; the repository does not keep arrival order.
        StoredMail mail = james.awaitMails(PROBES, before + 1).stream()
            .filter(stored -> stored.sender().equals(sender))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("probe from " + sender + " not stored in " + PROBES));
        if (expected.isEmpty() && mail.attribute("dev.jamestls.inbound.rule").isPresent()) {
            throw new IllegalStateException("probe from " + sender + " to stock James carries a james-tls verdict: "
                + mail.attributes());
        }
        expected.forEach((name, value) -> {
            String actual = mail.attribute(name).map(String::valueOf).orElse("<absent>");
            if (!actual.equals(value)) {
                throw new IllegalStateException("probe from " + sender + ": attribute " + name + " is '" + actual
                    + "', expected '" + value + "'");
            }
        });
    }

    /** Nothing of the load went to the error processor on either server. */
    private void postflight() {
        for (InProcessJames james : List.of(stock, extended)) {
            long errors = james.size(ERRORS);
            if (errors != 0) {
                throw new IllegalStateException(errors + " mail(s) in " + ERRORS + " after the run");
            }
        }
    }

    private static void expectReply(String check, String reply, String expectedStart) {
        if (!reply.startsWith(expectedStart)) {
            throw new IllegalStateException("pre-flight '" + check + "': expected a reply starting '" + expectedStart
                + "', got '" + reply + "'");
        }
        System.out.println("pre-flight ok: " + check + " (" + reply + ")");
    }

    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static TrustManager[] trustManagers(TestPki pki) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(SslContexts.trustStore(List.of(pki.root.certificate().certificate())));
        return factory.getTrustManagers();
    }

    private static KeyManager[] keyManagers(IssuedCertificate identity) throws GeneralSecurityException {
        char[] password = "transient".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create an empty PKCS12 store", e);
        }
        // The chain without its root, as TLS peers present it (RFC 8446 §4.4.2).
        store.setKeyEntry("partner", identity.keyPair().getPrivate(), password,
            identity.presentedChain().toArray(java.security.cert.Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }
}
