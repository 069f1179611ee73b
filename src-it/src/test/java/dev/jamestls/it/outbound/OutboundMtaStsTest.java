package dev.jamestls.it.outbound;

import static dev.jamestls.it.harness.PolicyXml.outbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import org.apache.commons.io.FileUtils;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamestls.it.harness.AnchorFiles;
import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.QueueProbe.QueuedMail;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.james.outbound.PolicyFetchRoute;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.testkit.StsPolicyServer;
import dev.jamestls.testkit.dns.LoopbackDnsServer;
import dev.jamestls.testkit.dns.SignedZones;
import dev.jamestls.tlsrpt.CounterEntry;
import dev.jamestls.tlsrpt.CounterFile;
import dev.jamestls.tlsrpt.PolicyType;

/**
 * MTA-STS through a real James 3.8.1: the defaults say {@code mtaSts="true"}; the TXT records come from a loopback
 * DNS server, the policies from loopback HTTPS servers reached under their real names ({@code mta-sts.<domain>},
 * checked against the test CA), and each destination records every byte it receives before TLS. Under
 * {@code enforce} only the MX hosts the policy lists are used, and a certificate that does not name the MX host keeps
 * the mail queued with nothing sent; under {@code testing} the same certificate is delivered to. Each attempt is
 * counted for the TLS reports under the policy, and the counts are in the counter file once James has stopped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutboundMtaStsTest {
    static final String QUEUE = "outgoing-sts";
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();
    static final TestPki PKI = new TestPki();
    static final LoopbackDnsServer DNS = OutboundProbe.dnsServer(ZonesHolder.ZONES);
    static final StsPolicyServer ENFORCE = StsPolicyServer.start(
        OutboundProbe.serverCertificate(PKI, "mta-sts.enforced.example").dnsNames("mta-sts.enforced.example", "mta-sts.badcert.example",
                "mta-sts.narrowed.example")
            .issue(),
        StsPolicyServer.Response.policy("version: STSv1\nmode: enforce\nmx: mx.enforced.example\nmx: *.badcert.example\nmax_age: 86400\n"));
    static final StsPolicyServer TESTING = StsPolicyServer.start(
        OutboundProbe.serverCertificate(PKI, "mta-sts.trial.example").issue(),
        StsPolicyServer.Response.policy("version: STSv1\nmode: testing\nmx: mx.trial.example\nmax_age: 86400\n"));

    /** Each policy host's name tunnels to its own loopback server. */
    static final class LoopbackPolicyHosts extends PolicyFetchRoute {
        @Override
        public ProxySelector route() {
            return new ProxySelector() {
                @Override
                public List<Proxy> select(URI uri) {
                    return (uri.getHost().equals("mta-sts.trial.example") ? TESTING : ENFORCE).route().select(uri);
                }

                @Override
                public void connectFailed(URI uri, SocketAddress address, IOException failure) {
                    // The test's assertions see what was not delivered.
                }
            };
        }
    }

    /** James's directory, kept on stop() so that the counter file can be read after James stopped. */
    static final Path HOME = OutboundProbe.home("james-tls-it-sts-");

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .workingDirectory(HOME)
        .pki(PKI)
        .listener(Listener.plain("submission"))
        .authorizedAddresses("127.0.0.1")
        .confFile("tls-policy.xml", PolicyXml.policy().defaults(outbound(OutboundLevel.MAY).mtaSts()).xml())
        .confFile("outbound-cas.pem", AnchorFiles.pem(List.of(PKI.root)))
        .binding(binder -> {
            binder.bind(DeliveryEndpoints.class).toInstance(ENDPOINTS);
            binder.bind(PolicyFetchRoute.class).toInstance(new LoopbackPolicyHosts());
        })
        .rootProcessor(SenderDemandFixtures.DEMAND_BY_SUBJECT + TlsRemoteDeliveryXml.toLoopback(QUEUE).trustAnchors("file://conf/outbound-cas.pem")
            .parameter("dnssecResolver", "127.0.0.1:" + DNS.address().getPort())
            .parameter("dnssecTrustAnchor", "file://conf/dnssec-root.key")
            .parameter("mtaStsCache", "file://var/mta-sts/").xml())
        .confFile("dnssec-root.key", ZonesHolder.ZONES.trustAnchor() + "\n")
        .build();

    static TestSmtpServer listed;
    static TestSmtpServer unlisted;
    static TestSmtpServer wrongName;
    static TestSmtpServer trial;
    static TestSmtpServer leftOut;
    static TestSmtpServer unfetched;

    /** TXT records only: MTA-STS does not need DNSSEC (RFC 8461 §10.1: the policy's HTTPS is what it trusts). */
    static final class ZonesHolder {
        static final SignedZones ZONES = OutboundProbe.unsignedExample(
            "_mta-sts.enforced.example. 300 IN TXT \"v=STSv1; id=20261203T1\"",
            "_mta-sts.badcert.example. 300 IN TXT \"v=STSv1; id=20261203T1\"",
            "_mta-sts.trial.example. 300 IN TXT \"v=STSv1; id=20261203T1\"",
            "_mta-sts.narrowed.example. 300 IN TXT \"v=STSv1; id=20261203T1\"",
            "_mta-sts.unfetched.example. 300 IN TXT \"v=STSv1; id=20261203T1\"");
    }

    @BeforeAll
    static void startDestinations() throws Exception {
        unlisted = destination("mx.unlisted.example", "mx.unlisted.example");
        listed = destination("mx.enforced.example", "mx.enforced.example");
        wrongName = destination("mx.badcert.example", "mail.elsewhere.example");
        trial = destination("mx.trial.example", "mail.elsewhere.example");
        leftOut = destination("mx.left-out.example", "mx.left-out.example");
        unfetched = destination("mx.unfetched.example", "mx.unfetched.example");
        // narrowed.example's only MX host is not in its policy (that of enforced.example); the policy host of
        // unfetched.example presents a certificate for other names, so its policy is never fetched (sts-webpki-invalid).
        james.dns().mx("narrowed.example", "mx.left-out.example").mx("unfetched.example", "mx.unfetched.example");
        // The first MX of enforced.example is not in its policy: enforce never connects to it.
        james.dns().mx("enforced.example", "mx.unlisted.example", "mx.enforced.example")
            .mx("badcert.example", "mx.badcert.example").mx("trial.example", "mx.trial.example");
    }

    private static TestSmtpServer destination(String host, String certifiedName) throws Exception {
        return OutboundProbe.destination(james, ENDPOINTS, PKI, host, certifiedName);
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestSmtpServer server : new TestSmtpServer[] {listed, unlisted, wrongName, trial, leftOut, unfetched}) {
            if (server != null) {
                server.close();
            }
        }
        ENFORCE.close();
        TESTING.close();
        DNS.close();
        james.stop();
        FileUtils.deleteQuietly(HOME.toFile());
    }

    @Test
    void anEnforcedPolicyUsesOnlyTheMxHostsItListsOverVerifiedTls() throws Exception {
        OutboundProbe.send(james, "rcpt@enforced.example", "sts-enforce");

        assertThat(OutboundProbe.awaitReceivedWith(listed, "sts-enforce").overTls()).isTrue();
        assertThat(unlisted.clearText()).as("an MX host the policy does not list is never connected to").isEmpty();
        assertThat(ENFORCE.requests()).extracting(StsPolicyServer.Request::host).contains("mta-sts.enforced.example");
    }

    @Test
    void underEnforceACertificateNotNamingTheMxHostKeepsTheMailQueuedAndNothingIsSent() throws Exception {
        OutboundProbe.send(james, "rcpt@badcert.example", "sts-badcert");

        QueuedMail queued = OutboundProbe.awaitQueued(james, QUEUE, "rcpt@badcert.example");

        assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured")
            .containsEntry("dev.jamestls.outbound.resultType", "certificate-host-mismatch")
            .containsEntry("dev.jamestls.outbound.source", "mta-sts")
            .containsEntry("dev.jamestls.outbound.rule", "mta-sts")
            .containsEntry("dev.jamestls.outbound.dsnStatus", "4.7.5");
        assertThat(wrongName.clearText()).doesNotContain("MAIL FROM").doesNotContain("sts-badcert");
        assertThat(OutboundProbe.receivedWith(wrongName, "sts-badcert")).isEmpty();
    }

    @Test
    void underTestingTheSameCertificateIsDeliveredTo() throws Exception {
        OutboundProbe.send(james, "rcpt@trial.example", "sts-testing");

        assertThat(OutboundProbe.awaitReceivedWith(trial, "sts-testing").overTls()).isTrue();
        assertThat(TESTING.requests()).extracting(StsPolicyServer.Request::host).contains("mta-sts.trial.example");
    }

    @Test
    void tlsRequiredNoTriesTheMxHostAnEnforcedPolicyLeavesOutStartTlsFirst() throws Exception {
        OutboundProbe.send(james, "rcpt@narrowed.example", "tlsoptional-left-out");

        // RFC 8689 §4.2.2: the recipient's published policy is ignored, the defaults' own level (may) applies.
        assertThat(OutboundProbe.awaitReceivedWith(leftOut, "tlsoptional-left-out").overTls()).isTrue();
    }

    @Test
    void withoutTlsRequiredNoTheMxHostAnEnforcedPolicyLeavesOutGetsNothing() throws Exception {
        QueuedMail queued = keptFromTheLeftOutHost("plain@narrowed.example", "sts-left-out");

        assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured");
    }

    @Test
    void requireTlsNeverTriesTheMxHostAnEnforcedPolicyLeavesOut() throws Exception {
        keptFromTheLeftOutHost("strict@narrowed.example", "requiretls-left-out");
    }

    /** Sends a mail to narrowed.example that must not reach the MX host its policy leaves out: queued (4.7.5), nothing sent. */
    private static QueuedMail keptFromTheLeftOutHost(String recipient, String subject) throws Exception {
        OutboundProbe.send(james, recipient, subject);

        QueuedMail queued = OutboundProbe.awaitQueued(james, QUEUE, recipient);

        assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.resultType", "validation-failure")
            .containsEntry("dev.jamestls.outbound.dsnStatus", "4.7.5");
        assertThat(OutboundProbe.receivedWith(leftOut, subject)).isEmpty();
        assertThat(leftOut.clearText()).doesNotContain(subject).doesNotContain(recipient);
        return queued;
    }

    @Test
    void requireTlsWaitsInTheQueueWhileTheDomainsPolicyCannotBeFetchedAndNothingIsSent() throws Exception {
        OutboundProbe.send(james, "rcpt@unfetched.example", "requiretls-unfetched");

        QueuedMail queued = OutboundProbe.awaitQueued(james, QUEUE, "rcpt@unfetched.example");

        // RFC 8689 §4.2.1, §5: temporary while a retry could succeed (a fetched policy would authenticate the host), not 5.7.30.
        assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.verdict", "requiretls-not-met")
            .containsEntry("dev.jamestls.outbound.dsnStatus", "4.7.5");
        assertThat(unfetched.accepts()).as("no host is connected to before its TLS is authenticated").isZero();
    }

    /** Last: it stops James. */
    @Test
    @Order(Integer.MAX_VALUE)
    void everyAttemptIsCountedUnderThePolicyAndTheCountsAreInTheFileAfterJamesStops() throws Exception {
        OutboundProbe.send(james, "rcpt@enforced.example", "sts-counted");
        OutboundProbe.awaitReceivedWith(listed, "sts-counted");
        // A round counts its attempts before it ends, and the delivered counter goes up when it ends.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> james.metric("jamestls.outbound.delivery.delivered") >= listed.received().size() + trial.received().size());

        james.stop();

        List<CounterEntry> kept = new CounterFile(HOME.resolve("var/jamestls/tlsrpt-counters.json"), Clock.systemUTC(), 3).load();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(kept).filteredOn(entry -> entry.domain().equals("enforced.example")).singleElement().satisfies(entry -> {
            assertThat(entry.day()).isEqualTo(today);
            assertThat(entry.counts().policy().type()).isEqualTo(PolicyType.STS);
            assertThat(entry.counts().policy().strings()).containsExactly("version: STSv1", "mode: enforce", "mx: mx.enforced.example",
                "mx: *.badcert.example", "max_age: 86400");
            // Each mail: the unlisted MX host refused by the policy, then delivered to the listed one.
            long mails = listed.received().size();
            assertThat(entry.counts().summary().totalSuccessfulSessionCount()).isEqualTo(mails);
            assertThat(entry.counts().summary().totalFailureSessionCount()).isEqualTo(mails);
            assertThat(entry.counts().failureDetails()).singleElement().satisfies(row -> {
                assertThat(row.resultType()).isEqualTo("validation-failure");
                assertThat(row.receivingMxHostname()).contains("mx.unlisted.example");
                assertThat(row.failedSessionCount()).isEqualTo(mails);
            });
        });
    }
}
