package dev.jamestls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.testkit.MovableClock;

/**
 * Sending the reports of finished days: when a report is made, that each destination gets it once (across runs and
 * restarts), retries on the schedule and their bound, domains without a usable policy, failed lookups, and forgetting.
 */
class ReportSendingTest {
    static final String MAILTO = "mailto:tlsrpt@sts.example";
    static final String HTTPS = "https://reports.sts.example/v1";
    static final LocalDate DAY = ScriptedDay.DAY;
    /** The end of the scripted day plus the grace. */
    static final Instant DUE = Instant.parse("2026-12-04T00:05:00Z");

    @TempDir
    Path directory;

    final MovableClock clock = new MovableClock(DUE.minusSeconds(1));
    final TlsReportCounters counters = new TlsReportCounters();
    final Map<String, List<String>> txt = new HashMap<>();
    final Map<String, Deque<ReportSending.Outcome>> scripted = new HashMap<>();
    final List<Sent> sent = new ArrayList<>();
    int lookups;
    boolean lookupsFail;

    record Sent(String uri, ReportFile file, Instant at) {
        TlsReport report() {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(file.gzip()))) {
                return TlsReportJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (TlsReportFormatException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @BeforeEach
    void playTheDay() {
        ScriptedDay.play(counters);
        txt.put("sts.example", List.of("v=spf1 -all", "v=TLSRPTv1; rua=" + MAILTO + "," + HTTPS));
        txt.put("dane.example", List.of("v=TLSRPTv1; rua=mailto:a@dane.example", "v=TLSRPTv1; rua=mailto:b@dane.example"));
    }

    private SentReportStore store() {
        return SentReportStore.open(directory.resolve("tlsrpt-sent.json"));
    }

    private ReportSending sending(SentReportStore store) {
        Reporter reporter = new Reporter("Example Sender", "tlsrpt@sender.example", "sender.example", store.node());
        return new ReportSending(counters, store, reporter, domain -> {
            lookups++;
            if (lookupsFail) {
                throw new IllegalStateException("resolver down");
            }
            return Discovery.of(txt.getOrDefault(domain, List.of()));
        }, (destination, file) -> {
            sent.add(new Sent(destination.uri(), file, clock.instant()));
            Deque<ReportSending.Outcome> outcomes = scripted.get(destination.uri());
            return outcomes == null || outcomes.isEmpty() ? ReportSending.Outcome.sent("taken") : outcomes.poll();
        }, ReportRetry.DEFAULT, clock, 7);
    }

    private List<Sent> sentFor(LocalDate day, String uri) {
        return sent.stream().filter(item -> item.uri().equals(uri) && item.report().dateRange().equals(DateRange.utcDay(day))).toList();
    }

    private static OutgoingReport.Delivery delivery(SentReportStore store, String uri) {
        return store.find("sts.example", DAY).orElseThrow().deliveries().stream().filter(item -> item.uri().equals(uri)).findFirst()
            .orElseThrow();
    }

    @Test
    void aDayIsReportedOnlyOnceItEndedAndTheGracePassedToEveryDestinationOfThePolicy() {
        SentReportStore store = store();
        ReportSending sending = sending(store);

        sending.run();
        assertThat(store.find("sts.example", DAY)).as("before the grace").isEmpty();
        assertThat(sentFor(DAY, MAILTO)).isEmpty();

        clock.moveTo(DUE);
        sending.run();

        assertThat(sentFor(DAY, MAILTO)).singleElement().satisfies(item -> {
            assertThat(item.report()).isEqualTo(new Reporter("Example Sender", "tlsrpt@sender.example", "sender.example", store.node())
                .report(counters, "sts.example", DAY).orElseThrow());
            assertThat(item.file().filename()).isEqualTo("sender.example!sts.example!1796256000!1796342399!" + store.node() + ".json.gz");
        });
        assertThat(sentFor(DAY, HTTPS)).singleElement().extracting(Sent::file).extracting(ReportFile::reportId)
            .isEqualTo("2026-12-03.sts.example." + store.node() + "@sender.example");
        OutgoingReport report = store.find("sts.example", DAY).orElseThrow();
        assertThat(report.phase()).isEqualTo(OutgoingReport.Phase.DELIVERING);
        assertThat(report.deliveries()).extracting(OutgoingReport.Delivery::state)
            .containsExactly(OutgoingReport.State.SENT, OutgoingReport.State.SENT);
        assertThat(report.finished()).isTrue();
    }

    @Test
    void eachDestinationGetsTheReportOnceAcrossRunsAndRestarts() {
        clock.moveTo(DUE);
        SentReportStore first = store();
        sending(first).run();
        clock.advance(Duration.ofHours(1));
        sending(first).run();

        SentReportStore reopened = store();
        sending(reopened).run();
        clock.advance(Duration.ofDays(1));
        sending(reopened).run();

        assertThat(reopened.node()).isEqualTo(first.node());
        assertThat(sentFor(DAY, MAILTO)).hasSize(1);
        assertThat(sentFor(DAY, HTTPS)).hasSize(1);
        assertThat(lookups).as("the policy of each day's report is looked up once").isEqualTo(reopened.reports().size());
    }

    @Test
    void aFailingDestinationIsRetriedOnTheScheduleEvenAfterARestartAndTheOtherIsNotSentAgain() {
        scripted.put(HTTPS, new ArrayDeque<>(List.of(ReportSending.Outcome.failed("HTTP 503"), ReportSending.Outcome.failed("HTTP 503"))));
        clock.moveTo(DUE);
        SentReportStore store = store();
        sending(store).run();

        assertThat(delivery(store, HTTPS)).satisfies(item -> {
            assertThat(item.state()).isEqualTo(OutgoingReport.State.PENDING);
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.next()).isEqualTo(DUE.plus(Duration.ofMinutes(5)));
            assertThat(item.detail()).isEqualTo("HTTP 503");
        });
        clock.advance(Duration.ofMinutes(4));
        sending(store).run();
        assertThat(sentFor(DAY, HTTPS)).as("not before its time").hasSize(1);

        clock.advance(Duration.ofMinutes(1));
        sending(store).run();
        assertThat(sentFor(DAY, HTTPS)).hasSize(2);
        assertThat(delivery(store, HTTPS).next()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));

        clock.advance(Duration.ofMinutes(15));
        SentReportStore reopened = store();
        sending(reopened).run();

        assertThat(sentFor(DAY, HTTPS)).hasSize(3);
        assertThat(delivery(reopened, HTTPS).state()).isEqualTo(OutgoingReport.State.SENT);
        assertThat(sentFor(DAY, MAILTO)).hasSize(1);
        assertThat(sentFor(DAY, HTTPS)).extracting(Sent::report).extracting(TlsReport::reportId).containsOnly(
            sentFor(DAY, MAILTO).get(0).report().reportId());
    }

    @Test
    void aDestinationThatNeverTakesTheReportIsGivenUpWithinTheBound() {
        scripted.put(HTTPS, new ArrayDeque<>());
        for (int i = 0; i < 100; i++) {
            scripted.get(HTTPS).add(ReportSending.Outcome.failed("connection refused"));
        }
        clock.moveTo(DUE);
        SentReportStore store = store();
        for (int hour = 0; hour <= 72; hour++) {
            sending(store).run();
            clock.advance(Duration.ofHours(1));
        }

        OutgoingReport.Delivery given = delivery(store, HTTPS);
        assertThat(given.state()).isEqualTo(OutgoingReport.State.GAVE_UP);
        assertThat(given.last().orElseThrow()).isBeforeOrEqualTo(DUE.plus(ReportRetry.DEFAULT.giveUpAfter()));
        assertThat(sentFor(DAY, HTTPS)).hasSize(given.attempts());
        assertThat(sentFor(DAY, MAILTO)).hasSize(1);
        assertThat(store.find("sts.example", DAY).orElseThrow().finished()).isTrue();
    }

    @Test
    void aPermanentRefusalIsGivenUpAtOnce() {
        scripted.put(MAILTO, new ArrayDeque<>(List.of(ReportSending.Outcome.refused("not a mail address James accepts"))));
        clock.moveTo(DUE);
        SentReportStore store = store();
        sending(store).run();
        clock.advance(Duration.ofHours(6));
        sending(store).run();

        assertThat(delivery(store, MAILTO).state()).isEqualTo(OutgoingReport.State.GAVE_UP);
        assertThat(sentFor(DAY, MAILTO)).hasSize(1);
    }

    /** A domain's rua is its own choice (RFC 8460 §3): it must not make one report into a flood of mails or posts. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        1000 distinct addresses in one rua | 1000 | 1000
        one address 1000 times             | 1000 | 1
        """)
    void aReportGoesToABoundedNumberOfDistinctDestinations(String attack, int entries, int distinct) {
        List<String> rua = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            rua.add("mailto:victim" + (i % distinct) + "@target.example");
        }
        txt.put("sts.example", List.of("v=TLSRPTv1; rua=" + String.join(",", rua)));
        clock.moveTo(DUE);
        SentReportStore store = store();
        sending(store).run();

        assertThat(sent.stream().filter(item -> item.uri().endsWith("@target.example")).count()).as(attack)
            .isEqualTo(Math.min(distinct, ReportSending.MAX_DESTINATIONS));
        assertThat(store.find("sts.example", DAY).orElseThrow().deliveries()).as(attack)
            .hasSize(Math.min(distinct, ReportSending.MAX_DESTINATIONS));
    }

    @Test
    void domainsWithoutAUsablePolicyAreNotSentTo() {
        clock.moveTo(DUE);
        SentReportStore store = store();
        sending(store).run();

        assertThat(store.find("plain.example", DAY).orElseThrow()).satisfies(report -> {
            assertThat(report.phase()).isEqualTo(OutgoingReport.Phase.NO_POLICY);
            assertThat(report.detail()).startsWith("no-policy");
        });
        assertThat(store.find("dane.example", DAY).orElseThrow()).satisfies(report -> {
            assertThat(report.phase()).isEqualTo(OutgoingReport.Phase.NO_POLICY);
            assertThat(report.detail()).startsWith("several-policies");
        });
        assertThat(sent).extracting(Sent::uri).doesNotContain("mailto:a@dane.example", "mailto:b@dane.example");
    }

    @Test
    void aFailedLookupIsAskedAgainLaterAndThenSent() {
        lookupsFail = true;
        clock.moveTo(DUE);
        SentReportStore store = store();
        sending(store).run();

        OutgoingReport waiting = store.find("sts.example", DAY).orElseThrow();
        assertThat(waiting.phase()).isEqualTo(OutgoingReport.Phase.LOOKING_UP);
        assertThat(waiting.next()).isEqualTo(DUE.plus(Duration.ofMinutes(5)));
        assertThat(waiting.detail()).contains("resolver down");

        lookupsFail = false;
        clock.advance(Duration.ofMinutes(5));
        sending(store).run();

        assertThat(sentFor(DAY, MAILTO)).hasSize(1);
        assertThat(sentFor(DAY, HTTPS)).hasSize(1);
    }

    @Test
    void aTransportThatThrowsIsATemporaryFailureAndTheRoundGoesOn() {
        clock.moveTo(DUE);
        SentReportStore store = store();
        Reporter reporter = new Reporter("Example Sender", "tlsrpt@sender.example", "sender.example", store.node());
        new ReportSending(counters, store, reporter, domain -> Discovery.of(txt.getOrDefault(domain, List.of())), (destination, file) -> {
            throw new IllegalStateException("defect");
        }, ReportRetry.DEFAULT, clock, 7).run();

        assertThat(store.find("sts.example", DAY).orElseThrow().deliveries()).allSatisfy(item -> {
            assertThat(item.state()).isEqualTo(OutgoingReport.State.PENDING);
            assertThat(item.detail()).contains("defect");
        });
    }

    @Test
    void finishedReportsAreForgottenAfterTheKeptDaysAndTheirDayIsNotReportedAgain() {
        clock.moveTo(DUE);
        SentReportStore store = store();
        sending(store).run();
        for (int day = 1; day <= 9; day++) {
            clock.advance(Duration.ofDays(1));
            // As KeptCounters does every save: the counters keep 3 days, the store 7 more.
            counters.discardBefore(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(2));
            sending(store).run();
        }

        assertThat(store.reports()).isEmpty();
        assertThat(sentFor(DAY, MAILTO)).hasSize(1);
    }

    @Test
    void anUnreadableStoreIsSetAsideAndANewNodeNameStartsAnew() throws Exception {
        Path file = directory.resolve("tlsrpt-sent.json");
        clock.moveTo(DUE);
        SentReportStore first = store();
        sending(first).run();
        Files.writeString(file, "{ not json");

        SentReportStore reopened = store();

        assertThat(reopened.reports()).isEmpty();
        assertThat(reopened.node()).isNotEqualTo(first.node());
        assertThat(directory.resolve("tlsrpt-sent.json.corrupt")).exists();
    }
}
