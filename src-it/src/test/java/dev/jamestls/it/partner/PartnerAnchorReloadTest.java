package dev.jamestls.it.partner;

import static dev.jamestls.it.harness.PolicyXml.clientCertificate;
import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.inbound;
import static dev.jamestls.policy.Failure.PERMANENT;
import static dev.jamestls.revocation.RevocationChecking.OFF;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.it.harness.AnchorFiles;
import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.james.PolicyRegistry;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.policy.ContentDigest;
import dev.jamestls.policy.TlsPolicy;
import dev.jamestls.policy.file.ReloadingPolicy;

/**
 * A partner's own trust-anchor file, or the default anchors of the hook, is edited while a real James 3.8.1
 * runs: once the policy is reloaded, the first new connection is judged with the new anchors, over a real
 * TLS handshake. A CA taken out of the file no longer authenticates the partner nor grants relay; a CA put
 * in does both.
 */
class PartnerAnchorReloadTest {
    static final TestPki PKI = new TestPki();
    static final List<CertificateAuthority> SAME_SIZE = AnchorFiles.sameSizeRoots(PKI.now,
        "CN=Partner Root One,O=partner", "CN=Partner Root Two,O=partner");
    static final CertificateAuthority ONE = SAME_SIZE.get(0);
    static final CertificateAuthority TWO = SAME_SIZE.get(1);
    static final CertificateAuthority THREE = CertificateAuthority.root("CN=Partner Root Three,O=partner", PKI.now);
    static final CertificateAuthority FOUR = CertificateAuthority.root("CN=Partner Root Four,O=partner", PKI.now);
    static final CertificateAuthority FIVE = CertificateAuthority.root("CN=Partner Root Five,O=partner", PKI.now);

    static final String POLICY = PolicyXml.opportunistic()
        .connector(anchoredConnector("removed"))
        .connector(anchoredConnector("replaced"))
        .connector(anchoredConnector("added"))
        .connector(connector("defaults").inbound(inbound(true).allowRelay().failure(PERMANENT).senderDomain("defaults.example")
            .clientCertificate(clientCertificate(OFF).name("defaults.example"))))
        .xml();

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .pki(PKI)
        .listener(Listener.startTls("mx").wantingClientCertificate())
        .handler("<handler class=\"dev.jamestls.james.smtp.TlsFactsHook\"/>")
        .handler("""
            <handler class="dev.jamestls.james.smtp.InboundTlsPolicyHook">
                    <trustAnchors>file://conf/default-cas.pem</trustAnchors>
                  </handler>""")
        .confFile("tls-policy.xml", POLICY)
        .confFile("removed-cas.pem", AnchorFiles.pem(List.of(ONE, THREE)))
        .confFile("replaced-cas.pem", AnchorFiles.pem(List.of(ONE)))
        .confFile("added-cas.pem", AnchorFiles.pem(List.of(ONE)))
        .confFile("default-cas.pem", AnchorFiles.pem(List.of(FIVE, THREE)))
        .rootProcessor("""
                  <mailet match="All" class="ToRepository"><repositoryPath>memory://var/mail/all/</repositoryPath></mailet>
            """)
        .build();

    static PolicyXml.Connector anchoredConnector(String name) {
        return connector(name).inbound(inbound(true).allowRelay().failure(PERMANENT).senderDomain(name + ".example")
            .clientCertificate(clientCertificate(OFF).name(name + ".example").trustAnchors(name + "-cas.pem")));
    }

    /** One row per edit of a partner's anchor file, and the certificate judged after it. */
    static List<Arguments> anchorEdits() {
        return List.of(
            Arguments.of("CA removed from the file", "removed", List.of(ONE, THREE), List.of(THREE), false, ONE, true, false),
            Arguments.of("CA kept while another is removed", "removed", List.of(ONE, THREE), List.of(THREE), false, THREE, true, true),
            Arguments.of("CA replaced by a same-size one, modification time kept (cp -p)", "replaced", List.of(ONE), List.of(TWO), true,
                ONE, true, false),
            Arguments.of("same-size replacement CA is accepted (cp -p)", "replaced", List.of(ONE), List.of(TWO), true, TWO, false, true),
            Arguments.of("CA added to the file", "added", List.of(ONE), List.of(ONE, FOUR), false, FOUR, false, true),
            Arguments.of("default anchors (the hook's trustAnchors): CA removed", "defaults", List.of(FIVE, THREE), List.of(THREE), false,
                FIVE, true, false),
            Arguments.of("default anchors (the hook's trustAnchors): CA added", "defaults", List.of(THREE), List.of(THREE, FOUR), false,
                FOUR, false, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("anchorEdits")
    void theFirstConnectionAfterAReloadIsJudgedWithTheNewAnchors(String reason, String partner, List<CertificateAuthority> before,
                                                                  List<CertificateAuthority> after, boolean keepStamp,
                                                                  CertificateAuthority issuer, boolean acceptedBefore,
                                                                  boolean acceptedAfter) throws Exception {
        Path anchors = james.confDirectory().resolve(partner.equals("defaults") ? "default-cas.pem" : partner + "-cas.pem");
        IssuedCertificate certificate = issuer.leaf("CN=" + partner + ".example,O=partner")
            .dnsNames(partner + ".example").extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();
        editAndReload(anchors, AnchorFiles.pem(before), false);
        assertJudged(reason + " (before the edit)", partner, certificate, acceptedBefore);

        editAndReload(anchors, AnchorFiles.pem(after), keepStamp);

        assertJudged(reason, partner, certificate, acceptedAfter);
    }

    /** Edits the file (a no-op when it already holds {@code content}) and reloads the policy James uses now. */
    private static void editAndReload(Path anchors, String content, boolean keepStamp) throws Exception {
        if (java.nio.file.Files.readString(anchors).equals(content)) {
            return;
        }
        Path policyFile = james.confDirectory().resolve("tls-policy.xml");
        ReloadingPolicy policy = PolicyRegistry.loaded(policyFile)
            .orElseThrow(() -> new AssertionError("James has not loaded " + policyFile));
        TlsPolicy previous = policy.current();
        AnchorFiles.replace(anchors, content, keepStamp);
        // The periodic watcher may have been first: either way the new content must be in force now.
        policy.reloadIfChanged();
        if (anchors.getFileName().toString().equals("default-cas.pem")) {
            assertThat(policy.watchAnchors(anchors).get().digest()).as("the hook's anchors re-read")
                .isEqualTo(ContentDigest.of(content.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } else {
            assertThat(policy.current()).as("policy reloaded after editing " + anchors.getFileName()).isNotSameAs(previous);
        }
    }

    private static void assertJudged(String reason, String partner, IssuedCertificate certificate, boolean accepted) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), PKI, Optional.of(certificate))) {
            assertThat(client.mailFrom("user@elsewhere.example")).isEqualTo(250);
            assertThat(client.rcptTo("someone@faraway.example")).as(reason + ": relay granted? " + client.lastReply())
                .isEqualTo(accepted ? 250 : 550);
            if (!accepted) {
                assertThat(client.lastReply()).startsWith("550 5.7.1");
            }
            client.rset();
            int reply = client.mailFrom("ops@" + partner + ".example");
            assertThat(reply).as(reason + ": " + client.lastReply()).isEqualTo(accepted ? 250 : 550);
            if (!accepted) {
                assertThat(client.lastReply()).startsWith("550 5.7.1 Client certificate not accepted for " + partner
                    + ".example by connector " + partner + ": ");
            }
        }
    }
}
