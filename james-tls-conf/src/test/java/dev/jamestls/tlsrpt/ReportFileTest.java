package dev.jamestls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A report as sent: the §5.1 file name, the gzip body, the report-id. */
class ReportFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Reporter REPORTER = new Reporter("Example Sender", "tlsrpt@sender.example", "mail.sender.example", "n0de1");

    @Test
    void theFileNameIsSubmitterDomainBeginEndAndNodeAsRfc8460Section51Spells() {
        // 2026-12-03T00:00:00Z = 1796256000, 23:59:59Z = 1796342399
        ReportFile file = ReportFile.of(REPORTER, "example.net", DateRange.utcDay(ScriptedDay.DAY), "id-1", "{}");

        assertThat(file.filename()).isEqualTo("mail.sender.example!example.net!1796256000!1796342399!n0de1.json.gz");
        assertThat(file.submitter()).isEqualTo("mail.sender.example");
        assertThat(ReportFile.MEDIA_TYPE).isEqualTo("application/tlsrpt+gzip");
    }

    @Test
    void theBodyIsTheJsonInUtf8Gzipped() throws Exception {
        String json = "{\"organization-name\": \"Société Exemple\"}";
        ReportFile file = ReportFile.of(REPORTER, "example.net", DateRange.utcDay(ScriptedDay.DAY), "id-1", json);

        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(file.gzip()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(json);
        }
    }

    @Test
    void theReportIdIsStablePerNodeDayAndDomainAndDiffersBetweenNodes() {
        Reporter other = new Reporter("Example Sender", "tlsrpt@sender.example", "mail.sender.example", "n0de2");

        assertThat(REPORTER.reportId("example.net", ScriptedDay.DAY)).isEqualTo("2026-12-03.example.net.n0de1@mail.sender.example")
            .isEqualTo(REPORTER.reportId("example.net", ScriptedDay.DAY))
            .isNotEqualTo(other.reportId("example.net", ScriptedDay.DAY))
            .isNotEqualTo(REPORTER.reportId("example.net", ScriptedDay.DAY.plusDays(1)));
    }

    @Test
    void theReportOfADayIsItsCountsUnderTheReportersNamesAndId() throws Exception {
        TlsReportCounters counters = new TlsReportCounters();
        ScriptedDay.play(counters);

        TlsReport report = REPORTER.report(counters, "sts.example", ScriptedDay.DAY).orElseThrow();

        // The hand-checked report of the scripted day, under this reporter's report-id.
        String expected = ScriptedDay.STS_REPORT.replace("\"2026-12-03_sts.example\"",
            "\"2026-12-03.sts.example.n0de1@mail.sender.example\"");
        assertThat(JSON.readTree(TlsReportJson.write(report))).isEqualTo(JSON.readTree(expected));
        assertThat(REPORTER.report(counters, "sts.example", ScriptedDay.DAY.minusDays(1))).as("nothing counted that day").isEmpty();
    }

    @Test
    void aNodeNameOutsideTheUniqueIdGrammarAndABadSubmitterAreRefused() {
        assertThatThrownBy(() -> new Reporter("Org", "c@x.example", "x.example", "node-1"))
            .hasMessageContaining("node 'node-1'");
        assertThatThrownBy(() -> new Reporter("Org", "c@x.example", "not a domain", "n1"))
            .hasMessageContaining("not a domain");
        assertThatThrownBy(() -> new Reporter(" ", "c@x.example", "x.example", "n1")).hasMessageContaining("organization");
    }
}
