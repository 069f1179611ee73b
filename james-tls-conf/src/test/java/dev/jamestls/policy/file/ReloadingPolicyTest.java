package dev.jamestls.policy.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.TlsPolicy;

class ReloadingPolicyTest {
    @TempDir
    Path dir;
    long tick = 1_700_000_000_000L;

    Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        // A distinct modification time per write: no dependence on file system timestamp granularity.
        Files.setLastModifiedTime(file, FileTime.fromMillis(tick += 1000));
        return file;
    }

    static String policy(String level) {
        return "<tlsPolicy><connector name=\"p\" mode=\"enforce\"><outbound level=\"" + level + "\">"
            + "<recipientDomain>partner.example</recipientDomain></outbound></connector><domainTable file=\"tls_policy\"/></tlsPolicy>";
    }

    @Test
    void picksUpAChangedPolicyFileAndAChangedTable() throws Exception {
        Path file = write("tls-policy.xml", policy("encrypt"));
        write("tls_policy", "big.example verify\n");
        try (ReloadingPolicy reloading = ReloadingPolicy.load(file, PolicyFileParserTest.CLOCK)) {
            assertThat(reloading.reloadIfChanged()).isEqualTo(ReloadingPolicy.Outcome.UNCHANGED);

            write("tls-policy.xml", policy("verify"));
            assertThat(reloading.reloadIfChanged()).isEqualTo(ReloadingPolicy.Outcome.RELOADED);
            assertThat(reloading.current().resolveOutbound("partner.example").requirement().level()).isEqualTo(OutboundLevel.VERIFY);

            write("tls_policy", "big.example encrypt\n");
            assertThat(reloading.reloadIfChanged()).isEqualTo(ReloadingPolicy.Outcome.RELOADED);
            assertThat(reloading.current().resolveOutbound("big.example").requirement().level()).isEqualTo(OutboundLevel.ENCRYPT);
        }
    }

    @Test
    void brokenNewFileKeepsTheOldPolicyAndReportsTheErrors() throws Exception {
        Path file = write("tls-policy.xml", policy("encrypt"));
        write("tls_policy", "big.example verify\n");
        try (ReloadingPolicy reloading = ReloadingPolicy.load(file, PolicyFileParserTest.CLOCK)) {
            var before = reloading.current();

            write("tls_policy", "big.example daen\n");
            assertThat(reloading.reloadIfChanged()).isEqualTo(ReloadingPolicy.Outcome.REJECTED);
            assertThat(reloading.current()).isSameAs(before);
            assertThat(reloading.lastProblems()).extracting(Problem::toString).containsExactly(
                "tls_policy:1:1: error: entry 'big.example': unknown level 'daen'; "
                    + "accepted: none, may, encrypt, verify, secure, fingerprint, dane, dane-only");
            assertThat(reloading.reloadIfChanged()).as("the same broken files are not re-read").isEqualTo(ReloadingPolicy.Outcome.UNCHANGED);

            write("tls_policy", "big.example secure match=mx.big.example\n");
            assertThat(reloading.reloadIfChanged()).isEqualTo(ReloadingPolicy.Outcome.RELOADED);
            assertThat(reloading.current().resolveOutbound("big.example").requirement().level()).isEqualTo(OutboundLevel.SECURE);
        }
    }

    @Test
    void firstLoadOfABrokenFileFailsWithEveryError() throws IOException {
        Path file = write("tls-policy.xml", "<tlsPolicy><connector name=\"p\" mode=\"x\"/></tlsPolicy>");

        assertThatThrownBy(() -> ReloadingPolicy.load(file, PolicyFileParserTest.CLOCK))
            .isInstanceOf(PolicyException.class)
            .hasMessage("TLS policy not loaded:\n"
                + "tls-policy.xml:1:12: error: <connector mode=\"x\">: unknown mode 'x'; accepted: enforce, testing\n"
                + "tls-policy.xml:1:12: error: <connector name=\"p\">: has neither <inbound> nor <outbound>; accepted: one or both");
    }

    @Test
    void periodicWatcherSwapsThePolicyAndStopsOnClose() throws Exception {
        Path file = write("tls-policy.xml", policy("encrypt"));
        write("tls_policy", "");
        ReloadingPolicy reloading = ReloadingPolicy.load(file, PolicyFileParserTest.CLOCK);
        try {
            reloading.startWatching(Duration.ofMillis(20));
            write("tls-policy.xml", policy("verify"));
            Instant deadline = Instant.now().plusSeconds(10);
            while (reloading.current().resolveOutbound("partner.example").requirement().level() != OutboundLevel.VERIFY
                && Instant.now().isBefore(deadline)) {
                Thread.sleep(10);
            }
            assertThat(reloading.current().resolveOutbound("partner.example").requirement().level()).isEqualTo(OutboundLevel.VERIFY);
        } finally {
            reloading.close();
        }
    }

    static String anchoredPolicy(String mode) {
        return "<tlsPolicy><connector name=\"p\" mode=\"" + mode + "\"><inbound requireTls=\"true\">"
            + "<senderDomain>partner.example</senderDomain><clientCertificate revocation=\"off\"><name>partner.example</name>"
            + "<trustAnchors>partner-cas.pem</trustAnchors></clientCertificate></inbound></connector>"
            + "<domainTable file=\"tls_policy\"/></tlsPolicy>";
    }

    static final List<CertificateAuthority> SAME_SIZE_ROOTS =
        SameStampFiles.sameSizeRoots("CN=Partner CA One", "CN=Partner CA Two", Instant.now());

    /** One row per edit that keeps every file's modification time and size: each must be reloaded. */
    static List<Arguments> editsKeepingModificationTimeAndSize() {
        Function<TlsPolicy, Object> inboundMode = policy -> policy.resolveInbound("partner.example").mode();
        Function<TlsPolicy, Object> tableLevel = policy -> policy.resolveOutbound("big.example").requirement().level();
        Function<TlsPolicy, Object> anchorSubjects = policy -> policy.resolveInbound("partner.example").requirement()
            .clientCertificate().orElseThrow().trustAnchors().orElseThrow().certificates().stream()
            .map(anchor -> anchor.getSubjectX500Principal().getName()).toList();
        return List.of(
            Arguments.of("connector mode enforce -> testing (same length), cp -p", "tls-policy.xml",
                anchoredPolicy("testing"), inboundMode, Mode.TESTING),
            Arguments.of("domain table level verify -> secure (same length), cp -p", "tls_policy",
                "big.example secure\n", tableLevel, OutboundLevel.SECURE),
            Arguments.of("trust anchor file: its CA replaced by another of the same size, cp -p", "partner-cas.pem",
                SameStampFiles.pem(SAME_SIZE_ROOTS.get(1)), anchorSubjects, List.of("CN=Partner CA Two")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("editsKeepingModificationTimeAndSize")
    void reloadsAnEditThatKeepsModificationTimeAndSize(String reason, String edited, String content,
                                                        Function<TlsPolicy, Object> observed, Object expected) throws Exception {
        Path file = write("tls-policy.xml", anchoredPolicy("enforce"));
        write("tls_policy", "big.example verify\n");
        write("partner-cas.pem", SameStampFiles.pem(SAME_SIZE_ROOTS.get(0)));
        try (ReloadingPolicy reloading = ReloadingPolicy.load(file, PolicyFileParserTest.CLOCK)) {
            TlsPolicy before = reloading.current();

            SameStampFiles.rewriteKeepingStamp(dir.resolve(edited), content);

            assertThat(reloading.reloadIfChanged()).as(reason).isEqualTo(ReloadingPolicy.Outcome.RELOADED);
            assertThat(reloading.current()).isNotSameAs(before);
            assertThat(observed.apply(reloading.current())).isEqualTo(expected);
            assertThat(reloading.reloadIfChanged()).as("the new content is now the known one").isEqualTo(ReloadingPolicy.Outcome.UNCHANGED);
        }
    }

    @Test
    void aFileThatOnlyGetsANewModificationTimeIsNotReparsed() throws Exception {
        Path file = write("tls-policy.xml", policy("encrypt"));
        write("tls_policy", "big.example verify\n");
        try (ReloadingPolicy reloading = ReloadingPolicy.load(file, PolicyFileParserTest.CLOCK)) {
            TlsPolicy before = reloading.current();

            Files.setLastModifiedTime(file, FileTime.fromMillis(tick += 1000));

            assertThat(reloading.reloadIfChanged()).isEqualTo(ReloadingPolicy.Outcome.UNCHANGED);
            assertThat(reloading.current()).isSameAs(before);
        }
    }

    @Test
    void fixingOnlyTheNewTableOfARejectedVersionIsPickedUp() throws Exception {
        Path file = write("tls-policy.xml", policy("encrypt"));
        write("tls_policy", "big.example verify\n");
        try (ReloadingPolicy reloading = ReloadingPolicy.load(file, PolicyFileParserTest.CLOCK)) {
            write("extra_policy", "new.example daen\n");
            write("tls-policy.xml", policy("encrypt").replace("</tlsPolicy>", "<domainTable file=\"extra_policy\"/></tlsPolicy>"));
            assertThat(reloading.reloadIfChanged()).isEqualTo(ReloadingPolicy.Outcome.REJECTED);

            write("extra_policy", "new.example secure\n");

            assertThat(reloading.reloadIfChanged()).as("only the rejected version's own table changed").isEqualTo(ReloadingPolicy.Outcome.RELOADED);
            assertThat(reloading.current().resolveOutbound("new.example").requirement().level()).isEqualTo(OutboundLevel.SECURE);
        }
    }

    @Test
    void aMissingTableThatAppearsIsPickedUp() throws Exception {
        Path file = write("tls-policy.xml", policy("encrypt"));
        write("tls_policy", "big.example verify\n");
        try (ReloadingPolicy reloading = ReloadingPolicy.load(file, PolicyFileParserTest.CLOCK)) {
            Files.delete(dir.resolve("tls_policy"));
            assertThat(reloading.reloadIfChanged()).isEqualTo(ReloadingPolicy.Outcome.REJECTED);
            assertThat(reloading.reloadIfChanged()).as("still missing").isEqualTo(ReloadingPolicy.Outcome.UNCHANGED);

            write("tls_policy", "big.example encrypt\n");

            assertThat(reloading.reloadIfChanged()).isEqualTo(ReloadingPolicy.Outcome.RELOADED);
            assertThat(reloading.current().resolveOutbound("big.example").requirement().level()).isEqualTo(OutboundLevel.ENCRYPT);
        }
    }

    @Test
    void anAnchorFileEmptiedKeepsThePreviousAnchorsUntilItIsFixed() throws Exception {
        Path file = write("tls-policy.xml", anchoredPolicy("enforce"));
        write("tls_policy", "");
        write("partner-cas.pem", SameStampFiles.pem(SAME_SIZE_ROOTS.get(0)));
        try (ReloadingPolicy reloading = ReloadingPolicy.load(file, PolicyFileParserTest.CLOCK)) {
            TlsPolicy before = reloading.current();

            write("partner-cas.pem", "");
            assertThat(reloading.reloadIfChanged()).isEqualTo(ReloadingPolicy.Outcome.REJECTED);
            assertThat(reloading.current()).isSameAs(before);
            assertThat(reloading.lastProblems()).extracting(Problem::detail).singleElement().asString()
                .endsWith("trust anchor file 'partner-cas.pem' holds no certificate; accepted: PEM CERTIFICATE blocks");

            write("partner-cas.pem", SameStampFiles.pem(SAME_SIZE_ROOTS.get(1)));

            assertThat(reloading.reloadIfChanged()).isEqualTo(ReloadingPolicy.Outcome.RELOADED);
            assertThat(reloading.current().resolveInbound("partner.example").requirement().clientCertificate().orElseThrow()
                .trustAnchors().orElseThrow().certificates()).containsExactly(SAME_SIZE_ROOTS.get(1).certificate().certificate());
        }
    }

    @Test
    void aComponentAnchorFileIsReadAgainWhenItsContentChangesAndKeptWhenTheNewOneIsUnusable() throws Exception {
        Path file = write("tls-policy.xml", policy("encrypt"));
        write("tls_policy", "");
        Path anchors = write("component-cas.pem", SameStampFiles.pem(SAME_SIZE_ROOTS.get(0)));
        try (ReloadingPolicy reloading = ReloadingPolicy.load(file, PolicyFileParserTest.CLOCK)) {
            var watched = reloading.watchAnchors(anchors);
            TlsPolicy policy = reloading.current();

            SameStampFiles.rewriteKeepingStamp(anchors, SameStampFiles.pem(SAME_SIZE_ROOTS.get(1)));
            assertThat(reloading.reloadIfChanged()).isEqualTo(ReloadingPolicy.Outcome.RELOADED);
            assertThat(watched.get().certificates()).containsExactly(SAME_SIZE_ROOTS.get(1).certificate().certificate());
            assertThat(reloading.current()).as("the policy itself did not change").isSameAs(policy);

            write("component-cas.pem", "not a certificate");
            assertThat(reloading.reloadIfChanged()).isEqualTo(ReloadingPolicy.Outcome.REJECTED);
            assertThat(reloading.reloadIfChanged()).as("the same unusable content is not re-read").isEqualTo(ReloadingPolicy.Outcome.UNCHANGED);
            assertThat(watched.get().certificates()).containsExactly(SAME_SIZE_ROOTS.get(1).certificate().certificate());
        }
    }
}
