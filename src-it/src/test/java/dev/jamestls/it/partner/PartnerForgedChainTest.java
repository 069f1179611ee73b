package dev.jamestls.it.partner;

import static dev.jamestls.it.harness.PolicyXml.clientCertificate;
import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.inbound;
import static dev.jamestls.policy.Failure.PERMANENT;
import static dev.jamestls.revocation.RevocationChecking.OFF;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.it.harness.AnchorFiles;
import dev.jamestls.it.harness.ConstrainedCas;
import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.tls.CertificatePins;

/**
 * Forged client chains presented over real TLS handshakes to a real James 3.8.1, one row per forgery.
 * Each must be refused in the SMTP dialogue with 550 5.7.1 and must grant no relay: a pin counts only on a
 * certificate of the validated path, and every name constraint on the path (the anchor's included) holds
 * against the name the rule matched, also when the certificate presents it as a wildcard.
 */
class PartnerForgedChainTest {
    static final TestPki PKI = new TestPki();
    /** The attacker's own certificate: valid, from the partner's CA, with the partner's name, but its own key. */
    static final IssuedCertificate ATTACKER = PKI.intermediate.leaf("CN=partner.example,O=attacker")
        .dnsNames("partner.example").extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();
    static final ConstrainedCas.Pair CONSTRAINED = ConstrainedCas.Pair.under(PKI);
    static final CertificateAuthority EXCLUDING = CONSTRAINED.excludingBar();
    static final CertificateAuthority PERMITTING_ROOT = CONSTRAINED.permittingPartnerOnly();

    static final String POLICY = PolicyXml.opportunistic()
        .connector(connector("pinned").inbound(inbound(true).allowRelay().failure(PERMANENT).senderDomain("pinned.example")
            .clientCertificate(clientCertificate(OFF).name("partner.example").pin(CertificatePins.spkiSha256(PKI.partner.certificate())))))
        .connector(connector("bar").inbound(inbound(true).allowRelay().failure(PERMANENT).senderDomain("bar.example.com")
            .clientCertificate(clientCertificate(OFF).name("bar.example.com"))))
        .connector(connector("anchored").inbound(inbound(true).allowRelay().failure(PERMANENT).senderDomain("anchored.example")
            .clientCertificate(clientCertificate(OFF).name("bar.example.com").trustAnchors("partner-only-root.pem"))))
        .xml();

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .pki(PKI)
        .listener(Listener.startTls("mx").wantingClientCertificate())
        .jamesTlsHooks()
        .confFile("tls-policy.xml", POLICY)
        .confFile("partner-only-root.pem", AnchorFiles.pem(List.of(PERMITTING_ROOT)))
        .rootProcessor("""
                  <mailet match="All" class="ToRepository"><repositoryPath>memory://var/mail/all/</repositoryPath></mailet>
            """)
        .build();

    /** What the client presents: exactly {@code chain}, signed for with {@code key} (the leaf's). */
    record Presented(List<java.security.cert.X509Certificate> chain, java.security.PrivateKey key) {
        static Presented as(IssuedCertificate certificate) {
            return new Presented(certificate.presentedChain(), certificate.keyPair().getPrivate());
        }

        @Override
        public String toString() {
            return chain.stream().map(c -> c.getSubjectX500Principal().getName()).toList().toString();
        }
    }

    static IssuedCertificate wildcardClient(CertificateAuthority issuer) {
        return issuer.leaf("CN=*.example.com,O=attacker").dnsNames("*.example.com")
            .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();
    }

    static List<Arguments> forgedChains() {
        java.security.cert.X509Certificate partner = PKI.partner.certificate();
        java.security.cert.X509Certificate intermediate = PKI.intermediate.certificate().certificate();
        IssuedCertificate barFromPermittingRoot = PERMITTING_ROOT.leaf("CN=bar.example.com,O=attacker").dnsNames("bar.example.com")
            .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();
        return List.of(
            Arguments.of("pin: own valid certificate, then the pinned partner's public certificate", "pinned.example",
                new Presented(List.of(ATTACKER.certificate(), partner, intermediate), ATTACKER.keyPair().getPrivate())),
            Arguments.of("pin: own valid certificate and its intermediate, the pinned partner's certificate last", "pinned.example",
                new Presented(List.of(ATTACKER.certificate(), intermediate, partner), ATTACKER.keyPair().getPrivate())),
            Arguments.of("name constraints: *.example.com under an intermediate excluding bar.example.com, rule expects bar.example.com",
                "bar.example.com", Presented.as(wildcardClient(EXCLUDING))),
            Arguments.of("name constraints: bar.example.com under a configured anchor permitting only partner.example",
                "anchored.example", Presented.as(barFromPermittingRoot)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgedChains")
    void forgedChainIsRefusedAndGrantsNoRelay(String forgery, String senderDomain, Presented presented) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.startTlsPresenting(james.port("mx"), PKI, presented.chain(), presented.key())) {
            assertThat(client.mailFrom("ops@" + senderDomain)).as(forgery + ": " + client.lastReply()).isEqualTo(550);
            assertThat(client.lastReply()).startsWith("550 5.7.1 Client certificate not accepted for " + senderDomain);
            client.rset();
            assertThat(client.mailFrom("user@elsewhere.example")).isEqualTo(250);
            assertThat(client.rcptTo("someone@faraway.example")).as(forgery + ": relay granted? " + client.lastReply()).isEqualTo(550);
        }
    }

    /** The same connectors accept the genuine article: the refusals above are about the forgery, not the setup. */
    static List<Arguments> genuineChains() {
        return List.of(
            Arguments.of("pinned partner's own certificate", "pinned.example", PKI.partner),
            Arguments.of("bar.example.com from an unconstrained CA", "bar.example.com", PKI.intermediate.leaf("CN=bar.example.com")
                .dnsNames("bar.example.com").extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("genuineChains")
    void genuineChainIsAcceptedAndGrantsRelay(String reason, String senderDomain, IssuedCertificate presented) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), PKI, Optional.of(presented))) {
            assertThat(client.mailFrom("ops@" + senderDomain)).as(reason + ": " + client.lastReply()).isEqualTo(250);
            assertThat(client.rcptTo("someone@faraway.example")).as(reason + ": relay " + client.lastReply()).isEqualTo(250);
        }
    }
}
