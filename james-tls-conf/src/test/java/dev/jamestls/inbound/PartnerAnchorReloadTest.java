package dev.jamestls.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.policy.ClientCertificateRequirement;
import dev.jamestls.policy.file.ReloadingPolicy;
import dev.jamestls.policy.file.SameStampFiles;
import dev.jamestls.revocation.JdkHttpFetcher;
import dev.jamestls.verify.CachingCertificateVerifier;
import dev.jamestls.verify.CertificateVerifier;

/**
 * A partner's own trust-anchor file is edited while James runs: after the reload, the very next
 * judgement uses the new anchors, through the same judge and the same verification cache that judged
 * with the old ones (a removed CA is refused at once, an added one accepted).
 */
class PartnerAnchorReloadTest {
    static final Instant NOW = Instant.now();
    static final List<CertificateAuthority> SAME_SIZE = SameStampFiles.sameSizeRoots("CN=Partner CA One", "CN=Partner CA Two", NOW);
    static final CertificateAuthority ONE = SAME_SIZE.get(0);
    static final CertificateAuthority TWO = SAME_SIZE.get(1);
    static final CertificateAuthority THREE = CertificateAuthority.root("CN=Partner CA Three", NOW);

    @TempDir
    Path dir;

    static IssuedCertificate partnerFrom(CertificateAuthority ca) {
        return ca.leaf("CN=partner.example").dnsNames("partner.example").extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();
    }

    static List<Arguments> anchorEdits() {
        return List.of(
            Arguments.of("CA removed from the file", List.of(ONE, THREE), List.of(THREE), false, ONE, true, false),
            Arguments.of("CA kept while another is removed", List.of(ONE, THREE), List.of(THREE), false, THREE, true, true),
            Arguments.of("CA replaced by a same-size one, modification time kept (cp -p)", List.of(ONE), List.of(TWO), true, ONE, true, false),
            Arguments.of("same-size replacement CA is accepted (cp -p)", List.of(ONE), List.of(TWO), true, TWO, false, true),
            Arguments.of("CA added to the file", List.of(ONE), List.of(ONE, THREE), false, THREE, false, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("anchorEdits")
    void theFirstJudgementAfterAReloadUsesTheNewAnchors(String reason, List<CertificateAuthority> before,
                                                          List<CertificateAuthority> after, boolean keepStamp,
                                                          CertificateAuthority issuer, boolean acceptedBefore,
                                                          boolean acceptedAfter) throws Exception {
        Path anchors = dir.resolve("partner-cas.pem");
        Files.writeString(anchors, SameStampFiles.pem(before.toArray(CertificateAuthority[]::new)));
        Path policyFile = dir.resolve("tls-policy.xml");
        Files.writeString(policyFile, """
            <tlsPolicy><connector name="partner" mode="enforce"><inbound requireTls="true" allowRelay="true">
              <senderDomain>partner.example</senderDomain>
              <clientCertificate revocation="off"><name>partner.example</name><trustAnchors>partner-cas.pem</trustAnchors></clientCertificate>
            </inbound></connector></tlsPolicy>
            """);
        Clock clock = Clock.systemUTC();
        VerifyingCertificateJudge judge = new VerifyingCertificateJudge(new CachingCertificateVerifier(
            CertificateVerifier.withRevocation(clock, JdkHttpFetcher.DEFAULT), clock, 100, java.time.Duration.ofHours(1)),
            List.of(CertificateAuthority.root("CN=Default Anchor", NOW).certificate().certificate()));
        List<java.security.cert.X509Certificate> chain = partnerFrom(issuer).presentedChain();
        try (ReloadingPolicy policy = ReloadingPolicy.load(policyFile, clock)) {
            assertThat(judge.judge("partner", requirement(policy), chain).accepted()).as("before: " + reason).isEqualTo(acceptedBefore);

            String edited = SameStampFiles.pem(after.toArray(CertificateAuthority[]::new));
            if (keepStamp) {
                SameStampFiles.rewriteKeepingStamp(anchors, edited);
            } else {
                write(anchors, edited);
            }
            assertThat(policy.reloadIfChanged()).as(reason).isEqualTo(ReloadingPolicy.Outcome.RELOADED);

            CertificateJudge.Judgement judgement = judge.judge("partner", requirement(policy), chain);
            assertThat(judgement.accepted()).as("after: " + reason + ": " + judgement.reason()).isEqualTo(acceptedAfter);
            assertThat(judgement.temporary()).isFalse();
        }
    }

    private static ClientCertificateRequirement requirement(ReloadingPolicy policy) {
        return policy.current().resolveInbound("partner.example").requirement().clientCertificate().orElseThrow();
    }

    private static void write(Path file, String content) throws IOException {
        java.nio.file.attribute.FileTime old = Files.getLastModifiedTime(file);
        Files.writeString(file, content);
        // A visibly newer modification time, whatever the file system's timestamp granularity.
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(old.toMillis() + 2000));
    }

    @org.junit.jupiter.api.Test
    void defaultAnchorsAreTheOnesInForceAtEachJudgement() throws Exception {
        Path policyFile = dir.resolve("tls-policy.xml");
        Files.writeString(policyFile, """
            <tlsPolicy><connector name="partner" mode="enforce"><inbound requireTls="true">
              <senderDomain>partner.example</senderDomain>
              <clientCertificate revocation="off"><name>partner.example</name></clientCertificate>
            </inbound></connector></tlsPolicy>
            """);
        Clock clock = Clock.systemUTC();
        java.util.concurrent.atomic.AtomicReference<List<java.security.cert.X509Certificate>> defaults =
            new java.util.concurrent.atomic.AtomicReference<>(List.of(ONE.certificate().certificate()));
        VerifyingCertificateJudge judge = new VerifyingCertificateJudge(new CachingCertificateVerifier(
            CertificateVerifier.withRevocation(clock, JdkHttpFetcher.DEFAULT), clock, 100, java.time.Duration.ofHours(1)),
            defaults::get);
        List<java.security.cert.X509Certificate> chain = partnerFrom(ONE).presentedChain();
        try (ReloadingPolicy policy = ReloadingPolicy.load(policyFile, clock)) {
            assertThat(judge.judge("partner", requirement(policy), chain).accepted()).isTrue();

            defaults.set(List.of(THREE.certificate().certificate()));

            assertThat(judge.judge("partner", requirement(policy), chain).accepted()).as("CA One left the default anchors").isFalse();
        }
    }
}
