package dev.jamestls.it.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.tls.PemFiles;

/** A client identity that cannot be presented stops a real James at startup, naming the parameter and the problem. */
class ClientIdentityParametersTest {
    static final TestPki PKI = new TestPki();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "key of another certificate | <clientCertificates>file://conf/client.pem</clientCertificates><clientPrivateKey>file://conf/other.key</clientPrivateKey> "
            + "| mailet TlsRemoteDelivery: invalid clientCertificates 'file://conf/client.pem'; accepted: a client identity that loads "
            + "(client.pem + other.key: the private key does not belong to the certificate 'CN=onprem.example,O=onprem.example'",
        "certificates without key | <clientCertificates>file://conf/client.pem</clientCertificates> "
            + "| mailet TlsRemoteDelivery: invalid clientPrivateKey ''; accepted: both clientCertificates with clientPrivateKey (PEM), or clientKeystore with clientSecret",
        "both forms | <clientKeystore>file://conf/client.pem</clientKeystore><clientCertificates>file://conf/client.pem</clientCertificates> "
            + "| mailet TlsRemoteDelivery: invalid clientKeystore 'file://conf/client.pem'; accepted: either clientCertificates with clientPrivateKey (PEM), "
            + "or clientKeystore with clientSecret, not both",
        "missing file | <clientCertificates>file://conf/missing.pem</clientCertificates><clientPrivateKey>file://conf/client.key</clientPrivateKey> "
            + "| mailet TlsRemoteDelivery: invalid clientCertificates 'file://conf/missing.pem'; accepted: a client identity that loads (certificate file ",
    })
    void jamesRefusesToStartWithAClientIdentityItCannotPresent(String reason, String parameters, String message) {
        InProcessJames james = InProcessJames.builder()
            .pki(PKI)
            .listener(Listener.plain("submission"))
            .confFile("tls-policy.xml", PolicyXml.policy().defaults(PolicyXml.outbound(OutboundLevel.MAY)).xml())
            .confFile("client.pem", PemFiles.certificates(PKI.onprem.presentedChain()))
            .confFile("client.key", PemFiles.privateKey(PKI.onprem.keyPair().getPrivate()))
            .confFile("other.key", PemFiles.privateKey(PKI.partner.keyPair().getPrivate()))
            .rootProcessor("""
                <mailet match="All" class="dev.jamestls.james.mailets.TlsRemoteDelivery"><heloName>james.local</heloName>%s</mailet>
                """.formatted(parameters))
            .build();
        try {
            Throwable failure = catchThrowable(james::start);

            assertThat(failure).as(reason).isNotNull();
            assertThat(ConnectionReuseParametersTest.messages(failure)).as(reason).anyMatch(m -> m.contains(message));
        } finally {
            james.stop();
        }
    }
}
