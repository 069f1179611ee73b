package dev.jamestls.it.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.QueueProbe.QueuedMail;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.outbound.DeliveryEndpoints;

/**
 * The sender's TLS demand (RFC 8689) on outbound delivery, against a real James 3.8.1 whose root processor sets the
 * demand with James's own {@code SetMailAttribute} (subjects starting {@code requiretls} or {@code tlsoptional}); each
 * destination records every byte it receives before TLS. The attacker's rows: a REQUIRETLS mail never reaches a host
 * whose TLS is not authenticated (no connection at all), one that does not list REQUIRETLS after STARTTLS, or one
 * whose clear-text EHLO alone lists it, nor rides a kept connection of such a host; a stripped STARTTLS never ends in
 * clear text, whatever {@code TLS-Required: No} says, unless the connector opts in; the DSN of a refused REQUIRETLS
 * mail returns no content and travels under REQUIRETLS itself.
 */
class OutboundRequireTlsTest {
    static final String QUEUE = "outgoing-requiretls";
    static final String LOCAL = "memory://var/mail/local/";
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .listener(Listener.plain("submission"))
        .authorizedAddresses("127.0.0.1")
        .confFile("tls-policy.xml", SenderDemandFixtures.POLICY)
        .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(ENDPOINTS))
        .rootProcessor("""
                  <mailet match="HostIsLocal" class="ToRepository"><repositoryPath>%s</repositoryPath></mailet>
            %s%s""".formatted(LOCAL, SenderDemandFixtures.DEMAND_BY_SUBJECT, TlsRemoteDeliveryXml.toLoopback(QUEUE).xml()))
        .build();

    /** Each destination by name: its host is {@code mx.<name>.dest.example}. */
    static final SenderDemandFixtures.Destinations SERVERS = new SenderDemandFixtures.Destinations(ENDPOINTS);

    @BeforeAll
    static void startDestinations() throws Exception {
        SERVERS.start(james, "capable", TestSmtpServer.Builder::requireTls);
        SERVERS.start(james, "incapable", builder -> builder);
        SERVERS.start(james, "clearonly", TestSmtpServer.Builder::requireTlsInClearOnly);
        SERVERS.start(james, "unauthenticated", TestSmtpServer.Builder::requireTls);
        SERVERS.start(james, "stripped", builder -> builder.requireTls().withoutStartTls());
        SERVERS.start(james, "lenient", TestSmtpServer.Builder::withoutStartTls);
        SERVERS.start(james, "pooled", builder -> builder);
        SERVERS.start(james, "ehlorefused", builder -> builder.requireTlsInClearOnly().refusingEhloOverTls());
        SERVERS.start(james, "mailrefused", builder -> builder.requireTls().mailReply("555 5.5.4 REQUIRETLS not supported"));
        SERVERS.start(james, "reused", TestSmtpServer.Builder::requireTls);
        SERVERS.start(james, "lowercase", builder -> builder.requireTlsLine("requiretls"));
        SERVERS.start(james, "longer", builder -> builder.requireTlsLine("REQUIRETLSX"));
        SERVERS.start(james, "argument", builder -> builder.requireTlsLine("XFOO REQUIRETLS"));
        james.dns().mx("capable.verify.example", "mx.capable.dest.example");
        james.dns().mx("incapable.verify.example", "mx.incapable.dest.example");
        james.dns().mx("clearonly.verify.example", "mx.clearonly.dest.example");
        james.dns().mx("unauthenticated.example", "mx.unauthenticated.dest.example");
        james.dns().mx("unauthenticated.encrypt.example", "mx.unauthenticated.dest.example");
        james.dns().mx("stripped.verify.example", "mx.stripped.dest.example");
        james.dns().mx("stripped.encrypt.example", "mx.stripped.dest.example");
        james.dns().mx("stripped.lenient.example", "mx.lenient.dest.example");
        james.dns().mx("pooled.verify.example", "mx.pooled.dest.example");
        james.dns().mx("ehlorefused.verify.example", "mx.ehlorefused.dest.example");
        james.dns().mx("mailrefused.verify.example", "mx.mailrefused.dest.example");
        james.dns().mx("reused.verify.example", "mx.reused.dest.example");
        james.dns().mx("split.verify.example", "mx.capable.dest.example");
        for (String name : List.of("lowercase", "longer", "argument")) {
            james.dns().mx(name + ".verify.example", "mx." + name + ".dest.example");
        }
        james.dns().mx("splitweak.verify.example", "mx.incapable.dest.example");
    }

    @AfterAll
    static void stopDestinations() throws Exception {
        SERVERS.closeAll();
    }

    @Test
    void requireTlsGoesToAVerifiedHostListingItAfterStartTlsAndIsPassedOnInMailFrom() throws Exception {
        OutboundProbe.send(james, "rcpt@capable.verify.example", "requiretls-capable");

        TestSmtpServer.Received received = OutboundProbe.awaitReceivedWith(SERVERS.get("capable"), "requiretls-capable");
        assertThat(received.overTls()).isTrue();
        assertThat(received.mailFrom()).isEqualTo("<sender@james.local> REQUIRETLS");
    }

    @Test
    void aPlainMailToTheSameHostDoesNotClaimRequireTls() throws Exception {
        OutboundProbe.send(james, "plain@capable.verify.example", "plain-capable");

        assertThat(OutboundProbe.awaitReceivedWith(SERVERS.get("capable"), "plain-capable").mailFrom()).isEqualTo("<sender@james.local>");
    }

    @Test
    void aVerifiedHostThatDoesNotListRequireTlsGetsNothingAndTheSenderA5730DsnWithoutContent() throws Exception {
        OutboundProbe.send(james, "rcpt@incapable.verify.example", "requiretls-incapable");

        StoredMail dsn = OutboundProbe.awaitDsnFor(james, LOCAL, "rcpt@incapable.verify.example");
        assertThat(dsn.content()).contains("Status: 5.7.30").contains("Subject: requiretls-incapable")
            .as("the original's body").doesNotContain("Hello from the james-tls tests");
        assertThat(dsn.attribute("dev.jamestls.tlsRequired")).as("the DSN travels under REQUIRETLS").contains("requiretls");
        SERVERS.assertNothingSent("incapable", "requiretls-incapable");
        assertThat(SERVERS.get("incapable").quits()).as("RFC 8689 §4.2.1: QUIT, no MAIL").isPositive();
    }

    @Test
    void aHostListingRequireTlsInClearTextOnlyGetsNothing() throws Exception {
        OutboundProbe.send(james, "rcpt@clearonly.verify.example", "requiretls-clearonly");

        assertThat(OutboundProbe.awaitDsnFor(james, LOCAL, "rcpt@clearonly.verify.example").content()).contains("Status: 5.7.30");
        SERVERS.assertNothingSent("clearonly", "requiretls-clearonly");
    }

    @Test
    void requireTlsUnderAMayOrEncryptRouteIsNotEvenConnected() throws Exception {
        OutboundProbe.send(james, "rcpt@unauthenticated.example", "requiretls-may");
        OutboundProbe.send(james, "rcpt@unauthenticated.encrypt.example", "requiretls-encrypt");

        assertThat(OutboundProbe.awaitDsnFor(james, LOCAL, "rcpt@unauthenticated.example").content()).contains("Status: 5.7.30")
            .contains("requiretls-not-met");
        assertThat(OutboundProbe.awaitDsnFor(james, LOCAL, "rcpt@unauthenticated.encrypt.example").content()).contains("Status: 5.7.30");
        assertThat(SERVERS.get("unauthenticated").accepts()).as("connections to a host nobody authenticates").isZero();
    }

    @Test
    void requireTlsWhoseStartTlsIsStrippedWaitsInTheQueueAndNothingLeavesInClear() throws Exception {
        OutboundProbe.send(james, "rcpt@stripped.verify.example", "requiretls-stripped");

        QueuedMail queued = OutboundProbe.awaitQueued(james, QUEUE, "rcpt@stripped.verify.example");
        assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured")
            .containsEntry("dev.jamestls.outbound.dsnStatus", "4.7.5");
        SERVERS.assertNothingSent("stripped", "requiretls-stripped");
    }

    @Test
    void tlsRequiredNoNeverLowersAConnectorThatDoesNotOptIn() throws Exception {
        OutboundProbe.send(james, "rcpt@stripped.encrypt.example", "tlsoptional-strict");

        QueuedMail queued = OutboundProbe.awaitQueued(james, QUEUE, "rcpt@stripped.encrypt.example");
        assertThat(queued.attributes()).containsEntry("dev.jamestls.outbound.verdict", "tls-not-secured");
        assertThat(queued.attributes().get("dev.jamestls.outbound.attempts")).contains("senderDemand=tls-required-no-rule-kept");
        SERVERS.assertNothingSent("stripped", "tlsoptional-strict");
    }

    @Test
    void tlsRequiredNoLowersAConnectorThatOptsInAfterTryingTls() throws Exception {
        OutboundProbe.send(james, "rcpt@stripped.lenient.example", "tlsoptional-lenient");

        TestSmtpServer.Received received = OutboundProbe.awaitReceivedWith(SERVERS.get("lenient"), "tlsoptional-lenient");
        assertThat(received.overTls()).isFalse();
        assertThat(received.mailFrom()).isEqualTo("<sender@james.local>");
    }

    @Test
    void requireTlsNeverRidesAKeptConnectionOfAHostThatDoesNotListIt() throws Exception {
        TestSmtpServer pooled = SERVERS.get("pooled");
        OutboundProbe.send(james, "first@pooled.verify.example", "plain-pooled");
        OutboundProbe.awaitReceivedWith(pooled, "plain-pooled");
        assertThat(pooled.openConnections()).as("the connection is kept for the next mail").isEqualTo(1);

        OutboundProbe.send(james, "second@pooled.verify.example", "requiretls-pooled");

        assertThat(OutboundProbe.awaitDsnFor(james, LOCAL, "second@pooled.verify.example").content()).contains("Status: 5.7.30");
        assertThat(OutboundProbe.receivedWith(pooled, "requiretls-pooled")).isEmpty();
        assertThat(pooled.received()).hasSize(1);
        assertThat(pooled.accepts()).as("a new connection asked the host").isEqualTo(2);
    }

    @Test
    void aHostWhoseEhloFailsAfterStartTlsIsNotTakenAtItsClearTextWord() throws Exception {
        // JavaMail keeps the clear-text capabilities when the EHLO after STARTTLS is refused; only that reply counts.
        OutboundProbe.send(james, "rcpt@ehlorefused.verify.example", "requiretls-ehlorefused");

        assertThat(OutboundProbe.awaitDsnFor(james, LOCAL, "rcpt@ehlorefused.verify.example").content()).contains("Status: 5.7.30");
        SERVERS.assertNothingSent("ehlorefused", "requiretls-ehlorefused");
        assertThat(SERVERS.get("ehlorefused").mailCommands()).as("MAIL commands, over TLS too").isEmpty();
    }

    @Test
    void aHostRefusingTheRequireTlsParameterIsNeverAskedAgainWithoutIt() throws Exception {
        OutboundProbe.send(james, "rcpt@mailrefused.verify.example", "requiretls-mailrefused");

        assertThat(OutboundProbe.awaitDsnFor(james, LOCAL, "rcpt@mailrefused.verify.example").content()).contains("Status: 5.5.4");
        assertThat(SERVERS.get("mailrefused").mailCommands()).isNotEmpty()
            .allSatisfy(command -> assertThat(command).endsWith(" REQUIRETLS"));
        assertThat(SERVERS.get("mailrefused").received()).isEmpty();
    }

    @Test
    void aKeptConnectionCarriesEachMailWithItsOwnDemandOnly() throws Exception {
        TestSmtpServer reused = SERVERS.get("reused");
        OutboundProbe.send(james, "first@reused.verify.example", "requiretls-reused");
        OutboundProbe.awaitReceivedWith(reused, "requiretls-reused");
        OutboundProbe.send(james, "second@reused.verify.example", "plain-reused");
        OutboundProbe.awaitReceivedWith(reused, "plain-reused");
        OutboundProbe.send(james, "third@reused.verify.example", "requiretls-reused-again");
        OutboundProbe.awaitReceivedWith(reused, "requiretls-reused-again");

        assertThat(reused.accepts()).as("one connection for the three mails").isEqualTo(1);
        assertThat(reused.mailCommands()).containsExactly("MAIL FROM:<sender@james.local> REQUIRETLS",
            "MAIL FROM:<sender@james.local>", "MAIL FROM:<sender@james.local> REQUIRETLS");
    }

    /** TlsRemoteDelivery queues one copy per recipient domain: each copy carries the demand. */
    @Test
    void aRequireTlsMailToTwoDomainsKeepsTheDemandOnEachCopy() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("submission"))) {
            assertThat(client.mailFrom("sender@james.local")).isEqualTo(250);
            assertThat(client.rcptTo("rcpt@split.verify.example")).isEqualTo(250);
            assertThat(client.rcptTo("rcpt@splitweak.verify.example")).isEqualTo(250);
            assertThat(client.data(SmtpTestClient.message("sender@james.local", "rcpt@split.verify.example", "requiretls-split")))
                .isEqualTo(250);
        }

        assertThat(OutboundProbe.awaitReceivedWith(SERVERS.get("capable"), "requiretls-split").mailFrom())
            .isEqualTo("<sender@james.local> REQUIRETLS");
        assertThat(OutboundProbe.awaitDsnFor(james, LOCAL, "rcpt@splitweak.verify.example").content()).contains("Status: 5.7.30");
        SERVERS.assertNothingSent("incapable", "requiretls-split");
    }

    /** How the EHLO reply after STARTTLS lists REQUIRETLS: only the keyword itself, in any case, counts (RFC 5321 §2.4). */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
        lowercase | 250-requiretls: ESMTP keywords are case-insensitive, the mail goes with REQUIRETLS
        longer    | 250-REQUIRETLSX: another keyword, nothing sent
        argument  | 250-XFOO REQUIRETLS: the word as another extension's argument, nothing sent
        """)
    void onlyTheKeywordItselfListsRequireTls(String destination, String reason) throws Exception {
        String subject = "requiretls-listed-" + destination;
        OutboundProbe.send(james, "rcpt@" + destination + ".verify.example", subject);

        if (destination.equals("lowercase")) {
            assertThat(OutboundProbe.awaitReceivedWith(SERVERS.get(destination), subject).mailFrom()).as(reason)
                .isEqualTo("<sender@james.local> REQUIRETLS");
            return;
        }
        assertThat(OutboundProbe.awaitDsnFor(james, LOCAL, "rcpt@" + destination + ".verify.example").content()).as(reason)
            .contains("Status: 5.7.30");
        SERVERS.assertNothingSent(destination, subject);
        assertThat(SERVERS.get(destination).mailCommands()).as(reason).isEmpty();
    }
}
