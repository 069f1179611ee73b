package dev.jamestls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.tlsrpt.TlsReportFormatException.Problem;

class TlsReportJsonTest {
    /** The example report of RFC 8460 Appendix B, {@code mx-host} an array as corrected by erratum 6241. */
    static final String RFC_EXAMPLE = """
        {
          "organization-name": "Company-X",
          "date-range": {
            "start-datetime": "2016-04-01T00:00:00Z",
            "end-datetime": "2016-04-01T23:59:59Z"
          },
          "contact-info": "sts-reporting@company-x.example",
          "report-id": "5065427c-23d3-47ca-b6e0-946ea0e8c4be",
          "policies": [{
            "policy": {
              "policy-type": "sts",
              "policy-string": ["version: STSv1","mode: testing",
                    "mx: *.mail.company-y.example","max_age: 86400"],
              "policy-domain": "company-y.example",
              "mx-host": ["*.mail.company-y.example"]
            },
            "summary": {
              "total-successful-session-count": 5326,
              "total-failure-session-count": 303
            },
            "failure-details": [{
              "result-type": "certificate-expired",
              "sending-mta-ip": "2001:db8:abcd:0012::1",
              "receiving-mx-hostname": "mx1.mail.company-y.example",
              "failed-session-count": 100
            }, {
              "result-type": "starttls-not-supported",
              "sending-mta-ip": "2001:db8:abcd:0013::1",
              "receiving-mx-hostname": "mx2.mail.company-y.example",
              "receiving-ip": "203.0.113.56",
              "failed-session-count": 200,
              "additional-information": "https://reports.company-x.example/report_info?id=5065427c-23d3#StarttlsNotSupported"
            }, {
              "result-type": "validation-failure",
              "sending-mta-ip": "198.51.100.62",
              "receiving-ip": "203.0.113.58",
              "receiving-mx-hostname": "mx-backup.mail.company-y.example",
              "failed-session-count": 3,
              "failure-reason-code": "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED"
            }]
          }]
        }
        """;

    @Test
    void parsesTheExampleOfTheRfc() throws Exception {
        TlsReport report = TlsReportJson.parse(RFC_EXAMPLE);

        assertThat(report.organizationName()).isEqualTo("Company-X");
        assertThat(report.dateRange()).isEqualTo(new DateRange(Instant.parse("2016-04-01T00:00:00Z"),
            Instant.parse("2016-04-01T23:59:59Z")));
        PolicyReport policy = report.policies().get(0);
        assertThat(policy.policy()).isEqualTo(new ReportedPolicy(PolicyType.STS,
            List.of("version: STSv1", "mode: testing", "mx: *.mail.company-y.example", "max_age: 86400"),
            "company-y.example", List.of("*.mail.company-y.example")));
        assertThat(policy.summary()).isEqualTo(new Summary(5326, 303));
        assertThat(policy.failureDetails().get(2)).isEqualTo(new FailureDetail("validation-failure",
            Optional.of("198.51.100.62"), Optional.of("mx-backup.mail.company-y.example"), Optional.empty(),
            Optional.of("203.0.113.58"), 3, Optional.empty(), Optional.of("X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED")));
    }

    @Test
    void writerAndParserRoundTrip() throws Exception {
        TlsReport example = TlsReportJson.parse(RFC_EXAMPLE);
        TlsReportCounters counters = new TlsReportCounters();
        ScriptedDay.play(counters);

        assertThat(TlsReportJson.parse(TlsReportJson.write(example))).isEqualTo(example);
        for (String domain : List.of("dane.example", "sts.example", "plain.example")) {
            TlsReport report = ScriptedDay.report(counters, domain);
            assertThat(TlsReportJson.parse(TlsReportJson.write(report))).isEqualTo(report);
        }
    }

    @Test
    void writesMembersInTheOrderOfTheRfcAndLeavesOutAbsentOnes() {
        TlsReportCounters counters = new TlsReportCounters();
        ScriptedDay.play(counters);

        assertThat(TlsReportJson.write(ScriptedDay.report(counters, "plain.example"))).isEqualTo(
            "{\"organization-name\":\"Example Sender\",\"date-range\":{\"start-datetime\":\"2026-12-03T00:00:00Z\","
                + "\"end-datetime\":\"2026-12-03T23:59:59Z\"},\"contact-info\":\"tlsrpt@sender.example\","
                + "\"report-id\":\"2026-12-03_plain.example\",\"policies\":[{\"policy\":{\"policy-type\":\"no-policy-found\","
                + "\"policy-domain\":\"plain.example\"},\"summary\":{\"total-successful-session-count\":1,"
                + "\"total-failure-session-count\":2},\"failure-details\":[{\"result-type\":\"starttls-not-supported\","
                + "\"receiving-mx-hostname\":\"mx.plain.example\",\"receiving-ip\":\"203.0.113.5\",\"failed-session-count\":2}]}]}");
    }

    @Test
    void acceptsUnknownMembersAndUnknownResultTypes() throws Exception {
        String extended = RFC_EXAMPLE
            .replace("\"organization-name\"", "\"x-reporter-version\": 3, \"organization-name\"")
            .replace("\"policy-type\"", "\"x-policy-note\": {\"a\": 1}, \"policy-type\"")
            .replace("\"result-type\": \"certificate-expired\"", "\"result-type\": \"x-future-type\", \"x-extra\": [1]");

        TlsReport report = TlsReportJson.parse(extended);

        assertThat(report.policies().get(0).failureDetails().get(0).resultType()).isEqualTo("x-future-type");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # reason                          | from                                           | to                                           | problem        | field
        not JSON                          | "organization-name": "Company-X",              | "organization-name": Company-X,              | NOT_JSON       | $
        organization-name missing         | "organization-name": "Company-X",              | ''                                           | MISSING        | $.organization-name
        contact-info a number             | "sts-reporting@company-x.example"              | 42                                           | WRONG_TYPE     | $.contact-info
        report-id empty                   | "5065427c-23d3-47ca-b6e0-946ea0e8c4be"         | ""                                           | BAD_VALUE      | $.report-id
        date-range a string               | "date-range": {                                | "date-range": "2016", "x": {                 | WRONG_TYPE     | $.date-range
        start-datetime without zone       | "2016-04-01T00:00:00Z"                         | "2016-04-01T00:00:00"                        | BAD_DATE       | $.date-range.start-datetime
        end-datetime not a date           | "2016-04-01T23:59:59Z"                         | "yesterday"                                  | BAD_DATE       | $.date-range.end-datetime
        end before start                  | "2016-04-01T23:59:59Z"                         | "2016-03-31T23:59:59Z"                       | BAD_DATE       | $.date-range
        policies a string                 | "policies": [{                                 | "policies": "none", "x": [{                  | WRONG_TYPE     | $.policies
        policy-type unknown               | "policy-type": "sts"                           | "policy-type": "mta-sts"                     | BAD_VALUE      | $.policies[0].policy.policy-type
        policy-domain missing             | "policy-domain": "company-y.example",          | ''                                           | MISSING        | $.policies[0].policy.policy-domain
        mx-host a single string           | "mx-host": ["*.mail.company-y.example"]        | "mx-host": "*.mail.company-y.example"        | WRONG_TYPE     | $.policies[0].policy.mx-host
        policy-string holds a number      | "max_age: 86400"]                              | 86400]                                       | WRONG_TYPE     | $.policies[0].policy.policy-string[3]
        successful count negative         | 5326                                           | -5326                                        | NEGATIVE_COUNT | $.policies[0].summary.total-successful-session-count
        failure count a fraction          | 303                                            | 30.3                                         | WRONG_TYPE     | $.policies[0].summary.total-failure-session-count
        failure count a string            | 303                                            | "303"                                        | WRONG_TYPE     | $.policies[0].summary.total-failure-session-count
        summary missing                   | "summary": {                                   | "x-summary": {                               | MISSING        | $.policies[0].summary
        failed-session-count negative     | "failed-session-count": 100                    | "failed-session-count": -1                   | NEGATIVE_COUNT | $.policies[0].failure-details[0].failed-session-count
        failed-session-count missing      | "failed-session-count": 100                    | "x": 100                                     | MISSING        | $.policies[0].failure-details[0].failed-session-count
        result-type missing               | "result-type": "certificate-expired",          | ''                                           | MISSING        | $.policies[0].failure-details[0].result-type
        receiving-ip a number             | "receiving-ip": "203.0.113.56"                 | "receiving-ip": 203                          | WRONG_TYPE     | $.policies[0].failure-details[1].receiving-ip
        failure-details a string          | "failure-details": [{                          | "failure-details": "none", "x": [{           | WRONG_TYPE     | $.policies[0].failure-details
        """)
    void refusesMalformedReports(String reason, String from, String to, Problem problem, String field) {
        String broken = brokenExample(from, to);

        TlsReportFormatException refused = catchThrowableOfType(() -> TlsReportJson.parse(broken), TlsReportFormatException.class);

        assertThat(refused).as(reason).isNotNull();
        assertThat(refused.problem()).as(reason).isEqualTo(problem);
        assertThat(refused.field()).as(reason).isEqualTo(field);
    }

    @Test
    void refusesTrailingContentAndAnEmptyDocument() {
        assertThat(catchThrowableOfType(() -> TlsReportJson.parse(RFC_EXAMPLE + "{}"), TlsReportFormatException.class).problem())
            .isEqualTo(Problem.NOT_JSON);
        assertThat(catchThrowableOfType(() -> TlsReportJson.parse(""), TlsReportFormatException.class).problem())
            .isEqualTo(Problem.NOT_JSON);
        assertThat(catchThrowableOfType(() -> TlsReportJson.parse("[]"), TlsReportFormatException.class).problem())
            .isEqualTo(Problem.WRONG_TYPE);
    }

    /** The RFC example with the first {@code from} replaced by {@code to}. */
    private static String brokenExample(String from, String to) {
        assertThat(RFC_EXAMPLE).contains(from);
        return RFC_EXAMPLE.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
    }
}
