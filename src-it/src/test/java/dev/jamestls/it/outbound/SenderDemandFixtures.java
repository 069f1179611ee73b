package dev.jamestls.it.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.pki.IssuedCertificate;

/** What the tests of the sender's TLS demand (RFC 8689) on outbound delivery share. */
final class SenderDemandFixtures {
    /**
     * {@code may} by default; {@code verify} for {@code *.verify.example}, {@code encrypt} for {@code *.encrypt.example},
     * and {@code encrypt} lowered by {@code TLS-Required: No} for {@code *.lenient.example} ({@code honourTlsRequiredNo}).
     */
    static final String POLICY = """
        <tlsPolicy>
          <defaults><outbound level="may"/></defaults>
          <connector name="verify-partner" mode="enforce">
            <outbound level="verify"><recipientDomain>*.verify.example</recipientDomain></outbound>
          </connector>
          <connector name="encrypt-partner" mode="enforce">
            <outbound level="encrypt"><recipientDomain>*.encrypt.example</recipientDomain></outbound>
          </connector>
          <connector name="lenient-partner" mode="enforce">
            <outbound level="encrypt" honourTlsRequiredNo="true"><recipientDomain>*.lenient.example</recipientDomain></outbound>
          </connector>
        </tlsPolicy>
        """;

    /**
     * Root-processor mailets that set the demand with James's own {@code SetMailAttribute}: {@code requiretls} on a mail
     * whose subject starts {@code requiretls}, {@code tls-required-no} on one whose subject starts {@code tlsoptional}.
     */
    static final String DEMAND_BY_SUBJECT = """
              <mailet match="SubjectStartsWith=requiretls" class="SetMailAttribute">
                <dev.jamestls.tlsRequired>requiretls</dev.jamestls.tlsRequired>
              </mailet>
              <mailet match="SubjectStartsWith=tlsoptional" class="SetMailAttribute">
                <dev.jamestls.tlsRequired>tls-required-no</dev.jamestls.tlsRequired>
              </mailet>
        """;

    private SenderDemandFixtures() {
    }

    /** A test's loopback destinations by name, each recording every byte it receives before TLS. */
    static final class Destinations {
        private final LoopbackEndpoints endpoints;
        private final Map<String, TestSmtpServer> servers = new LinkedHashMap<>();

        Destinations(LoopbackEndpoints endpoints) {
            this.endpoints = endpoints;
        }

        /** Starts destination {@code name} as {@code host}, presenting {@code certificate}, reached through the endpoints. */
        TestSmtpServer start(String name, String host, IssuedCertificate certificate, UnaryOperator<TestSmtpServer.Builder> behaviour)
            throws Exception {
            TestSmtpServer server = behaviour.apply(TestSmtpServer.builder(host).certificate(certificate)).start();
            servers.put(name, server);
            endpoints.map(host, server.port());
            return server;
        }

        /**
         * Starts destination {@code name} as {@code mx.<name>.dest.example} with a certificate of James's test PKI for
         * that name, found on loopback through James's DNS service.
         */
        TestSmtpServer start(InProcessJames james, String name, UnaryOperator<TestSmtpServer.Builder> behaviour) throws Exception {
            String host = "mx." + name + ".dest.example";
            TestSmtpServer server = start(name, host, OutboundProbe.serverCertificate(james.pki(), host).issue(), behaviour);
            james.dns().loopbackHost(host);
            return server;
        }

        TestSmtpServer get(String name) {
            return servers.get(name);
        }

        /** Destination {@code name} saw no mail transaction for {@code subject}: no MAIL in clear text, nothing over TLS. */
        void assertNothingSent(String name, String subject) throws InterruptedException {
            Thread.sleep(200);
            TestSmtpServer destination = servers.get(name);
            assertThat(OutboundProbe.receivedWith(destination, subject)).isEmpty();
            assertThat(destination.clearText()).doesNotContainIgnoringCase("MAIL FROM").doesNotContain(subject);
        }

        void closeAll() throws Exception {
            for (TestSmtpServer server : servers.values()) {
                server.close();
            }
        }
    }
}
