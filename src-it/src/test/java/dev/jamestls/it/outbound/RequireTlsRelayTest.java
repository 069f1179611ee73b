package dev.jamestls.it.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.outbound.DeliveryEndpoints;

/**
 * REQUIRETLS end to end through a real James 3.8.1 (RFC 8689): a client hands James a mail with {@code REQUIRETLS} on
 * MAIL FROM over STARTTLS, {@code RequireTlsHook} records the demand, and TlsRemoteDelivery relays it with REQUIRETLS
 * to a verified destination that lists it after STARTTLS, or refuses it with 5.7.30 where the destination does not; a
 * {@code TLS-Required: No} header read by the hook lets a mail past the TLS failure of a connector that opts in, but
 * never a mail that also carries REQUIRETLS.
 */
class RequireTlsRelayTest {
    static final String QUEUE = "outgoing-requiretls-relay";
    static final String LOCAL = "memory://var/mail/local/";
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .listener(Listener.startTls("mx"))
        .handler("<handler class=\"dev.jamestls.james.smtp.RequireTlsHook\"/>")
        .authorizedAddresses("127.0.0.1")
        .confFile("tls-policy.xml", SenderDemandFixtures.POLICY)
        .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(ENDPOINTS))
        .rootProcessor("""
                  <mailet match="HostIsLocal" class="ToRepository"><repositoryPath>%s</repositoryPath></mailet>
            %s""".formatted(LOCAL, TlsRemoteDeliveryXml.toLoopback(QUEUE).xml()))
        .build();

    static final SenderDemandFixtures.Destinations SERVERS = new SenderDemandFixtures.Destinations(ENDPOINTS);

    @BeforeAll
    static void startDestinations() throws Exception {
        SERVERS.start(james, "capable", TestSmtpServer.Builder::requireTls);
        SERVERS.start(james, "incapable", builder -> builder);
        SERVERS.start(james, "stripped", TestSmtpServer.Builder::withoutStartTls);
        james.dns().mx("capable.verify.example", "mx.capable.dest.example");
        james.dns().mx("incapable.verify.example", "mx.incapable.dest.example");
        james.dns().mx("stripped.lenient.example", "mx.stripped.dest.example");
    }

    @AfterAll
    static void stopDestinations() throws Exception {
        SERVERS.closeAll();
    }

    @Test
    void requireTlsReceivedOverStartTlsIsRelayedWithRequireTls() throws Exception {
        submit("<sender@james.local> REQUIRETLS", "rcpt@capable.verify.example", "", "relayed-requiretls");

        TestSmtpServer.Received received = OutboundProbe.awaitReceivedWith(SERVERS.get("capable"), "relayed-requiretls");
        assertThat(received.overTls()).isTrue();
        assertThat(received.mailFrom()).isEqualTo("<sender@james.local> REQUIRETLS");
    }

    @Test
    void requireTlsReceivedIsNotRelayedToAHostThatDoesNotListIt() throws Exception {
        submit("<sender@james.local> REQUIRETLS", "rcpt@incapable.verify.example", "", "refused-requiretls");

        StoredMail dsn = OutboundProbe.awaitDsnFor(james, LOCAL, "rcpt@incapable.verify.example");
        assertThat(dsn.content()).contains("Status: 5.7.30").doesNotContain("Hello from the james-tls tests");
        SERVERS.assertNothingSent("incapable", "refused-requiretls");
    }

    @Test
    void requireTlsWithATlsRequiredNoHeaderStaysRequireTls() throws Exception {
        submit("<sender@james.local> REQUIRETLS", "both@stripped.lenient.example", "TLS-Required: No\n", "relayed-both");

        assertThat(OutboundProbe.awaitDsnFor(james, LOCAL, "both@stripped.lenient.example").content()).contains("Status: 5.7.30");
        // The same destination takes the TLS-Required: No mail of the next row in clear text: this mail left nothing there.
        assertThat(OutboundProbe.receivedWith(SERVERS.get("stripped"), "relayed-both")).isEmpty();
        assertThat(SERVERS.get("stripped").clearText()).doesNotContain("both@stripped.lenient.example").doesNotContain("relayed-both");
    }

    @Test
    void tlsRequiredNoReceivedLetsAnOptedInConnectorDeliverInClear() throws Exception {
        submit("<sender@james.local>", "rcpt@stripped.lenient.example", "TLS-Required: No\n", "relayed-tls-optional");

        TestSmtpServer.Received received = OutboundProbe.awaitReceivedWith(SERVERS.get("stripped"), "relayed-tls-optional");
        assertThat(received.overTls()).isFalse();
        assertThat(received.mailFrom()).isEqualTo("<sender@james.local>");
    }

    /** One transaction over STARTTLS, MAIL FROM written as given (commons-net would not add a parameter). */
    private static void submit(String mailFrom, String recipient, String extraHeaders, String subject) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), james.pki(), Optional.empty())) {
            assertThat(client.pipeline("MAIL FROM:" + mailFrom + "\n", 1).get(0)).startsWith("250");
            assertThat(client.rcptTo(recipient)).as(client.lastReply()).isEqualTo(250);
            assertThat(client.data(extraHeaders + SmtpTestClient.message("sender@james.local", recipient, subject)))
                .as(client.lastReply()).isEqualTo(250);
        }
    }
}
