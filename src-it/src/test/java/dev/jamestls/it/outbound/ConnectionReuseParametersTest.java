package dev.jamestls.it.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.policy.OutboundLevel;

/** Bad connection reuse parameters stop a real James at startup, naming parameter, value and accepted forms. */
class ConnectionReuseParametersTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "negative pool size | <connectionPoolSize>-1</connectionPoolSize> "
            + "| mailet TlsRemoteDelivery: invalid connectionPoolSize '-1': must be 0 or more; accepted: a whole number, 0 or more",
        "pool size not a number | <connectionPoolSize>many</connectionPoolSize> "
            + "| mailet TlsRemoteDelivery: invalid connectionPoolSize 'many': not a whole number; accepted: a whole number, 0 or more",
        "no connection per destination | <connectionsPerDestination>0</connectionsPerDestination> "
            + "| mailet TlsRemoteDelivery: invalid connectionsPerDestination '0': must be 1 or more; accepted: a whole number, 1 or more",
        "unknown unit | <connectionIdleTimeout>30 fortnights</connectionIdleTimeout> "
            + "| mailet TlsRemoteDelivery: invalid connectionIdleTimeout '30 fortnights': '30 fortnights': unknown unit 'fortnights'; "
            + "accepted: amount [unit], unit one of ms, s, seconds, m, minutes, h, hours (default ms); e.g. '30 seconds'",
        "zero idle timeout | <connectionIdleTimeout>0</connectionIdleTimeout> "
            + "| mailet TlsRemoteDelivery: invalid connectionIdleTimeout '0': '0' must be more than 0; accepted: amount [unit], unit one of ms, "
            + "s, seconds, m, minutes, h, hours (default ms); e.g. '30 seconds'",
        "negative mail limit | <connectionReuseMaxMessages>-2</connectionReuseMaxMessages> "
            + "| mailet TlsRemoteDelivery: invalid connectionReuseMaxMessages '-2': must be 0 or more; accepted: a whole number, 0 or more",
        "unknown age unit | <connectionReuseMaxAge>5 weeks</connectionReuseMaxAge> "
            + "| mailet TlsRemoteDelivery: invalid connectionReuseMaxAge '5 weeks': '5 weeks': unknown unit 'weeks'; "
            + "accepted: amount [unit], unit one of ms, s, seconds, m, minutes, h, hours (default ms); e.g. '30 seconds'",
        "misspelt parameter | <connectionPool>4</connectionPool> "
            + "| mailet TlsRemoteDelivery: unknown parameter connectionPool; accepted: bounceProcessor, clientCertificates, "
            + "clientKeystore, clientKeystoreType, clientPrivateKey, clientSecret, connectionIdleTimeout, "
            + "connectionPoolSize, connectionReuseMaxAge, connectionReuseMaxMessages, connectionTimeout, connectionsPerDestination, delayTime, deliveryThreads, dnsTimeout, "
            + "dnssecResolver, dnssecTrustAnchor, heloName, maxRetries, mtaStsCache, outgoingQueue, policyFile, timeout, "
            + "tlsReportContact, tlsReportCounters, tlsReportOrganization, tlsReportPrivateDestinations, tlsReportSender, "
            + "tlsReportStore, tlsReports, trustAnchors",
    })
    void jamesRefusesToStartWithBadReuseParameters(String reason, String parameter, String message) {
        InProcessJames james = InProcessJames.builder()
            .listener(Listener.plain("submission"))
            .confFile("tls-policy.xml", PolicyXml.policy().defaults(PolicyXml.outbound(OutboundLevel.MAY)).xml())
            .rootProcessor("""
                <mailet match="All" class="dev.jamestls.james.mailets.TlsRemoteDelivery">%s</mailet>
                """.formatted(parameter))
            .build();
        try {
            Throwable failure = catchThrowable(james::start);

            assertThat(failure).as(reason).isNotNull();
            assertThat(messages(failure)).as(reason).contains(message);
        } finally {
            james.stop();
        }
    }

    /** The messages of a startup failure and its causes, outermost first. */
    static List<String> messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.add(String.valueOf(cause.getMessage()));
        }
        return messages;
    }
}
