package dev.jamestls.it.partner;

import static dev.jamestls.it.harness.PolicyXml.clientCertificate;
import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.inbound;
import static dev.jamestls.policy.Failure.PERMANENT;
import static dev.jamestls.policy.Failure.TEMPORARY;
import static dev.jamestls.revocation.RevocationChecking.OFF;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.LogCapture;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.tls.CertificatePins;

/**
 * Partner certificates against a real James 3.8.1: partners prove who they are with their
 * TLS client certificate on a port that asks for (does not require) one.
 */
class PartnerCertificateTest {
    static final TestPki PKI = new TestPki();
    static final String VERIFIED = "memory://var/mail/verified/";
    static final String VIOLATIONS = "memory://var/mail/violations/";
    static final String OTHER = "memory://var/mail/other/";

    static final String POLICY = PolicyXml.opportunistic()
        .connector(connector("partner-example").inbound(inbound(true).failure(PERMANENT).senderDomain("partner.example")
            .clientCertificate(clientCertificate(OFF).name("partner.example"))))
        .connector(connector("pinned-example").inbound(inbound(true).failure(PERMANENT).senderDomain("pinned.example")
            .clientCertificate(clientCertificate(OFF).name("partner.example").pin(CertificatePins.spkiSha256(PKI.partner.certificate())))))
        .connector(connector("issuer-example").inbound(inbound(true).failure(PERMANENT).senderDomain("issuer.example")
            .clientCertificate(clientCertificate(OFF).name("partner.example").issuer("CN=Unrelated Issuing CA,O=elsewhere"))))
        .connector(connector("staged-certificates").testing().inbound(inbound(true).senderDomain("staged.example")
            .clientCertificate(clientCertificate(OFF).name("staged.example"))))
        .connector(connector("lenient-example").inbound(inbound(true).failure(TEMPORARY).senderDomain("lenient.example")
            .clientCertificate(clientCertificate(OFF).name("partner.example"))))
        .connector(connector("onprem-example").inbound(inbound(true).allowRelay().senderDomain("onprem.example")
            .clientCertificate(clientCertificate(OFF).name("onprem.example"))))
        .xml();

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .pki(PKI)
        .listener(Listener.startTls("mx").wantingClientCertificate())
        .jamesTlsHooks()
        .confFile("tls-policy.xml", POLICY)
        .rootProcessor("""
                  <mailet match="All" class="dev.jamestls.james.mailets.AddTlsHeader"/>
                  <mailet match="dev.jamestls.james.matchers.InboundTlsPolicy=violation" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
                  <mailet match="dev.jamestls.james.matchers.FromVerifiedPartner=partner-example" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
            """.formatted(VIOLATIONS, VERIFIED, OTHER))
        .build();

    @Test
    void partnerWithItsCertificateIsAcceptedAndRecordedAsVerifiedPartner() throws Exception {
        long before = james.size(VERIFIED);
        try (SmtpTestClient client = starttls(PKI.partner)) {
            assertThat(client.send("billing@partner.example", "bob@james.local", "verified")).isEqualTo(250);
        }
        StoredMail mail = StoredMail.withSubject(james.awaitMails(VERIFIED, (int) before + 1), "verified");
        assertThat(mail.attribute("dev.jamestls.inbound.verifiedPartner")).contains("partner-example");
        assertThat(mail.attribute("dev.jamestls.inbound.verdict")).contains("compliant");
        assertThat(mail.attribute("dev.jamestls.tls.client.subject")).contains("CN=partner.example,O=partner.example");
        // The listener only asked for the certificate; the connector verified it.
        assertThat(mail.attribute("dev.jamestls.tls.client.verification")).contains("unverified");
        assertThat(mail.attribute("dev.jamestls.inbound.certificateCheck")).contains("verified");
        assertThat(mail.header("X-James-TLS").orElseThrow())
            .endsWith("client-certificate=present; listener-verification=none; rule=partner-example; rule-verification=verified");
    }

    @Test
    void ordinarySendersWithoutCertificateStillGetIn() throws Exception {
        try (SmtpTestClient client = starttls(null)) {
            assertThat(client.send("alice@elsewhere.example", "bob@james.local", "ordinary")).isEqualTo(250);
        }
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            assertThat(client.send("alice@elsewhere.example", "bob@james.local", "ordinary-clear")).isEqualTo(250);
        }
    }

    @Test
    void partnerWithoutCertificateIsToldToPresentOne() throws Exception {
        try (SmtpTestClient client = starttls(null)) {
            assertThat(client.mailFrom("billing@partner.example")).isEqualTo(530);
            assertThat(client.lastReply())
                .startsWith("530 5.7.0 Client certificate required: connector partner-example requires one for partner.example (session ");
        }
    }

    static List<Arguments> wrongCertificates() {
        IssuedCertificate leafOnly = new IssuedCertificate(PKI.partner.certificate(), PKI.partner.keyPair(), List.of());
        // An unknown critical extension (RFC 5280 §4.2: must be rejected) holding garbage bytes.
        IssuedCertificate garbageExtension = PKI.intermediate.leaf("CN=partner.example").dnsNames("partner.example")
            .extendedKeyUsages(dev.jamestls.pki.ExtendedKeyUsage.CLIENT_AUTH)
            .criticalRawExtension("1.3.6.1.4.1.55555.1", new byte[] {0x04, 0x03, (byte) 0xde, (byte) 0xad, 0x00})
            .issue();
        return List.of(
            Arguments.of("expired", PKI.partnerExpired, "partner.example", "certificate expired", "expired"),
            Arguments.of("not yet valid", PKI.partnerNotYetValid, "partner.example", "certificate not yet valid", "not yet valid"),
            Arguments.of("wrong EKU (serverAuth only)", PKI.partnerServerAuthOnly, "partner.example",
                "certificate not issued for this purpose", "usage"),
            Arguments.of("wrong name (onprem's certificate)", PKI.onprem, "partner.example", "certificate name mismatch", "CN=onprem.example"),
            Arguments.of("right name, other CA", PKI.partnerFromOtherCa, "partner.example", "certificate chain incomplete",
                "CN=Unrelated Root CA"),
            Arguments.of("self-signed with the right name", PKI.partnerSelfSigned, "partner.example", "certificate not trusted",
                "CN=partner.example"),
            Arguments.of("intermediate missing", leafOnly, "partner.example", "certificate chain incomplete", "CN=james-tls Test Issuing CA"),
            Arguments.of("garbage critical extension", garbageExtension, "partner.example", "certificate malformed", "1.3.6.1.4.1.55555.1"),
            Arguments.of("pin mismatch (same name and CA, other key)", PKI.partnerRenewed, "pinned.example", "certificate pin mismatch",
                CertificatePins.spkiSha256(PKI.partnerRenewed.certificate())),
            Arguments.of("right name, wrong issuer", PKI.partner, "issuer.example", "certificate issuer mismatch",
                "CN=Unrelated Issuing CA,O=elsewhere"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongCertificates")
    void certificateThatIsNotThePartnersIsRefusedWithItsKindInTheReplyAndBothSidesInTheLog(
        String reason, IssuedCertificate certificate, String domain, String kind, String mentioned) throws Exception {
        try (LogCapture log = LogCapture.start(); SmtpTestClient client = starttls(certificate)) {
            assertThat(client.mailFrom("billing@" + domain)).as(reason + ": " + client.lastReply()).isEqualTo(550);
            String connector = domain.replace('.', '-');
            assertThat(client.lastReply())
                .startsWith("550 5.7.1 Client certificate not accepted for " + domain + " by connector " + connector + ": "
                    + kind + "; expected partner.example (session ")
                .doesNotContain("PRIVATE KEY");
            String session = client.lastReply().replaceFirst(".* \\(session (\\S+)\\)$", "$1");
            assertThat(log.lines()).as(reason).anySatisfy(line -> assertThat(line).contains("session=" + session)
                .contains("presented: ").contains("expected: ").contains(mentioned).doesNotContain("PRIVATE KEY"));
        }
    }

    @Test
    void connectorWithTemporaryFailureAsksThePartnerToRetry() throws Exception {
        try (SmtpTestClient client = starttls(null)) {
            assertThat(client.mailFrom("billing@lenient.example")).isEqualTo(451);
            assertThat(client.lastReply())
                .startsWith("451 4.7.0 Client certificate required: connector lenient-example requires one for lenient.example (session ");
        }
        try (SmtpTestClient client = starttls(PKI.partnerExpired)) {
            assertThat(client.mailFrom("billing@lenient.example")).isEqualTo(450);
            assertThat(client.lastReply()).startsWith(
                "450 4.7.1 Client certificate not accepted for lenient.example by connector lenient-example: certificate expired");
        }
        try (SmtpTestClient client = starttls(PKI.partner)) {
            assertThat(client.mailFrom("billing@lenient.example")).as(client.lastReply()).isEqualTo(250);
        }
    }

    @Test
    void certificateWithThePinnedKeyIsAccepted() throws Exception {
        try (SmtpTestClient client = starttls(PKI.partner)) {
            assertThat(client.mailFrom("ops@pinned.example")).as(client.lastReply()).isEqualTo(250);
        }
    }

    @Test
    void repliesAreSevenBitAscii() throws Exception {
        try (SmtpTestClient client = starttls(PKI.partnerServerAuthOnly)) {
            assertThat(client.mailFrom("billing@partner.example")).isEqualTo(550);
            assertThat(client.lastReply()).matches("[ -~]+").contains("certificate not issued for this purpose");
        }
    }

    @Test
    void testingModeRecordsTheCertificateViolationAndAcceptsTheMail() throws Exception {
        long before = james.size(VIOLATIONS);
        try (SmtpTestClient client = starttls(PKI.partner)) {
            assertThat(client.send("news@staged.example", "bob@james.local", "staged-cert")).isEqualTo(250);
        }
        StoredMail mail = StoredMail.withSubject(james.awaitMails(VIOLATIONS, (int) before + 1), "staged-cert");
        assertThat(mail.attribute("dev.jamestls.inbound.reasonKind")).contains("certificate-rejected");
        assertThat(mail.attribute("dev.jamestls.inbound.mode")).contains("testing");
    }

    @Test
    void onPremisesServerWithItsCertificateMayRelayAndWithoutItMayNot() throws Exception {
        long before = james.size(OTHER);
        try (SmtpTestClient client = starttls(PKI.onprem)) {
            assertThat(client.mailFrom("user@onprem.example")).isEqualTo(250);
            assertThat(client.rcptTo("someone@faraway.example")).as(client.lastReply()).isEqualTo(250);
        }
        try (SmtpTestClient client = starttls(PKI.onprem)) {
            assertThat(client.mailFrom("")).isEqualTo(250);
            assertThat(client.rcptTo("someone@faraway.example")).as("null sender bounce relayed: " + client.lastReply()).isEqualTo(250);
        }
        try (SmtpTestClient client = starttls(null)) {
            assertThat(client.mailFrom("user@elsewhere.example")).isEqualTo(250);
            assertThat(client.rcptTo("someone@faraway.example")).isEqualTo(550);
            assertThat(client.lastReply()).contains("5.7.1");
        }
        try (SmtpTestClient client = starttls(PKI.partner)) {
            assertThat(client.mailFrom("billing@partner.example")).isEqualTo(250);
            assertThat(client.rcptTo("someone@faraway.example")).as("partner-example has no allowRelay").isEqualTo(550);
        }
        assertThat(james.size(OTHER)).isEqualTo(before);
    }

    private static SmtpTestClient starttls(IssuedCertificate certificate) throws Exception {
        return SmtpTestClient.startTls(james.port("mx"), PKI, Optional.ofNullable(certificate));
    }

}
