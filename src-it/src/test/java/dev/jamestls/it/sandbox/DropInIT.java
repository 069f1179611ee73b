package dev.jamestls.it.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.sandbox.ClientIdentity;
import dev.jamestls.sandbox.SandboxPki;
import dev.jamestls.sandbox.SandboxSmtpClient;
import dev.jamestls.sandbox.SmtpOutcome;
import dev.jamestls.sandbox.SmtpSecurity;
import dev.jamestls.sandbox.SmtpSubmission;
import dev.jamestls.sandbox.StoredMail;
import dev.jamestls.sandbox.WebAdminClient;
import dev.jamestls.tls.CertificatePins;
import dev.jamestls.tls.PemFiles;

/**
 * The drop-in test: the sandbox laid out by {@code mvn package} (James
 * 3.8.1 from Maven artifacts in {@code lib/}, the sample {@code conf/}, our jar
 * alone in {@code extensions-jars/}) runs as a separate JVM started by its
 * {@code run} script. Mail goes in over SMTP; WebAdmin shows that our hook
 * (the {@code dev.jamestls.tls.*} attributes), our matchers (the repositories
 * a copy lands in) and our mailet (the {@code X-James-TLS} header) ran.
 */
@TestInstance(Lifecycle.PER_CLASS)
class DropInIT {
    private static final Duration SPOOL_TIMEOUT = Duration.ofSeconds(30);
    private static final String TLS = "var/mail/tls";
    private static final String TLS13 = "var/mail/tls13";
    private static final String CLEARTEXT = "var/mail/cleartext";
    private static final String CLIENT_CERTIFICATE = "var/mail/client-certificate";
    private static final String SENDER = "sender@elsewhere.example";
    private static final String RECIPIENT = "postmaster@james.local";

    // Both set by maven-failsafe-plugin (src-it/pom.xml).
    private final Path layout = Path.of(required("jamestls.sandbox.directory"));
    private final String dropInJar = "james-tls-mailets-" + required("jamestls.version") + ".jar";
    /** Sandbox only: the Guice module that keeps DANE and MTA-STS deliveries on loopback. */
    private final String sandboxJar = "james-tls-it-" + required("jamestls.version") + "-sandbox-extension.jar";
    private SandboxProcess sandbox;
    private SandboxSmtpClient client;
    private WebAdminClient webAdmin;
    private IssuedCertificate partner;

    @BeforeAll
    void startSandbox() throws IOException, InterruptedException {
        sandbox = SandboxProcess.start(layout);
        Path pki = sandbox.home.resolve("pki");
        X509Certificate ca = PemFiles.readCertificates(pki.resolve(SandboxPki.CA)).get(0);
        client = new SandboxSmtpClient(ca, "it.partner.example", Duration.ofSeconds(10));
        webAdmin = sandbox.webAdmin();
        partner = ClientIdentity.read(pki.resolve(SandboxPki.PARTNER), pki.resolve(SandboxPki.PARTNER_KEY));
    }

    @AfterAll
    void stopSandbox() throws IOException, InterruptedException {
        if (sandbox != null) {
            sandbox.close();
            assertThat(sandbox.isAlive()).as("sandbox JVM after close").isFalse();
        }
    }

    @Test
    void ourJarIsLoadedFromExtensionsJarsAndNotShippedInLib() throws IOException {
        Path extensionsJars = sandbox.home.resolve("extensions-jars");
        try (Stream<Path> extensions = Files.list(extensionsJars)) {
            assertThat(extensions.map(path -> path.getFileName().toString()))
                .containsExactlyInAnyOrder(dropInJar, sandboxJar);
        }
        // The sandbox's own module stays out of the drop-in jar, and its jar holds that module only.
        assertThat(entries(extensionsJars.resolve(dropInJar))).noneMatch(name -> name.startsWith("dev/jamestls/sandbox/"));
        assertThat(entries(extensionsJars.resolve(sandboxJar))).filteredOn(name -> name.endsWith(".class"))
            .isNotEmpty().allMatch(name -> name.startsWith("dev/jamestls/sandbox/james/"));
        try (Stream<Path> lib = Files.list(sandbox.home.resolve("lib"))) {
            assertThat(lib.filter(DropInIT::containsOurClasses).map(Path::getFileName)).isEmpty();
        }
        assertThat(sandbox.logText().lines().filter(line -> line.contains("Loading custom classpath resource")))
            .anySatisfy(line -> assertThat(line).endsWith(extensionsJars.resolve(dropInJar).toString()))
            .anySatisfy(line -> assertThat(line).endsWith(extensionsJars.resolve(sandboxJar).toString()));
    }

    @Test
    void libHoldsExactlyTheJarsOfAJamesMemoryServerInstallation() throws IOException {
        Path lib = sandbox.home.resolve("lib");
        List<String> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.map(path -> path.getFileName().toString()).sorted().toList();
        }
        String memoryApp = jars.stream().filter(name -> name.matches("james-server-memory-app-3\\.8\\.1\\.jar")).findFirst()
            .orElseThrow(() -> new AssertionError("no james-server-memory-app-3.8.1.jar in " + lib));
        // The memory app's own manifest names every jar of its installation's library folder.
        String classPath;
        try (JarFile jar = new JarFile(lib.resolve(memoryApp).toFile())) {
            classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
        }
        List<String> expected = Stream.concat(Stream.of(memoryApp),
                Stream.of(classPath.trim().split(" +")).map(entry -> entry.substring(entry.lastIndexOf('/') + 1)))
            .sorted().toList();
        assertThat(jars).containsExactlyElementsOf(expected);
    }

    @Test
    void starttlsMailCarriesTlsFactsHeaderAndIsCopiedToTheTlsRepositories() throws Exception {
        Sent sent = send(sandbox.smtpPort, SmtpSecurity.STARTTLS, List.of("TLSv1.3"), Optional.empty(), "starttls");

        assertThat(sent.accepted()).as("accepted: %s", sent.transcript()).isTrue();
        StoredMail stored = awaitMail(TLS, sent);
        String cipher = sent.cipher().orElseThrow();
        assertThat(stored.attribute("dev.jamestls.tls.channel")).contains("starttls");
        assertThat(stored.attribute("dev.jamestls.tls.protocol")).contains("TLSv1.3");
        assertThat(stored.attribute("dev.jamestls.tls.cipher")).contains(cipher);
        assertThat(stored.attribute("dev.jamestls.tls.client.verification")).contains("none");
        assertThat(stored.attribute("dev.jamestls.tls.client.subject")).isEmpty();
        assertThat(unfolded(stored.header("X-James-TLS"))).contains(
            "channel=starttls; protocol=TLSv1.3; cipher=" + cipher + "; client-certificate=none; rule=defaults; rule-verification=not-required");
        assertThat(subjectsIn(TLS13)).contains(sent.subject());
        assertThat(subjectsIn(CLEARTEXT)).doesNotContain(sent.subject());
        assertThat(subjectsIn(CLIENT_CERTIFICATE)).doesNotContain(sent.subject());
    }

    /** The ledger routes come from our jar in extensions-jars/, loaded by James through webadmin.properties' extensions.routes. */
    @Test
    void theLedgerRoutesShowTheSendersDomainWithTheTlsItUsed() throws Exception {
        Sent sent = send(sandbox.smtpPort, SmtpSecurity.STARTTLS, List.of("TLSv1.3"), Optional.empty(), "ledger");
        assertThat(sent.accepted()).as("accepted: %s", sent.transcript()).isTrue();

        java.net.http.HttpResponse<String> partner = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://127.0.0.1:" + sandbox.webAdminPort + "/jamestls/partners/elsewhere.example"))
                .timeout(Duration.ofSeconds(10)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(partner.statusCode()).as(partner.body()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(partner.body());
        assertThat(json.path("protocols").toString()).contains("TLSv1.3");
        assertThat(json.path("inboundVerdicts").path("defaults").path("compliant").asLong()).isPositive();
        assertThat(json.path("inboundIdentity").asText()).isEqualTo("unverified-sender-domain");
    }

    @Test
    void theSandboxAnnouncesRequireTlsInsideTlsOnly() {
        Sent upgraded = send(sandbox.smtpPort, SmtpSecurity.STARTTLS, List.of(), Optional.empty(), "ehlo-starttls");
        Sent implicit = send(sandbox.smtpsPort, SmtpSecurity.IMPLICIT_TLS, List.of(), Optional.of(partner), "ehlo-implicit");
        Sent clear = send(sandbox.smtpPort, SmtpSecurity.CLEAR_TEXT, List.of(), Optional.empty(), "ehlo-clear");

        assertThat(ehloReplies(upgraded)).as("before and after STARTTLS: %s", upgraded.transcript()).hasSize(2);
        assertThat(ehloReplies(upgraded).get(0)).doesNotContain("REQUIRETLS");
        assertThat(ehloReplies(upgraded).get(1)).contains("250-REQUIRETLS");
        assertThat(ehloReplies(implicit)).as(implicit.transcript().toString()).singleElement().asString().contains("250-REQUIRETLS");
        assertThat(ehloReplies(clear)).singleElement().asString().doesNotContain("REQUIRETLS");
    }

    /** The server's answers to EHLO in a transcript. */
    private static List<String> ehloReplies(Sent sent) {
        List<String> transcript = sent.transcript();
        return java.util.stream.IntStream.range(1, transcript.size())
            .filter(i -> transcript.get(i - 1).startsWith("C: EHLO"))
            .mapToObj(transcript::get).toList();
    }

    @Test
    void tls12MailMatchesSentOverTlsButNotItsTls13Condition() throws Exception {
        Sent sent = send(sandbox.smtpPort, SmtpSecurity.STARTTLS, List.of("TLSv1.2"), Optional.empty(), "tls12");

        assertThat(sent.accepted()).as("accepted: %s", sent.transcript()).isTrue();
        StoredMail stored = awaitMail(TLS, sent);
        assertThat(stored.attribute("dev.jamestls.tls.protocol")).contains("TLSv1.2");
        assertThat(unfolded(stored.header("X-James-TLS"))).hasValueSatisfying(header ->
            assertThat(header).startsWith("channel=starttls; protocol=TLSv1.2; cipher=" + sent.cipher().orElseThrow() + ";"));
        assertThat(subjectsIn(TLS13)).doesNotContain(sent.subject());
        assertThat(subjectsIn(CLEARTEXT)).doesNotContain(sent.subject());
    }

    @Test
    void clearTextMailIsNotMatchedBySentOverTls() throws Exception {
        Sent sent = send(sandbox.smtpPort, SmtpSecurity.CLEAR_TEXT, List.of(), Optional.empty(), "clear");

        assertThat(sent.accepted()).as("accepted: %s", sent.transcript()).isTrue();
        StoredMail stored = awaitMail(CLEARTEXT, sent);
        assertThat(stored.attribute("dev.jamestls.tls.channel")).contains("none");
        assertThat(stored.attribute("dev.jamestls.tls.protocol")).isEmpty();
        assertThat(stored.attribute("dev.jamestls.tls.cipher")).isEmpty();
        assertThat(unfolded(stored.header("X-James-TLS"))).contains("channel=none");
        assertThat(subjectsIn(TLS)).doesNotContain(sent.subject());
        assertThat(subjectsIn(TLS13)).doesNotContain(sent.subject());
    }

    @Test
    void clientCertificateOnTheListenerThatRequiresOneAppearsInTheAttributes() throws Exception {
        Sent sent = send(sandbox.smtpsPort, SmtpSecurity.IMPLICIT_TLS, List.of(), Optional.of(partner), "partner");

        assertThat(sent.accepted()).as("accepted: %s", sent.transcript()).isTrue();
        StoredMail stored = awaitMail(CLIENT_CERTIFICATE, sent);
        X509Certificate certificate = partner.certificate();
        assertThat(stored.attribute("dev.jamestls.tls.channel")).contains("implicit");
        assertThat(stored.attribute("dev.jamestls.tls.protocol")).isEqualTo(sent.protocol());
        assertThat(stored.attribute("dev.jamestls.tls.client.subject")).contains("CN=partner.example,O=Partner Example");
        assertThat(stored.attribute("dev.jamestls.tls.client.issuer")).contains("CN=james-tls sandbox CA,O=james-tls sandbox");
        assertThat(stored.attribute("dev.jamestls.tls.client.serial")).contains(certificate.getSerialNumber().toString(16));
        assertThat(stored.attribute("dev.jamestls.tls.client.spkiSha256")).contains(CertificatePins.spkiSha256(certificate));
        assertThat(stored.attribute("dev.jamestls.tls.client.verification")).contains("listener");
        assertThat(unfolded(stored.header("X-James-TLS"))).hasValueSatisfying(header ->
            assertThat(header).contains("; client-certificate=present; listener-verification=verified; rule="));
        assertThat(subjectsIn(TLS)).contains(sent.subject());
    }

    @Test
    void listenerThatRequiresACertificateRefusesAClientWithout() {
        Sent sent = send(sandbox.smtpsPort, SmtpSecurity.IMPLICIT_TLS, List.of(), Optional.empty(), "no-certificate");

        assertThat(sent.accepted()).isFalse();
        // TLS 1.3: the client learns of the refusal from the server's alert (RFC 8446 §4.4.2.4: certificate_required;
        // JDK 17 updates before that send bad_certificate) or, racing it, the closed connection.
        assertThat(sent.lastReply()).matches("no reply: TLS handshake failed: (peer sent alert (bad_certificate|certificate_required)|"
            + java.util.regex.Pattern.quote(dev.jamestls.tls.HandshakeFailure.CONNECTION_CLOSED) + ")");
        assertThat(sent.transcript()).noneMatch(line -> line.startsWith("S: 250"));
        assertThat(sandbox.isAlive()).isTrue();
    }

    /** Real clients that are not Java against the sample's STARTTLS listener: TLS 1.2 only with forward secrecy and AEAD. */
    static Stream<Arguments> tls12Suites() {
        return Stream.of(
            Arguments.of("static-RSA key exchange, CBC (TLS_RSA_WITH_AES_128_CBC_SHA)", "AES128-SHA", false),
            Arguments.of("static-RSA key exchange, GCM (TLS_RSA_WITH_AES_128_GCM_SHA256)", "AES128-GCM-SHA256", false),
            Arguments.of("ECDHE, CBC (TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256)", "ECDHE-RSA-AES128-SHA256", false),
            Arguments.of("ECDHE, CBC with SHA-1 (TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA)", "ECDHE-RSA-AES256-SHA", false),
            Arguments.of("DHE, GCM: forward secret, but the sample offers ECDHE only", "DHE-RSA-AES128-GCM-SHA256", false),
            Arguments.of("ECDHE, AES-128-GCM", "ECDHE-RSA-AES128-GCM-SHA256", true),
            Arguments.of("ECDHE, AES-256-GCM", "ECDHE-RSA-AES256-GCM-SHA384", true),
            Arguments.of("ECDHE, ChaCha20-Poly1305", "ECDHE-RSA-CHACHA20-POLY1305", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tls12Suites")
    void starttlsListenerOffersOnlyForwardSecretAeadSuitesInTls12(String reason, String cipher, boolean accepted) throws Exception {
        OpenSslClient.Run run = OpenSslClient.tls12Handshake(sandbox.smtpPort, cipher);

        if (accepted) {
            assertThat(run.exitCode()).as(run.text()).isZero();
            assertThat(run.protocol()).as(run.text()).contains("TLSv1.2");
            assertThat(run.cipher()).as(run.text()).contains(cipher);
        } else {
            assertThat(run.exitCode()).as(run.text()).isNotZero();
            assertThat(run.cipher()).as(run.text()).isEmpty();
            // RFC 5246 §7.4.1.3: no suite in common is a handshake_failure alert (40).
            assertThat(run.text()).as(run.text()).contains("alert number 40");
        }
        assertThat(sandbox.isAlive()).isTrue();
    }

    @Test
    void clientInitiatedRenegotiationIsRefused() throws Exception {
        OpenSslClient.Run run = OpenSslClient.renegotiateThenNoop(sandbox.smtpPort);

        assertThat(run.lines()).as(run.text()).contains("RENEGOTIATING");
        assertThat(run.lines()).as("no reply after the renegotiation: %s", run.text()).noneMatch(line -> line.startsWith("250 2.0.0"));
        assertThat(run.exitCode()).as(run.text()).isNotZero();
        assertThat(sandbox.isAlive()).isTrue();
    }

    /** Port 4650 admits any certificate of the demo CA; only onprem.example's may relay (its connector has allowRelay). */
    @Test
    void onTheCertificateRequiredPortOnlyTheOnPremisesCertificateRelays() throws IOException {
        Path pki = sandbox.home.resolve("pki");
        IssuedCertificate onprem = ClientIdentity.read(pki.resolve(SandboxPki.ONPREM), pki.resolve(SandboxPki.ONPREM_KEY));

        SmtpOutcome byPartner = client.send(new SmtpSubmission(sandbox.smtpsPort, SmtpSecurity.IMPLICIT_TLS, List.of(),
            Optional.of(partner), "billing@partner.example", "someone@faraway.example", "relay partner " + UUID.randomUUID()));
        SmtpOutcome byOnprem = client.send(new SmtpSubmission(sandbox.smtpsPort, SmtpSecurity.IMPLICIT_TLS, List.of(),
            Optional.of(onprem), "it@onprem.example", "someone@faraway.example", "relay onprem " + UUID.randomUUID()));

        assertThat(byPartner.accepted()).as(byPartner.transcript().toString()).isFalse();
        assertThat(byPartner.lastReply()).startsWith("550 5.7.1");
        assertThat(byOnprem.accepted()).as(byOnprem.transcript().toString()).isTrue();
    }

    @Test
    void demoScriptSendsItsMailsAndPrintsWhatOurExtensionRecorded() throws Exception {
        SandboxProcess.Output demo = sandbox.runScript("demo", demoArguments(sandbox.partnerPort));

        assertThat(demo.exitCode()).as("demo exit code; output:%n%s", demo.text()).isZero();
        assertThat(demo.lines())
            .anySatisfy(line -> assertThat(line).matches("1 +\\| clear text, port \\d+ +\\| 250 2\\.6\\.0 Message received +\\| none +\\| - .*\\| cleartext"))
            .anySatisfy(line -> assertThat(line).matches("2 +\\| STARTTLS, port \\d+ +\\| 250 2\\.6\\.0 Message received +\\| starttls +\\| TLSv1\\.3 .*\\| tls, tls13"))
            .anySatisfy(line -> assertThat(line).matches("3 +\\| STARTTLS, TLS 1\\.2 only.*\\| starttls +\\| TLSv1\\.2 .*\\| tls"))
            .anySatisfy(line -> assertThat(line).matches(
                "4 +\\| implicit TLS \\+ partner\\.pem.*\\| implicit +\\| TLSv1\\.3 .*\\| CN=partner\\.example,O=Partner Example +\\| defaults: compliant +\\| tls, tls13, client-certificate"))
            .anySatisfy(line -> assertThat(line).startsWith("5  | implicit TLS, no certificate").endsWith("| -"))
            .contains("#1 X-James-TLS: channel=none")
            // inbound rules: the partner's mail in clear text is refused in the dialogue
            // (temporarily: the sample's partner connector says failure="temporary")
            .anySatisfy(line -> assertThat(line).startsWith("#6 refused: 451 4.7.0 Must issue a STARTTLS command first "
                + "(connector partner-example requires TLS for partner.example) (session "))
            // partner certificates: certificate asked for on the shared port; missing, wrong and right certificate
            .anySatisfy(line -> assertThat(line).startsWith(
                "#7 refused: 451 4.7.0 Client certificate required: connector partner-example requires one for partner.example (session "))
            .anySatisfy(line -> assertThat(line).startsWith("#8 refused: 450 4.7.1 Client certificate not accepted for "
                + "partner.example by connector partner-example: certificate name mismatch; expected partner.example (session "))
            .anySatisfy(line -> assertThat(line).startsWith("9  | partner.example, STARTTLS + partner.pem")
                .contains("| CN=partner.example,O=Partner Example").containsPattern("\\| partner-example: compliant \\(verified\\) +\\|")
                .endsWith("verified-partner"))
            // testing mode: the testing-mode rule records the violation and lets the mail in
            .anySatisfy(line -> assertThat(line).startsWith("10 | staged.example (testing), clear text")
                .containsPattern("\\| staged-example: violation +\\|").contains("tls-testing-violations"))
            // certificate-authenticated relay, and relay denied without the certificate
            .anySatisfy(line -> assertThat(line).startsWith("11 | relay to faraway.example, onprem.pem")
                .containsPattern("\\| onprem-example: compliant \\(verified\\) +\\|").endsWith("outgoing-held"))
            .anySatisfy(line -> assertThat(line).startsWith("#12 refused: 550 5.7.1"))
            // outbound per destination: secure delivery over TLS, stripped STARTTLS held, nothing in clear
            .anySatisfy(line -> assertThat(line).startsWith("#13 delivered to [localhost]:" + sandbox.partnerPort + " over TLSv1.")
                .endsWith("(connector partner-example, level secure: chain to pki/ca.pem, name mail.partner.example)"))
            .anySatisfy(line -> assertThat(line).startsWith("#14 held in James's queue outgoing-tls (")
                .endsWith("[localhost]:" + sandbox.strippedPort + " offered no STARTTLS, so no message byte was sent to it"))
            // published policies: DANE (TLSA matching under DNSSEC) delivered over TLS, a mismatching TLSA record keeps
            // the mail queued with nothing sent, an enforced MTA-STS policy delivered over verified TLS
            .anySatisfy(line -> assertThat(line).startsWith("#15 delivered to mx.dane.example [127.0.0.1]:" + sandbox.danePort
                + " over TLSv1."))
            .anySatisfy(line -> assertThat(line).startsWith("#16 held in James's queue outgoing-tls (")
                .endsWith("mx.dane-wrong.example received no message byte"))
            .contains("    recorded source=dane level=dane verdict=delivered resultType=-",
                "    recorded source=dane level=dane verdict=tls-not-secured resultType=tlsa-invalid",
                "    recorded source=mta-sts level=verify verdict=delivered resultType=-")
            .anySatisfy(line -> assertThat(line).startsWith("#17 delivered to mx.sts.example [127.0.0.1]:" + sandbox.stsPort
                + " over TLSv1."))
            // our own certificate facts, as partners need them
            .anySatisfy(line -> assertThat(line).startsWith("Our certificate, as published to partners"))
            .anySatisfy(line -> assertThat(line).contains("CN=james.local"));
        // The same attempts as the separately started James logged them (its console, not the demo's reading).
        assertThat(sandbox.logText().lines().filter(line -> line.contains("outbound-tls domain=dane-wrong.example ")))
            .anySatisfy(line -> assertThat(line).contains(" source=dane ", " mx=mx.dane-wrong.example ", " port=25 ip=127.0.0.1 ",
                " verdict=tls-not-secured ", " resultType=tlsa-invalid "))
            .noneSatisfy(line -> assertThat(line).contains(" verdict=delivered "));
        assertThat(sandbox.logText().lines().filter(line -> line.contains("outbound-tls domain=sts.example ")))
            .anySatisfy(line -> assertThat(line).contains(" source=mta-sts ", " mx=mx.sts.example ", " verdict=delivered "));
    }

    @Test
    void demoNamesABusyDestinationPortAndTheOptionToChooseAnother() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            SandboxProcess.Output demo = sandbox.runScript("demo", demoArguments(busy.getLocalPort()));

            assertThat(demo.exitCode()).isEqualTo(1);
            assertThat(demo.text()).isEqualTo("demo: port " + busy.getLocalPort() + " on 127.0.0.1 is in use, so the demo cannot start"
                + " its destination there; choose a free one with --partner-port N, and give ./run the same --partner-port\n");
        }
    }

    /** A mail sent by the test and what came of it; the unique subject finds it in repositories. */
    private record Sent(String subject, SmtpOutcome outcome) {
        boolean accepted() {
            return outcome.accepted();
        }

        List<String> transcript() {
            return outcome.transcript();
        }

        Optional<String> protocol() {
            return outcome.protocol();
        }

        Optional<String> cipher() {
            return outcome.cipher();
        }

        String lastReply() {
            return outcome.lastReply();
        }
    }

    private Sent send(int port, SmtpSecurity security, List<String> protocols,
                      Optional<IssuedCertificate> certificate, String label) {
        String subject = "drop-in " + label + " " + UUID.randomUUID();
        return new Sent(subject,
            client.send(new SmtpSubmission(port, security, protocols, certificate, SENDER, RECIPIENT, subject)));
    }

    private StoredMail awaitMail(String repository, Sent sent) throws IOException, InterruptedException {
        String subject = sent.subject();
        Instant deadline = Instant.now().plus(SPOOL_TIMEOUT);
        while (true) {
            Optional<StoredMail> found = webAdmin.mails(repository).stream()
                .filter(mail -> mail.header("Subject").filter(subject::equals).isPresent())
                .findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no mail with Subject '" + subject + "' in " + repository + " after "
                    + SPOOL_TIMEOUT.toSeconds() + " s; sandbox log:\n" + sandbox.logText());
            }
            Thread.sleep(200);
        }
    }

    private List<String> subjectsIn(String repository) throws IOException {
        return webAdmin.mails(repository).stream().flatMap(mail -> mail.header("Subject").stream()).toList();
    }

    /** RFC 5322 §2.2.3: unfolding removes the CRLF of a folded header. */
    private static Optional<String> unfolded(Optional<String> header) {
        return header.map(value -> value.replace("\r\n", "").replace("\n", ""));
    }

    private static String required(String property) {
        return Objects.requireNonNull(System.getProperty(property),
            () -> "system property " + property + " is not set; run the drop-in test through Maven (mvn verify)");
    }

    /** The demo's options: the sandbox's ports, with {@code partnerPort} for partner.example's destination. */
    private String[] demoArguments(int partnerPort) {
        return Stream.concat(Stream.of("--smtp-port", String.valueOf(sandbox.smtpPort), "--smtps-port", String.valueOf(sandbox.smtpsPort),
            "--webadmin-port", String.valueOf(sandbox.webAdminPort)), sandbox.destinationOptions(partnerPort).stream()).toArray(String[]::new);
    }

    private static List<String> entries(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(java.util.zip.ZipEntry::getName).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + jar, e);
        }
    }

    private static boolean containsOurClasses(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().anyMatch(entry -> entry.getName().startsWith("dev/jamestls/"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + jar, e);
        }
    }
}
