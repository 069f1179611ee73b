package dev.jamestls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import dev.jamestls.verify.TlsRptResultType;

/**
 * Reports checked against RFC 8460 §4.4 written as a JSON Schema ({@code rfc8460-report.schema.json}: the RFC
 * gives the format as pseudo-JSON, Figure 2, not as a JSON Schema document).
 */
class TlsReportSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Schema schema;
    private static JsonNode schemaTree;

    @BeforeAll
    static void loadSchema() throws Exception {
        try (InputStream in = TlsReportSchemaTest.class.getResourceAsStream("rfc8460-report.schema.json")) {
            schemaTree = JSON.readTree(in);
        }
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schemaTree.toString());
    }

    @Test
    void theScriptedDaysReportsMeetTheSchema() throws Exception {
        TlsReportCounters counters = new TlsReportCounters();
        ScriptedDay.play(counters);

        for (String domain : List.of("dane.example", "sts.example", "plain.example")) {
            List<Error> errors = schema.validate(JSON.readTree(TlsReportJson.write(ScriptedDay.report(counters, domain))));
            assertThat(errors).as(domain).isEmpty();
        }
    }

    @Test
    void theReportsWeSendMeetTheSchema() throws Exception {
        TlsReportCounters counters = new TlsReportCounters();
        ScriptedDay.play(counters);

        for (String domain : List.of("dane.example", "sts.example", "plain.example")) {
            TlsReport report = ReportFileTest.REPORTER.report(counters, domain, ScriptedDay.DAY).orElseThrow();
            assertThat(schema.validate(JSON.readTree(TlsReportJson.write(report)))).as(domain).isEmpty();
        }
    }

    @Test
    void theExampleOfTheRfcMeetsTheSchema() throws Exception {
        assertThat(schema.validate(JSON.readTree(TlsReportJsonTest.RFC_EXAMPLE))).isEmpty();
    }

    @Test
    void theSchemaListsEveryResultTypeWeReport() {
        List<String> listed = JSON.convertValue(schemaTree.at("/$defs/result-types-of-section-4.3/enum"),
            JSON.getTypeFactory().constructCollectionType(List.class, String.class));

        assertThat(listed).containsExactlyInAnyOrderElementsOf(
            Arrays.stream(TlsRptResultType.values()).map(TlsRptResultType::spelling).toList());
    }

    /** The schema can fail: the same mutations the parser refuses are refused by the schema. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # reason                      | from                                    | to
        organization-name missing     | "organization-name": "Company-X",       | ''
        start-datetime without zone   | "2016-04-01T00:00:00Z"                  | "2016-04-01T00:00:00"
        policy-type unknown           | "policy-type": "sts"                    | "policy-type": "mta-sts"
        mx-host a single string       | "mx-host": ["*.mail.company-y.example"] | "mx-host": "*.mail.company-y.example"
        count negative                | 5326                                    | -5326
        count a fraction              | 303                                     | 30.3
        failed-session-count missing  | "failed-session-count": 100             | "x": 100
        """)
    void theSchemaRefusesWhatTheParserRefuses(String reason, String from, String to) throws Exception {
        String broken = TlsReportJsonTest.RFC_EXAMPLE.replace(from, to);
        assertThat(broken).as(reason).isNotEqualTo(TlsReportJsonTest.RFC_EXAMPLE);

        assertThat(schema.validate(JSON.readTree(broken))).as(reason).isNotEmpty();
    }
}
