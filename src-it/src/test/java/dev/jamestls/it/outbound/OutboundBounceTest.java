package dev.jamestls.it.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamestls.it.harness.FailingSpoolQueues;
import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.TestPolicies;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.outbound.DeliveryEndpoints;

/**
 * The DSN of a mail that could not be delivered, against a real James 3.8.1: its {@code Arrival-Date} is
 * when the mail arrived here (RFC 3464 §2.2.5), and a DSN that James's spool refuses is tried again after the
 * retry schedule's delay (not at once), up to the schedule's {@code maxRetries}; after that the mail is kept
 * in James's {@code error} processor (its repository), and no more tries are made.
 *
 * <p>Every destination here is a loopback port nobody listens on: each round fails at once with
 * {@code 4.4.1}; {@code delayTime} 2 seconds, {@code maxRetries} 2, so the DSN is due about 4 seconds after
 * the mail arrived.
 */
class OutboundBounceTest {
    static final String LOCAL = "memory://var/mail/local/";
    /** Where the test James's {@code error} processor stores mail. */
    static final String ERROR = "memory://var/mail/error/";
    static final String MX = "mx.unreachable.dest.example";
    static final Duration DELAY = Duration.ofSeconds(2);
    static final int MAX_RETRIES = 2;
    static final LoopbackEndpoints ENDPOINTS = new LoopbackEndpoints();
    static final FailingSpoolQueues SPOOL = new FailingSpoolQueues();
    static final Pattern ARRIVAL = Pattern.compile("Arrival-Date: ([^\r\n]+)");

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .listener(Listener.plain("submission"))
        .authorizedAddresses("127.0.0.1")
        .confFile("tls-policy.xml", TestPolicies.OUTBOUND_MAY)
        .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(ENDPOINTS))
        .binding(SPOOL)
        .rootProcessor("""
                  <mailet match="HostIsLocal" class="ToRepository"><repositoryPath>%s</repositoryPath></mailet>
            %s""".formatted(LOCAL, TlsRemoteDeliveryXml.mailet().delayTime(DELAY.toSeconds() + " seconds").maxRetries(MAX_RETRIES)
            .heloName("james.local").connectionTimeout(2000).timeout(5000).xml()))
        .build();

    @BeforeAll
    static void unreachableDestinations() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        ENDPOINTS.map(MX, closed);
        james.dns().loopbackHost(MX);
        for (String domain : List.of("arrival.example", "dsn-once.example", "dsn-never.example")) {
            james.dns().mx(domain, MX);
        }
    }

    @Test
    void arrivalDateIsWhenTheMailArrivedNotWhenItBounced() throws Exception {
        Instant sent = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        send("rcpt@arrival.example", "arrival-case");

        StoredMail dsn = james.awaitDsnFor(LOCAL, "rcpt@arrival.example");
        Instant bounced = Instant.now();
        Instant arrival = arrivalDate(dsn);
        assertThat(arrival).as("Arrival-Date (RFC 3464 §2.2.5)").isBetween(sent.minusSeconds(1), sent.plusSeconds(1));
        assertThat(Duration.between(arrival, bounced)).as("the DSN came after the schedule's retries")
            .isGreaterThanOrEqualTo(DELAY.multipliedBy(MAX_RETRIES).minusSeconds(1));
    }

    @Test
    void aDsnTheSpoolRefusesIsTriedAgainAfterTheScheduleDelayAndSent() throws Exception {
        int before = SPOOL.dsnTries().size();
        SPOOL.refuseDsns(1);
        send("rcpt@dsn-once.example", "dsn-once-case");

        StoredMail dsn = james.awaitDsnFor(LOCAL, "rcpt@dsn-once.example");
        List<Instant> tries = SPOOL.dsnTries().subList(before, SPOOL.dsnTries().size());
        assertThat(tries).as("one refused try, one sent").hasSize(2);
        assertThat(Duration.between(tries.get(0), tries.get(1))).as("the second try waits the schedule's delay")
            .isGreaterThanOrEqualTo(DELAY.minusMillis(100));
        assertThat(dsn.content()).contains("Status: 4.4.1").contains("Final-Recipient: rfc822; rcpt@dsn-once.example");
        assertThat(james.metric("jamestls.outbound.bounce.failed")).isPositive();
    }

    @Test
    void aDsnTheSpoolAlwaysRefusesStopsAtTheScheduleCapAndTheMailIsKept() throws Exception {
        int before = SPOOL.dsnTries().size();
        SPOOL.refuseDsns(1_000);
        try {
            send("rcpt@dsn-never.example", "dsn-never-case");

            StoredMail kept = james.awaitMail(ERROR, mail -> mail.content().contains("Subject: dsn-never-case"));
            // No try after the cap: wait longer than one delay and count again.
            Thread.sleep(DELAY.plusSeconds(1).toMillis());
            List<Instant> tries = SPOOL.dsnTries().subList(before, SPOOL.dsnTries().size());
            assertThat(tries).as("the first try and maxRetries=%d more", MAX_RETRIES).hasSize(MAX_RETRIES + 1);
            for (int i = 1; i < tries.size(); i++) {
                assertThat(Duration.between(tries.get(i - 1), tries.get(i))).isGreaterThanOrEqualTo(DELAY.minusMillis(100));
            }
            assertThat(kept.attributes()).containsEntry("dev.jamestls.outbound.bounceFailures", MAX_RETRIES + 1);
            assertThat(String.valueOf(kept.attributes().get("delivery-error"))).startsWith("DSN 4.4.1 could not be sent: ");
            assertThat(james.metric("jamestls.outbound.keptInErrorProcessor")).isPositive();
        } finally {
            SPOOL.refuseDsns(0);
        }
    }

    private static Instant arrivalDate(StoredMail dsn) {
        Matcher matcher = ARRIVAL.matcher(dsn.content());
        assertThat(matcher.find()).as("an Arrival-Date field in %s", dsn.content()).isTrue();
        return ZonedDateTime.parse(matcher.group(1).strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    }

    private static void send(String recipient, String subject) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("submission"))) {
            assertThat(client.send("sender@james.local", recipient, subject)).as(client.lastReply()).isEqualTo(250);
        }
    }
}
