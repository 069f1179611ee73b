package dev.jamestls.it.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.it.harness.TestPki;

/**
 * Inbound rules with clients that are not ours: a TLS 1.1 client (separate JVM with
 * TLS 1.1 re-enabled) and swaks, the Debian SMTP test tool (installed by .ci/run).
 */
class LegacyAndExternalClientsTest {
    static final String VIOLATIONS = InboundEnforcementTest.VIOLATIONS;
    static final String PARTNER = InboundEnforcementTest.PARTNER;
    static final String OTHER = InboundEnforcementTest.OTHER;

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .listener(Listener.startTls("mx"))
        .jamesTlsHooks()
        .confFile("tls-policy.xml", InboundEnforcementTest.POLICY)
        .rootProcessor("""
                  <mailet match="dev.jamestls.james.matchers.InboundTlsPolicy=violation" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
                  <mailet match="dev.jamestls.james.matchers.FromPartner=partner-example" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
                  <mailet match="All" class="ToRepository"><repositoryPath>%s</repositoryPath></mailet>
            """.formatted(VIOLATIONS, PARTNER, OTHER))
        .build();

    @Test
    void tls11ClientIsRefusedAtTheHandshakeWhileTls12Succeeds(@TempDir Path dir) throws Exception {
        Path security = Files.writeString(dir.resolve("legacy.security"), "jdk.tls.disabledAlgorithms=\n");
        Path trust = james.confDirectory().resolve("clients-truststore.p12");

        // The client really offers TLS 1.1 / 1.0 (re-enabled in its JVM); the server answers with a
        // protocol_version alert (RFC 8446 §6.2), not the client's own "no appropriate protocol".
        assertThat(legacyClient(security, trust, "TLSv1.1")).isEqualTo("HANDSHAKE_FAILED peer sent alert protocol_version");
        assertThat(legacyClient(security, trust, "TLSv1")).isEqualTo("HANDSHAKE_FAILED peer sent alert protocol_version");
        assertThat(legacyClient(security, trust, "TLSv1.2")).isEqualTo("HANDSHAKE_OK TLSv1.2");
    }

    private static String legacyClient(Path security, Path trust, String protocol) throws Exception {
        Process process = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djava.security.properties=" + security,
            "-cp", System.getProperty("java.class.path"),
            LegacyTlsClient.class.getName(),
            String.valueOf(james.port("mx")), protocol, trust.toString(), TestPki.PASSWORD)
            .redirectErrorStream(true)
            .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("legacy client finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String[] lines = output.split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void swaksInClearTextFromThePartnerGets530() throws Exception {
        SwaksRun run = swaks("billing@partner.example", "swaks-clear");
        assertThat(run.output()).contains("<** 530 5.7.0 Must issue a STARTTLS command first (connector partner-example requires TLS for partner.example) (session ");
        assertThat(run.exitCode()).isNotZero();
    }

    @Test
    void swaksOverStartTlsFromThePartnerIsDelivered() throws Exception {
        long before = james.size(PARTNER);
        SwaksRun run = swaks("billing@partner.example", "swaks-tls", "--tls");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("<~  250 ");
        StoredMail mail = StoredMail.withSubject(james.awaitMails(PARTNER, (int) before + 1), "swaks-tls");
        assertThat(mail.attribute("dev.jamestls.tls.channel")).contains("starttls");
        assertThat(mail.attribute("dev.jamestls.inbound.verdict")).contains("compliant");
    }

    @Test
    void swaksInTestingModeIsAcceptedAndTheViolationRecorded() throws Exception {
        long before = james.size(VIOLATIONS);
        SwaksRun run = swaks("news@staged.example", "swaks-staged");
        assertThat(run.exitCode()).as(run.output()).isZero();
        StoredMail mail = StoredMail.withSubject(james.awaitMails(VIOLATIONS, (int) before + 1), "swaks-staged");
        assertThat(mail.attribute("dev.jamestls.inbound.reasonKind")).contains("tls-required");
    }

    record SwaksRun(int exitCode, String output) {
    }

    private static SwaksRun swaks(String from, String subject, String... extra) throws IOException, InterruptedException {
        Path executable = Path.of("/usr/bin/swaks");
        assertThat(executable).as("swaks is required for these tests: apt-get install -y swaks (.ci/run does)").exists();
        List<String> command = new ArrayList<>(List.of(executable.toString(),
            "--server", "127.0.0.1", "--port", String.valueOf(james.port("mx")),
            "--helo", "swaks.test", "--from", from, "--to", "bob@james.local",
            "--header", "Subject: " + subject, "--body", "sent by swaks", "--timeout", "20"));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("swaks finished").isTrue();
        return new SwaksRun(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
