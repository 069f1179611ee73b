package dev.jamestls.it.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.policy.OutboundLevel;

/**
 * Without {@code heloName}, TlsRemoteDelivery takes this host's name from James's DNS service; a host whose name is
 * {@code localhost} (the test DNS names loopback so) stops James at startup instead of greeting with EHLO localhost.
 */
class HeloNameParameterTest {

    @Test
    void jamesRefusesToStartWhenNoHeloNameIsSetAndTheHostIsCalledLocalhost() {
        InProcessJames james = InProcessJames.builder()
            .listener(Listener.plain("submission"))
            .confFile("tls-policy.xml", PolicyXml.policy().defaults(PolicyXml.outbound(OutboundLevel.MAY)).xml())
            .rootProcessor(TlsRemoteDeliveryXml.mailet().xml())
            .build();
        try {
            Throwable failure = catchThrowable(james::start);

            assertThat(failure).isNotNull();
            assertThat(ConnectionReuseParametersTest.messages(failure)).contains("mailet TlsRemoteDelivery: heloName is not set and this "
                + "host's name 'localhost' is not a fully-qualified domain name; accepted: heloName set to the fully-qualified domain name "
                + "this server's outbound address has in DNS, e.g. mx.example.com (RFC 5321 §4.1.1.1)");
        } finally {
            james.stop();
        }
    }
}
