package dev.jamestls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jamestls.outbound.AttemptRecord;
import dev.jamestls.outbound.PolicySource;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.tlsrpt.TlsReportCounters.Counted;
import dev.jamestls.verify.TlsRptResultType;

class TlsReportCountersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void scriptedDayGivesTheHandCheckedReports() throws Exception {
        TlsReportCounters counters = new TlsReportCounters();
        ScriptedDay.play(counters);

        assertThat(counters.domains(ScriptedDay.DAY)).containsExactly("dane.example", "plain.example", "sts.example");
        assertSameJson(ScriptedDay.report(counters, "dane.example"), ScriptedDay.DANE_REPORT);
        assertSameJson(ScriptedDay.report(counters, "sts.example"), ScriptedDay.STS_REPORT);
        assertSameJson(ScriptedDay.report(counters, "plain.example"), ScriptedDay.PLAIN_REPORT);
    }

    @Test
    void theDaysAroundAreCountedApart() {
        TlsReportCounters counters = new TlsReportCounters();
        ScriptedDay.play(counters);

        TlsReport before = counters.reportFor("dane.example", ScriptedDay.DAY.minusDays(1), "o", "c@example", "r").orElseThrow();
        TlsReport after = counters.reportFor("dane.example", ScriptedDay.DAY.plusDays(1), "o", "c@example", "r").orElseThrow();

        assertThat(before.policies()).singleElement().extracting(PolicyReport::summary).isEqualTo(new Summary(1, 0));
        assertThat(after.policies()).singleElement().extracting(PolicyReport::summary).isEqualTo(new Summary(0, 1));
        assertThat(counters.domains(ScriptedDay.DAY.plusDays(1))).containsExactly("dane.example");
    }

    @Test
    void classifiesAttemptsAsSuccessFailureOrNoSession() {
        TlsReportCounters counters = new TlsReportCounters();

        assertThat(counters.record(ScriptedDay.attempt("2026-12-03T10:00:00Z", "a.example", PolicySource.DEFAULT, "mx.a.example",
            "192.0.2.1", TlsStage.ESTABLISHED, null), PolicyDetails.none())).isEqualTo(Counted.SUCCESS);
        assertThat(counters.record(ScriptedDay.attempt("2026-12-03T10:00:00Z", "a.example", PolicySource.DEFAULT, "mx.a.example",
            "192.0.2.1", TlsStage.HANDSHAKE_FAILED, TlsRptResultType.CERTIFICATE_NOT_TRUSTED), PolicyDetails.none()))
            .isEqualTo(Counted.FAILURE);
        assertThat(counters.record(ScriptedDay.attempt("2026-12-03T10:00:00Z", "a.example", PolicySource.DEFAULT, "mx.a.example",
            null, TlsStage.CONNECT_FAILED, null), PolicyDetails.none())).isEqualTo(Counted.NOT_COUNTED);
        assertThat(counters.record(ScriptedDay.attempt("2026-12-03T10:00:00Z", "a.example", PolicySource.DEFAULT, "mx.a.example",
            "192.0.2.1", TlsStage.NOT_ATTEMPTED, null), PolicyDetails.none())).isEqualTo(Counted.NOT_COUNTED);
        assertThat(counters.reportFor("b.example", ScriptedDay.DAY, "o", "c@example", "r")).isEmpty();
    }

    @Test
    void aFailureWithoutAddressIsItsOwnRow() {
        TlsReportCounters counters = new TlsReportCounters();
        counters.record(ScriptedDay.attempt("2026-12-03T10:00:00Z", "d.example", PolicySource.DANE, "mx.d.example", null,
            TlsStage.NOT_ATTEMPTED, TlsRptResultType.DNSSEC_INVALID), PolicyDetails.tlsa("mx.d.example", 25, List.of()));

        PolicyReport policy = counters.reportFor("d.example", ScriptedDay.DAY, "o", "c@example", "r").orElseThrow().policies().get(0);

        assertThat(policy.policy().type()).isEqualTo(PolicyType.TLSA);
        assertThat(policy.policy().strings()).isEmpty();
        assertThat(policy.failureDetails()).singleElement().satisfies(row -> {
            assertThat(row.resultType()).isEqualTo("dnssec-invalid");
            assertThat(row.receivingIp()).isEmpty();
            assertThat(row.failedSessionCount()).isEqualTo(1);
        });
    }

    @Test
    void aFailureNamesTheAddressWeSentFromAndEachOfOurAddressesIsItsOwnRow() {
        TlsReportCounters counters = new TlsReportCounters();
        for (String local : List.of("198.51.100.7", "198.51.100.7", "2001:db8::7")) {
            AttemptRecord seen = ScriptedDay.attempt("2026-12-03T10:00:00Z", "plain.example", PolicySource.DEFAULT, "mx.plain.example",
                "203.0.113.5", TlsStage.NOT_OFFERED, TlsRptResultType.STARTTLS_NOT_SUPPORTED);
            counters.record(new AttemptRecord(seen.at(), seen.domain(), seen.rule(), seen.ruleKind(), seen.mode(), seen.level(),
                seen.mxHost(), seen.port(), seen.ip(), seen.startTlsOffered(), seen.tlsStage(), seen.protocol(), seen.cipher(),
                seen.peerSubject(), seen.peerIssuer(), seen.peerSpkiPin(), seen.verdict(), seen.resultType(), seen.reason(),
                seen.refusedRecipients(), seen.peerReply(), seen.source(), Optional.of(local)), PolicyDetails.none());
        }

        PolicyReport policy = counters.reportFor("plain.example", ScriptedDay.DAY, "o", "c@example", "r").orElseThrow().policies().get(0);

        assertThat(policy.failureDetails()).extracting(row -> row.sendingMtaIp().orElseThrow(), FailureDetail::failedSessionCount)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("198.51.100.7", 2L), org.assertj.core.groups.Tuple.tuple("2001:db8::7", 1L));
        assertThat(TlsReportJson.write(counters.reportFor("plain.example", ScriptedDay.DAY, "o", "c@example", "r").orElseThrow()))
            .contains("\"sending-mta-ip\":\"198.51.100.7\"");
    }

    @Test
    void keepsAtMostTheBoundOfFailureRowsAndCountsTheRestInTheSummary() {
        TlsReportCounters counters = new TlsReportCounters(2);
        for (int host = 1; host <= 4; host++) {
            for (int i = 0; i < host; i++) {
                counters.record(ScriptedDay.attempt("2026-12-03T10:00:00Z", "many.example", PolicySource.DEFAULT,
                    "mx" + host + ".many.example", "192.0.2." + host, TlsStage.NOT_OFFERED,
                    TlsRptResultType.STARTTLS_NOT_SUPPORTED), PolicyDetails.none());
            }
        }

        PolicyReport policy = counters.reportFor("many.example", ScriptedDay.DAY, "o", "c@example", "r").orElseThrow()
            .policies().get(0);

        assertThat(policy.summary()).isEqualTo(new Summary(0, 10));
        assertThat(policy.failureDetails()).extracting(FailureDetail::failedSessionCount).containsExactly(1L, 2L);
        assertThat(counters.snapshot()).singleElement().extracting(CounterEntry::droppedFailureDetails).isEqualTo(7L);
    }

    @Test
    void refusesPolicyStringsForAnAttemptWithoutPublishedPolicy() {
        TlsReportCounters counters = new TlsReportCounters();

        assertThatThrownBy(() -> counters.record(ScriptedDay.attempt("2026-12-03T10:00:00Z", "a.example", PolicySource.CONNECTOR,
            "mx.a.example", "192.0.2.1", TlsStage.ESTABLISHED, null), PolicyDetails.sts(ScriptedDay.STS)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("source connector has no published policy");
    }

    @Test
    void discardsDaysBeforeTheOneGiven() {
        TlsReportCounters counters = new TlsReportCounters();
        ScriptedDay.play(counters);

        counters.discardBefore(ScriptedDay.DAY);

        assertThat(counters.domains(ScriptedDay.DAY.minusDays(1))).isEmpty();
        assertThat(counters.domains(ScriptedDay.DAY)).hasSize(3);
    }

    @Test
    void restoringASnapshotGivesTheSameReports() {
        TlsReportCounters counters = new TlsReportCounters();
        ScriptedDay.play(counters);
        TlsReportCounters restored = new TlsReportCounters();

        restored.restore(counters.snapshot());

        for (String domain : List.of("dane.example", "sts.example", "plain.example")) {
            assertThat(ScriptedDay.report(restored, domain)).isEqualTo(ScriptedDay.report(counters, domain));
        }
    }

    @Test
    void countsEveryAttemptUnderConcurrentRecording() throws Exception {
        TlsReportCounters counters = new TlsReportCounters();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 1000; i++) {
                        counters.record(ScriptedDay.attempt("2026-12-03T10:00:00Z", "c.example", PolicySource.DEFAULT,
                            "mx.c.example", "192.0.2.1", i % 2 == 0 ? TlsStage.ESTABLISHED : TlsStage.NOT_OFFERED,
                            i % 2 == 0 ? null : TlsRptResultType.STARTTLS_NOT_SUPPORTED), PolicyDetails.none());
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }

        PolicyReport policy = counters.reportFor("c.example", ScriptedDay.DAY, "o", "c@example", "r").orElseThrow().policies().get(0);
        assertThat(policy.summary()).isEqualTo(new Summary(2000, 2000));
        assertThat(policy.failureDetails()).singleElement().extracting(FailureDetail::failedSessionCount).isEqualTo(2000L);
    }

    static void assertSameJson(TlsReport report, String expected) throws Exception {
        JsonNode actual = JSON.readTree(TlsReportJson.write(report));
        assertThat(actual).isEqualTo(JSON.readTree(expected));
    }
}
