package dev.jamestls.sandbox;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.sandbox.james.PublishedDestination;
import dev.jamestls.tls.PemFiles;

/**
 * Sends scripted mails to a running sandbox and prints, per mail, what was
 * sent, what James answered, and what james-tls recorded: the
 * {@code dev.jamestls.tls.*} attributes TlsFactsHook put on the mail, the mail
 * repositories SentOverTls / HasClientCertificate routed a copy to, and the
 * X-James-TLS header AddTlsHeader wrote, all read back through WebAdmin.
 *
 * <p>Usage: {@code Demo <sandbox-dir> [--smtp-port N] [--smtps-port N] [--webadmin-port N]
 * [--partner-port N] [--stripped-port N] [--dane-port N] [--dane-wrong-port N] [--sts-port N]}
 * (defaults 2525, 4650, 8000, 2526, 2527, 2528, 2529, 2530, or JAMES_TLS_SMTP_PORT etc.). The last five
 * are the loopback destinations this demo starts for the outbound rows; James finds the first two through the
 * smart hosts of tls-policy.xml and the last three through the sandbox's DNS and Guice module, which {@code run}
 * sets from the same options. What TlsRemoteDelivery recorded is read from James's log
 * {@code var/log/james-tls.log}.
 */
public final class Demo {
    /** The repositories of the sample mailetcontainer.xml that show how a mail arrived. */
    public static final List<String> REPOSITORIES = List.of(
        "var/mail/tls", "var/mail/tls13", "var/mail/cleartext", "var/mail/client-certificate",
        "var/mail/tls-testing-violations", "var/mail/verified-partner", "var/mail/outgoing-held");
    public static final String RECIPIENT = "postmaster@james.local";
    static final String PROTOCOL = "dev.jamestls.tls.protocol";
    static final String CHANNEL = "dev.jamestls.tls.channel";
    static final String CIPHER = "dev.jamestls.tls.cipher";
    static final String CLIENT_SUBJECT = "dev.jamestls.tls.client.subject";
    static final String HEADER = "X-James-TLS";
    static final String RULE = "dev.jamestls.inbound.rule";
    static final String VERDICT = "dev.jamestls.inbound.verdict";
    static final String VERIFIED_PARTNER = "dev.jamestls.inbound.verifiedPartner";
    static final String FARAWAY = "someone@faraway.example";
    static final String USAGE = "usage: Demo <sandbox-dir> [--smtp-port N] [--smtps-port N] [--webadmin-port N]"
        + " [--partner-port N] [--stripped-port N] [--dane-port N] [--dane-wrong-port N] [--sts-port N]";
    /** james-tls's log lines, written by the sandbox's logback.xml. */
    static final String JAMES_TLS_LOG = "var/log/james-tls.log";
    static final String OUTGOING_QUEUE = "outgoing-tls";
    static final String DANE_LABEL = "15 outbound DANE";
    static final String DANE_WRONG_LABEL = "16 outbound DANE mismatch";
    static final String STS_LABEL = "17 outbound MTA-STS";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SPOOL_WAIT = Duration.ofSeconds(30);

    private Demo() {
    }

    record Scenario(String description, SmtpSubmission submission) {
    }

    record Row(Scenario scenario, SmtpOutcome outcome, Map<String, StoredMail> copies) {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 1) {
            System.err.println(USAGE);
            System.exit(2);
        }
        Path sandbox = Path.of(args[0]);
        Map<String, Integer> ports;
        try {
            ports = ports(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int smtp = ports.get("--smtp-port");
        int smtps = ports.get("--smtps-port");
        WebAdminClient webAdmin = new WebAdminClient(ports.get("--webadmin-port"), TIMEOUT);
        if (!webAdmin.isUp()) {
            System.err.println("demo: no WebAdmin on 127.0.0.1:" + ports.get("--webadmin-port")
                + "; start the sandbox first (" + sandbox.resolve("run") + ")");
            System.exit(1);
        }
        Path pki = sandbox.resolve("pki");
        IssuedCertificate partner = ClientIdentity.read(pki.resolve(SandboxPki.PARTNER), pki.resolve(SandboxPki.PARTNER_KEY));
        IssuedCertificate onprem = ClientIdentity.read(pki.resolve(SandboxPki.ONPREM), pki.resolve(SandboxPki.ONPREM_KEY));
        SandboxSmtpClient client = new SandboxSmtpClient(
            PemFiles.readCertificates(pki.resolve(SandboxPki.CA)).get(0), "demo.partner.example", TIMEOUT);

        IssuedCertificate partnerMx = ClientIdentity.read(pki.resolve(SandboxPki.PARTNER_MX), pki.resolve(SandboxPki.PARTNER_MX_KEY));
        IssuedCertificate daneMx = ClientIdentity.read(pki.resolve(SandboxPki.DANE_MX), pki.resolve(SandboxPki.DANE_MX_KEY));
        IssuedCertificate stsMx = ClientIdentity.read(pki.resolve(SandboxPki.STS_MX), pki.resolve(SandboxPki.STS_MX_KEY));
        JamesTlsLog log = JamesTlsLog.from(sandbox.resolve(JAMES_TLS_LOG));

        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Scenario> scenarios = scenarios(run, smtp, smtps, partner, onprem);
        int partnerPort = ports.get("--partner-port");
        int strippedPort = ports.get("--stripped-port");
        TestSmtpServer.Builder partnerBuilder = TestSmtpServer
            .builder("mail.partner.example").port(partnerPort).certificate(partnerMx);
        TestSmtpServer.Builder strippedBuilder = TestSmtpServer
            .builder("stripped.example").port(strippedPort).withoutStartTls();
        try (TestSmtpServer partnerDestination = destination(partnerBuilder, "--partner-port", partnerPort);
             TestSmtpServer strippedDestination = destination(strippedBuilder, "--stripped-port", strippedPort);
             TestSmtpServer daneDestination = published(PublishedDestination.DANE, daneMx, ports);
             TestSmtpServer daneWrongDestination = published(PublishedDestination.DANE_WRONG, daneMx, ports);
             TestSmtpServer stsDestination = published(PublishedDestination.STS, stsMx, ports)) {
            List<Row> rows = new ArrayList<>();
            for (Scenario scenario : scenarios) {
                rows.add(new Row(scenario, client.send(scenario.submission()), Map.of()));
            }
            rows = collect(webAdmin, rows);
            print(System.out, smtp, smtps, rows);
            // All five destinations settle first, so the queue counts below are final.
            Published published = awaitPublished(log, daneDestination, stsDestination, run);
            printOutbound(System.out, webAdmin, partnerDestination, strippedDestination, run);
            printPublished(System.out, webAdmin, published, daneDestination, daneWrongDestination, stsDestination, run);
            // James keeps delivered-to connections open for the next mail; end them so the servers close at once.
            for (TestSmtpServer destination : List.of(partnerDestination, strippedDestination, daneDestination, daneWrongDestination,
                stsDestination)) {
                destination.dropConnections();
            }
        }
        printOurCertificateFacts(System.out, pki.resolve(SandboxPki.SERVER));
    }

    /** Starts a loopback destination; a busy port ends the demo with what to do, not a stack trace. */
    private static TestSmtpServer destination(TestSmtpServer.Builder builder, String option,
                                                                      int port) throws IOException {
        try {
            return builder.start();
        } catch (java.net.BindException e) {
            System.err.println("demo: port " + port + " on 127.0.0.1 is in use, so the demo cannot start its destination there; "
                + "choose a free one with " + option + " N, and give ./run the same " + option);
            System.exit(1);
            throw e;
        }
    }

    /** The loopback server of a published-policy destination's MX host, presenting {@code certificate}. */
    private static TestSmtpServer published(PublishedDestination destination, IssuedCertificate certificate,
                                            Map<String, Integer> ports) throws IOException {
        int port = ports.get(destination.option());
        return destination(TestSmtpServer.builder(destination.mxHost()).port(port).certificate(certificate), destination.option(), port);
    }

    static List<Scenario> scenarios(String run, int smtp, int smtps, IssuedCertificate partner, IssuedCertificate onprem) {
        String ordinary = "alice@elsewhere.example";
        String fromPartner = "billing@partner.example";
        return List.of(
            scenario("clear text, port " + smtp, smtp, SmtpSecurity.CLEAR_TEXT, List.of(), null, ordinary, RECIPIENT,
                "1 clear text", run),
            scenario("STARTTLS, port " + smtp, smtp, SmtpSecurity.STARTTLS, List.of(), null, ordinary, RECIPIENT,
                "2 STARTTLS", run),
            scenario("STARTTLS, TLS 1.2 only, port " + smtp, smtp, SmtpSecurity.STARTTLS, List.of("TLSv1.2"), null,
                ordinary, RECIPIENT, "3 STARTTLS TLS 1.2", run),
            scenario("implicit TLS + partner.pem, port " + smtps, smtps, SmtpSecurity.IMPLICIT_TLS, List.of(), partner,
                ordinary, RECIPIENT, "4 partner certificate", run),
            scenario("implicit TLS, no certificate, port " + smtps, smtps, SmtpSecurity.IMPLICIT_TLS, List.of(), null,
                ordinary, RECIPIENT, "5 no certificate", run),
            scenario("partner.example, clear text", smtp, SmtpSecurity.CLEAR_TEXT, List.of(), null, fromPartner, RECIPIENT,
                "6 partner clear text", run),
            scenario("partner.example, STARTTLS, no certificate", smtp, SmtpSecurity.STARTTLS, List.of(), null, fromPartner,
                RECIPIENT, "7 partner without certificate", run),
            scenario("partner.example, STARTTLS + onprem.pem", smtp, SmtpSecurity.STARTTLS, List.of(), onprem, fromPartner,
                RECIPIENT, "8 partner with the wrong certificate", run),
            scenario("partner.example, STARTTLS + partner.pem", smtp, SmtpSecurity.STARTTLS, List.of(), partner, fromPartner,
                RECIPIENT, "9 partner with its certificate", run),
            scenario("staged.example (testing), clear text", smtp, SmtpSecurity.CLEAR_TEXT, List.of(), null,
                "news@staged.example", RECIPIENT, "10 staged partner clear text", run),
            scenario("relay to faraway.example, onprem.pem", smtp, SmtpSecurity.STARTTLS, List.of(), onprem,
                "user@onprem.example", FARAWAY, "11 on-premises relay", run),
            scenario("relay to faraway.example, no certificate", smtp, SmtpSecurity.STARTTLS, List.of(), null, ordinary,
                FARAWAY, "12 relay without certificate", run),
            scenario("relay to partner.example (secure), onprem.pem", smtp, SmtpSecurity.STARTTLS, List.of(), onprem,
                "user@onprem.example", "bob@partner.example", "13 outbound secure", run),
            scenario("relay to stripped.example (encrypt), onprem.pem", smtp, SmtpSecurity.STARTTLS, List.of(), onprem,
                "user@onprem.example", "bob@stripped.example", "14 outbound STARTTLS stripped", run),
            scenario("relay to dane.example (DANE), onprem.pem", smtp, SmtpSecurity.STARTTLS, List.of(), onprem,
                "user@onprem.example", "bob@dane.example", DANE_LABEL, run),
            scenario("relay to dane-wrong.example (DANE), onprem.pem", smtp, SmtpSecurity.STARTTLS, List.of(), onprem,
                "user@onprem.example", "bob@dane-wrong.example", DANE_WRONG_LABEL, run),
            scenario("relay to sts.example (MTA-STS), onprem.pem", smtp, SmtpSecurity.STARTTLS, List.of(), onprem,
                "user@onprem.example", "bob@sts.example", STS_LABEL, run));
    }

    private static Scenario scenario(String description, int port, SmtpSecurity security, List<String> protocols,
                                     IssuedCertificate certificate, String sender, String recipient, String label, String run) {
        return new Scenario(description, new SmtpSubmission(port, security, protocols, Optional.ofNullable(certificate),
            sender, recipient, "james-tls demo " + label + " [" + run + "]"));
    }

    /**
     * Waits (bounded) until every accepted mail shows up in at least one of
     * the {@link #REPOSITORIES} and returns the rows with their stored copies.
     */
    static List<Row> collect(WebAdminClient webAdmin, List<Row> rows) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(SPOOL_WAIT);
        while (true) {
            Map<String, List<StoredMail>> stored = new LinkedHashMap<>();
            for (String repository : REPOSITORIES) {
                stored.put(repository, webAdmin.mails(repository));
            }
            List<Row> result = new ArrayList<>();
            for (Row row : rows) {
                Map<String, StoredMail> copies = new LinkedHashMap<>();
                stored.forEach((repository, mails) -> mails.stream()
                    .filter(mail -> mail.header("Subject").filter(row.scenario().submission().subject()::equals).isPresent())
                    .findFirst()
                    .ifPresent(mail -> copies.put(repository, mail)));
                result.add(new Row(row.scenario(), row.outcome(), copies));
            }
            boolean complete = result.stream().allMatch(row -> !row.outcome().accepted() || !row.copies().isEmpty());
            if (complete || Instant.now().isAfter(deadline)) {
                return result;
            }
            Thread.sleep(250);
        }
    }

    static void print(PrintStream out, int smtp, int smtps, List<Row> rows) {
        out.println("james-tls sandbox demo: " + rows.size() + " scripted mails");
        out.println("  SMTP 127.0.0.1:" + smtp + " (STARTTLS offered, client certificate asked for, not required), 127.0.0.1:" + smtps
            + " (implicit TLS, client certificate required)");
        out.println("  policy (conf/tls-policy.xml): partner.example needs TLS + its certificate; staged.example needs TLS in testing");
        out.println("  mode; onprem.example's certificate may relay; everyone else: opportunistic defaults");
        out.println("  channel/protocol/cipher/client certificate: dev.jamestls.tls.* attributes set by TlsFactsHook;");
        out.println("  rule/verdict: dev.jamestls.inbound.* attributes set by InboundTlsPolicyHook;");
        out.println("  copied to: repositories chosen by our matchers (WebAdmin)");
        out.println();
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"#", "sent", "James answered", "channel", "protocol", "cipher", "client certificate",
            "rule: verdict", "copied to"});
        int number = 1;
        for (Row row : rows) {
            Optional<StoredMail> stored = row.copies().values().stream().findFirst();
            String missing = row.outcome().accepted() ? "(not found)" : "-";
            String repositories = row.copies().isEmpty() ? missing
                : String.join(", ", row.copies().keySet().stream().map(r -> r.substring("var/mail/".length())).toList());
            table.add(new String[] {
                String.valueOf(number++),
                row.scenario().description(),
                abbreviate(row.outcome().lastReply(), 32),
                stored.flatMap(mail -> mail.attribute(CHANNEL)).orElse(missing),
                stored.flatMap(mail -> mail.attribute(PROTOCOL)).orElse("-"),
                stored.flatMap(mail -> mail.attribute(CIPHER)).orElse("-"),
                stored.flatMap(mail -> mail.attribute(CLIENT_SUBJECT)).orElse("-"),
                stored.flatMap(mail -> mail.attribute(RULE)).map(rule -> rule + ": "
                    + stored.flatMap(mail -> mail.attribute(VERDICT)).orElse("?")
                    + stored.flatMap(mail -> mail.attribute(VERIFIED_PARTNER)).map(p -> " (verified)").orElse("")).orElse("-"),
                repositories});
        }
        printTable(out, table);
        out.println();
        number = 1;
        for (Row row : rows) {
            int index = number++;
            row.copies().values().stream().findFirst().flatMap(mail -> mail.header(HEADER))
                .ifPresent(header -> out.println("#" + index + " " + HEADER + ": " + header.replaceAll("\\s+", " ")));
            if (!row.outcome().accepted()) {
                out.println("#" + index + " refused: " + row.outcome().lastReply());
            }
        }
        out.println();
        out.println("More: curl -s 'http://127.0.0.1:<webadmin port>/mailRepositories/var%2Fmail%2Ftls/mails' "
            + "then curl -s -H 'Accept: application/json' '.../mails/<key>?additionalFields=attributes,headers' "
            + "(without that header James answers with the raw message)");
    }

    /**
     * What TlsRemoteDelivery did with mails 13 and 14: delivered over TLS to the partner's
     * destination (level secure), and held in James's outgoing queue because the other
     * destination offered no STARTTLS (level encrypt: never clear text).
     */
    static void printOutbound(PrintStream out, WebAdminClient webAdmin, TestSmtpServer partner,
                              TestSmtpServer stripped, String run) throws IOException, InterruptedException {
        String delivered = "james-tls demo 13 outbound secure [" + run + "]";
        Instant deadline = Instant.now().plus(SPOOL_WAIT);
        Optional<TestSmtpServer.Received> received = Optional.empty();
        long queued = 0;
        while (Instant.now().isBefore(deadline)) {
            received = partner.received().stream().filter(mail -> mail.data().contains(delivered)).findFirst();
            // Counted, not listed: listing a memory queue's mails through WebAdmin empties it on James 3.8.x.
            queued = webAdmin.queueSize(OUTGOING_QUEUE);
            if (received.isPresent() && queued > 0 && stripped.accepts() > 0) {
                break;
            }
            Thread.sleep(250);
        }
        out.println();
        out.println("Outbound (TlsRemoteDelivery, conf/tls-policy.xml; loopback destinations started by this demo):");
        out.println(received.map(mail -> "#13 delivered to [localhost]:" + partner.port() + " over " + mail.protocol()
                + " (connector partner-example, level secure: chain to pki/ca.pem, name mail.partner.example)")
            .orElse("#13 NOT delivered to [localhost]:" + partner.port() + " (see the James log)"));
        boolean messageSentInClear = stripped.clearText().contains("MAIL FROM") || stripped.clearText().contains(run);
        out.println("#14 " + (queued == 0 ? "NOT in queue " + OUTGOING_QUEUE
            : "held in James's queue " + OUTGOING_QUEUE + " (" + queued + " waiting)")
            + "; [localhost]:" + stripped.port() + " offered no STARTTLS, "
            + (messageSentInClear ? "and it RECEIVED MESSAGE DATA IN CLEAR TEXT" : "so no message byte was sent to it"));
    }

    /** What the published-policy destinations received and what james-tls logged for the mismatching one. */
    record Published(Optional<TestSmtpServer.Received> dane, Optional<TestSmtpServer.Received> sts,
                     Optional<Map<String, String>> refused, JamesTlsLog log) {
    }

    /** Waits (bounded) until mails 15 and 17 arrived and mail 16's attempt is logged. */
    static Published awaitPublished(JamesTlsLog log, TestSmtpServer dane, TestSmtpServer sts, String run)
        throws IOException, InterruptedException {
        String daneSubject = "james-tls demo " + DANE_LABEL + " [" + run + "]";
        String stsSubject = "james-tls demo " + STS_LABEL + " [" + run + "]";
        Instant deadline = Instant.now().plus(SPOOL_WAIT);
        while (true) {
            Published published = new Published(dane.received().stream().filter(mail -> mail.data().contains(daneSubject)).findFirst(),
                sts.received().stream().filter(mail -> mail.data().contains(stsSubject)).findFirst(),
                last(log.attempts(PublishedDestination.DANE_WRONG.domain())), log);
            boolean complete = published.dane().isPresent() && published.sts().isPresent() && published.refused().isPresent();
            if (complete || Instant.now().isAfter(deadline)) {
                return published;
            }
            Thread.sleep(250);
        }
    }

    /**
     * What TlsRemoteDelivery did with mails 15 to 17, whose destinations publish their policies (DANE, MTA-STS):
     * delivered over TLS to the destinations that match them, held in the queue for the one whose TLSA record names
     * another key, with the attempt james-tls logged for each.
     */
    static void printPublished(PrintStream out, WebAdminClient webAdmin, Published published, TestSmtpServer dane,
                               TestSmtpServer daneWrong, TestSmtpServer sts, String run) throws IOException {
        out.println();
        out.println("Published policies (conf/tls-policy.xml defaults: level dane, mtaSts; signed DNS and the policy host started by run;");
        out.println("what TlsRemoteDelivery recorded, from " + JAMES_TLS_LOG + "):");
        out.println("#15 " + delivered(published.dane(), PublishedDestination.DANE, dane,
            "TLSA 3 1 1 under DNSSEC matched the server's key", published.log()));
        boolean messageSent = daneWrong.clearText().contains("MAIL FROM") || daneWrong.received().stream()
            .anyMatch(mail -> mail.data().contains(run));
        long queued = webAdmin.queueSize(OUTGOING_QUEUE);
        out.println("#16 " + (queued == 0 ? "NOT in queue " + OUTGOING_QUEUE : "held in James's queue " + OUTGOING_QUEUE
                + " (" + queued + " waiting)") + "; " + PublishedDestination.DANE_WRONG.mxHost()
            + (messageSent ? " RECEIVED MESSAGE DATA" : " received no message byte"));
        out.println(published.refused().map(fields -> "    recorded " + recorded(fields) + "\n    reason: " + fields.getOrDefault("reason", "-"))
            .orElse("    no attempt for " + PublishedDestination.DANE_WRONG.domain() + " in " + JAMES_TLS_LOG));
        out.println("#17 " + delivered(published.sts(), PublishedDestination.STS, sts,
            "policy mode enforce from https://mta-sts." + PublishedDestination.STS.domain()
                + "/.well-known/mta-sts.txt: chain to pki/ca.pem, name " + PublishedDestination.STS.mxHost(), published.log()));
    }

    private static String delivered(Optional<TestSmtpServer.Received> received, PublishedDestination destination,
                                    TestSmtpServer server, String how, JamesTlsLog log) throws IOException {
        String where = destination.mxHost() + " [127.0.0.1]:" + server.port();
        String recorded = last(log.attempts(destination.domain())).map(fields -> "\n    recorded " + recorded(fields)).orElse("");
        return received.map(mail -> "delivered to " + where + " over " + (mail.overTls() ? mail.protocol() : "CLEAR TEXT")
                + " (" + how + ")" + recorded)
            .orElse("NOT delivered to " + where + " (see the James log)" + recorded);
    }

    private static String recorded(Map<String, String> fields) {
        return "source=" + fields.getOrDefault("source", "-") + " level=" + fields.getOrDefault("level", "-")
            + " verdict=" + fields.getOrDefault("verdict", "-") + " resultType=" + fields.getOrDefault("resultType", "-");
    }

    private static Optional<Map<String, String>> last(List<Map<String, String>> attempts) {
        return attempts.isEmpty() ? Optional.empty() : Optional.of(attempts.get(attempts.size() - 1));
    }

    /** What partners need to force TLS towards us: {@code james-tls.jar facts --pem pki/server.pem}. */
    static void printOurCertificateFacts(PrintStream out, Path serverChain) {
        out.println();
        out.println("Our certificate, as published to partners (james-tls.jar facts --pem " + serverChain + "):");
        java.io.PrintWriter writer = new java.io.PrintWriter(out, true);
        dev.jamestls.cli.JamesTlsCli.run(writer, writer, "facts", "--pem", serverChain.toString());
        writer.flush();
    }

    private static String abbreviate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 3) + "...";
    }

    private static void printTable(PrintStream out, List<String[]> table) {
        int columns = table.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : table) {
            for (int column = 0; column < columns; column++) {
                widths[column] = Math.max(widths[column], row[column].length());
            }
        }
        for (int index = 0; index < table.size(); index++) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < columns; column++) {
                line.append(column == 0 ? "" : " | ").append(String.format("%-" + widths[column] + "s", table.get(index)[column]));
            }
            out.println(line.toString().stripTrailing());
            if (index == 0) {
                StringBuilder rule = new StringBuilder();
                for (int column = 0; column < columns; column++) {
                    rule.append(column == 0 ? "" : "-+-").append("-".repeat(widths[column]));
                }
                out.println(rule);
            }
        }
    }

    /** Ports from arguments, else JAMES_TLS_* environment variables, else the sandbox defaults (as in run). */
    static Map<String, Integer> ports(String[] args, Map<String, String> environment) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("--smtp-port", environmentPort(environment, "JAMES_TLS_SMTP_PORT", 2525));
        ports.put("--smtps-port", environmentPort(environment, "JAMES_TLS_SMTPS_PORT", 4650));
        ports.put("--webadmin-port", environmentPort(environment, "JAMES_TLS_WEBADMIN_PORT", 8000));
        ports.put("--partner-port", environmentPort(environment, "JAMES_TLS_PARTNER_PORT", 2526));
        ports.put("--stripped-port", environmentPort(environment, "JAMES_TLS_STRIPPED_PORT", 2527));
        for (PublishedDestination destination : PublishedDestination.ALL) {
            ports.put(destination.option(), environmentPort(environment, destination.environmentVariable(), destination.defaultPort()));
        }
        for (int index = 1; index < args.length; index += 2) {
            if (!ports.containsKey(args[index]) || index + 1 >= args.length) {
                throw new IllegalArgumentException("demo: unknown or incomplete argument '" + args[index]
                    + "'; accepted: " + String.join(" N, ", ports.keySet()) + " N");
            }
            ports.put(args[index], port(args[index], args[index + 1]));
        }
        return ports;
    }

    private static int environmentPort(Map<String, String> environment, String variable, int fallback) {
        String value = environment.get(variable);
        return value == null || value.isBlank() ? fallback : port(variable, value);
    }

    private static int port(String name, String value) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("demo: " + name + " must be a port number 1..65535, got '" + value + "'");
    }
}
