package dev.jamestls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.SslContexts;
import dev.jamestls.tls.CertificatePins;
import dev.jamestls.tls.PemFiles;

/** explain, check and facts --james-conf on per-rule trust anchors and our outbound client identities. */
class OutboundIdentityCliTest {
    static final Instant NOW = Instant.now();
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final CertificateAuthority CA = CertificateAuthority.root("CN=Our CA,O=example", NOW);

    static final String POLICY = """
        <tlsPolicy>
          <connector name="partner" mode="enforce">
            <outbound level="verify"><recipientDomain>partner.example</recipientDomain>
              <trustAnchors>partner-ca.pem</trustAnchors>
              <clientIdentity privateKey="partner-client.key" certificates="partner-client.pem"/>
            </outbound>
          </connector>
        </tlsPolicy>
        """;

    static final String MAILETCONTAINER = """
        <?xml version="1.0"?>
        <mailetcontainer enableJmx="false">
          <context><postmaster>postmaster@james.local</postmaster></context>
          <processors>
            <processor state="root" enableJmx="false">
              <mailet match="All" class="dev.jamestls.james.mailets.TlsRemoteDelivery">
                <heloName>mx.example.com</heloName>
                <clientCertificates>file://conf/client.pem</clientCertificates>
                <clientPrivateKey>file://conf/client.key</clientPrivateKey>
              </mailet>
            </processor>
          </processors>
        </mailetcontainer>
        """;

    @TempDir
    Path jamesRoot;
    Path conf;
    IssuedCertificate ours;
    IssuedCertificate perRule;

    @BeforeEach
    void writeConf() throws IOException {
        conf = Files.createDirectories(jamesRoot.resolve("conf"));
        Files.writeString(conf.resolve("tls-policy.xml"), POLICY);
        Files.writeString(conf.resolve("smtpserver.xml"), JamesTlsCliTest.SMTPSERVER);
        Files.writeString(conf.resolve("mailetcontainer.xml"), MAILETCONTAINER);
        Files.writeString(conf.resolve("jvm.properties"), "jdk.tls.rejectClientInitiatedRenegotiation=true\n");
        IssuedCertificate server = CA.leaf("CN=mx.james.local").dnsNames("mx.james.local")
            .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(365))).issue();
        PemFiles.write(SslContexts.keyStore(server, "james", "changeit".toCharArray()), conf.resolve("keystore"), "changeit".toCharArray());
        PemFiles.writeCertificates(conf.resolve("partner-ca.pem"), List.of(CertificateAuthority.root("CN=Partner CA", NOW).certificate().certificate()));
        ours = identity("CN=mx.james.local,O=example", 365, ExtendedKeyUsage.CLIENT_AUTH, "client");
        perRule = identity("CN=partner-link.james.local,O=example", 365, ExtendedKeyUsage.CLIENT_AUTH, "partner-client");
    }

    IssuedCertificate identity(String subject, int days, ExtendedKeyUsage usage, String name) throws IOException {
        IssuedCertificate certificate = CA.leaf(subject).validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(days)))
            .extendedKeyUsages(usage).issue();
        PemFiles.writeCertificates(conf.resolve(name + ".pem"), certificate.presentedChain());
        PemFiles.writePrivateKey(conf.resolve(name + ".key"), certificate.keyPair().getPrivate());
        return certificate;
    }

    @Test
    void explainShowsTheRuleOwnAnchorsAndClientCertificate() {
        Cli.Run run = Cli.run(CLOCK, "explain", conf.toString(), "--recipient", "bob@partner.example");

        assertThat(run.out()).contains("\nanchors:  partner-ca.pem (1 anchor, sha256 ")
            .contains(", instead of TlsRemoteDelivery's trustAnchors\n")
            .contains("\npresents: partner-client.pem + partner-client.key: subject 'CN=partner-link.james.local,O=example', issuer 'CN=Our CA,O=example', "
                + "SPKI pin '" + CertificatePins.spkiSha256(perRule.certificate()) + "'");
        assertThat(run.code()).isZero();
    }

    @Test
    void checkPassesGoodIdentitiesAndFindsWhatPartnersWouldRefuse() throws IOException {
        assertThat(Cli.run(CLOCK, "check", conf.toString()).out()).endsWith(conf + ": 0 errors, 0 warnings\n");

        identity("CN=mx.james.local,O=example", 10, ExtendedKeyUsage.CLIENT_AUTH, "client");
        identity("CN=partner-link.james.local,O=example", 365, ExtendedKeyUsage.SERVER_AUTH, "partner-client");
        Cli.Run run = Cli.run(CLOCK, "check", conf.toString());

        assertThat(run.out()).contains("error   <clientCertificates>file://conf/client.pem</clientCertificates>: outbound client certificate "
                + "'CN=mx.james.local,O=example' expires on")
            .contains("within 30 days")
            .contains("error   connector 'partner' <clientIdentity>: outbound client certificate 'CN=partner-link.james.local,O=example' "
                + "has extended key usages [1.3.6.1.5.5.7.3.1] without clientAuth (1.3.6.1.5.5.7.3.2)")
            .endsWith(conf + ": 2 errors, 0 warnings\n");
        assertThat(run.code()).isEqualTo(1);
    }

    @Test
    void checkFindsAKeyThatIsNotTheCertificates() throws IOException {
        IssuedCertificate other = CA.leaf("CN=other").issue();
        PemFiles.writePrivateKey(conf.resolve("client.key"), other.keyPair().getPrivate());

        Cli.Run run = Cli.run(CLOCK, "check", conf.toString());

        assertThat(run.out()).contains("<clientCertificates>file://conf/client.pem</clientCertificates>: outbound client identity does not load: "
            + "client.pem + client.key: the private key does not belong to the certificate 'CN=mx.james.local,O=example'");
        assertThat(run.code()).isEqualTo(1);
    }

    @Test
    void factsFromJamesConfShowsTheClientCertificatesPartnersSee() {
        Cli.Run run = Cli.run(CLOCK, "facts", "--james-conf", conf.toString(), "--json");

        assertThat(run.out()).contains("\"purpose\": \"server\"").contains("\"purpose\": \"client\"")
            .contains("CN=mx.james.local,O=example").contains(CertificatePins.spkiSha256(ours.certificate()))
            .contains(CertificatePins.spkiSha256(perRule.certificate()));
        Cli.Run text = Cli.run(CLOCK, "facts", "--james-conf", conf.toString());
        assertThat(text.out()).contains("Client certificate chain (outbound: presented when a destination asks for one)");
        assertThat(text.code()).isZero();
    }
}
