package dev.jamestls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.tlsrpt.ReceivedReports.Encoding;
import dev.jamestls.tlsrpt.TlsReportFormatException.Problem;

class ReceivedReportsTest {
    private static final Instant NOW = Instant.parse("2016-04-02T06:00:00Z");

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    private static InputStream stream(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    private static byte[] example() {
        return TlsReportJsonTest.RFC_EXAMPLE.getBytes(StandardCharsets.UTF_8);
    }

    private static Problem problem(byte[] part, Encoding encoding, Instant now) {
        return catchThrowableOfType(() -> ReceivedReports.receive(stream(part), encoding, now, domain -> true),
            TlsReportFormatException.class).problem();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        application/tlsrpt+json                   | JSON
        application/tlsrpt+gzip                   | GZIP
        Application/TLSRPT+GZIP; name="r.json.gz" | GZIP
        application/tlsrpt+json ;charset=utf-8    | JSON
        application/json                          |
        application/gzip                          |
        text/plain                                |
        """)
    void recognisesTheTwoReportMediaTypesOfRfc8460(String contentType, Encoding expected) {
        assertThat(Encoding.ofContentType(contentType)).isEqualTo(Optional.ofNullable(expected));
    }

    @Test
    void readsAPlainJsonReport() throws Exception {
        ReceivedReports.Received received = ReceivedReports.receive(stream(example()), Encoding.JSON, NOW,
            domain -> domain.equals("company-y.example"));

        assertThat(received.report().reportId()).isEqualTo("5065427c-23d3-47ca-b6e0-946ea0e8c4be");
        assertThat(received.ours()).hasSize(1);
        assertThat(received.ours().get(0).failureDetails()).hasSize(3);
        assertThat(received.otherDomains()).isEmpty();
    }

    @Test
    void readsAGzipReport() throws Exception {
        ReceivedReports.Received received = ReceivedReports.receive(stream(gzip(example())), Encoding.GZIP, NOW, domain -> true);

        assertThat(received.report()).isEqualTo(TlsReportJson.parse(TlsReportJsonTest.RFC_EXAMPLE));
    }

    @Test
    void keepsOnlyOurDomainsAndNamesTheOthersOnce() throws Exception {
        ReceivedReports.Received received = ReceivedReports.receive(stream(example()), Encoding.JSON, NOW, domain -> false);

        assertThat(received.ours()).isEmpty();
        assertThat(received.otherDomains()).containsExactly("company-y.example");
        assertThat(received.summaryJson()).contains("\"policies\":[]", "\"other-domains\":[\"company-y.example\"]",
            "\"report-id\":\"5065427c-23d3-47ca-b6e0-946ea0e8c4be\"");
    }

    @Test
    void summaryCarriesOurPoliciesInFull() throws Exception {
        ReceivedReports.Received received = ReceivedReports.receive(stream(example()), Encoding.JSON, NOW, domain -> true);

        assertThat(received.summaryJson()).contains("\"policy-domain\":\"company-y.example\"",
            "\"total-failure-session-count\":303", "\"failure-reason-code\":\"X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED\"",
            "\"other-domains\":[]");
    }

    @Test
    void refusesAPartLargerThanTheSentBoundWithoutReadingItAll() {
        byte[] large = new byte[ReceivedReports.MAX_SENT_BYTES + 1];
        java.util.Arrays.fill(large, (byte) ' ');
        CountingStream counted = new CountingStream(new ByteArrayInputStream(new byte[ReceivedReports.MAX_SENT_BYTES * 4]));

        assertThat(problem(large, Encoding.JSON, NOW)).isEqualTo(Problem.TOO_LARGE);
        assertThat(catchThrowableOfType(() -> ReceivedReports.json(counted, Encoding.JSON), TlsReportFormatException.class)
            .problem()).isEqualTo(Problem.TOO_LARGE);
        assertThat(counted.read).isLessThanOrEqualTo(ReceivedReports.MAX_SENT_BYTES + 1L);
    }

    @Test
    void stopsAGzipBombAtTheInflatedBound() throws Exception {
        byte[] bomb = gzip(new byte[ReceivedReports.MAX_JSON_BYTES * 10]);
        assertThat(bomb.length).isLessThan(ReceivedReports.MAX_SENT_BYTES);

        assertThat(problem(bomb, Encoding.GZIP, NOW)).isEqualTo(Problem.TOO_LARGE);
    }

    /** A hostile report within the size bounds: it must be refused, or read, without exhausting the stack or the heap. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        arrays nested a million deep, as the report            | nested-arrays  | WRONG_TYPE
        objects nested a million deep, as the report           | nested-objects | MISSING
        arrays nested a million deep, as a count               | nested-count   | WRONG_TYPE
        a huge number in a count                               | huge-number    | WRONG_TYPE
        failure-details by the hundred thousand                | many-details   | TOO_LARGE
        policies about other domains by the ten thousand       | many-policies  | TOO_LARGE
        """)
    void aHostileReportWithinTheSizeBoundsIsRefused(String attack, String kind, Problem expected) throws Exception {
        int depth = 1_000_000;
        String json = switch (kind) {
            case "nested-arrays" -> "[".repeat(depth) + "]".repeat(depth);
            case "nested-objects" -> "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            case "huge-number" -> TlsReportJsonTest.RFC_EXAMPLE.replaceFirst("\"total-successful-session-count\": *\\d+",
                "\"total-successful-session-count\": 1" + "0".repeat(100_000));
            case "nested-count" -> TlsReportJsonTest.RFC_EXAMPLE.replaceFirst("\"total-successful-session-count\": *\\d+",
                "\"total-successful-session-count\": " + "[".repeat(depth) + "]".repeat(depth));
            case "many-policies" -> TlsReportJsonTest.RFC_EXAMPLE.replaceFirst("\"policies\": *\\[", "\"policies\": [" + IntStream
                .range(0, 30_000).mapToObj(i -> "{\"policy\":{\"policy-type\":\"no-policy-found\",\"policy-domain\":\"d" + i
                    + ".example\"},\"summary\":{\"total-successful-session-count\":1,\"total-failure-session-count\":0}},")
                .collect(Collectors.joining()));
            default -> TlsReportJsonTest.RFC_EXAMPLE.replaceFirst("\"failure-details\": *\\[", "\"failure-details\": ["
                + "{\"result-type\":\"x\",\"failed-session-count\":1},".repeat(150_000));
        };
        assertThat(json).as(attack).isNotEqualTo(TlsReportJsonTest.RFC_EXAMPLE);
        byte[] part = gzip(json.getBytes(StandardCharsets.UTF_8));
        assertThat(part.length).as(attack).isLessThan(ReceivedReports.MAX_SENT_BYTES);

        long started = System.nanoTime();
        TlsReportFormatException refused = catchThrowableOfType(() -> ReceivedReports.receive(stream(part), Encoding.GZIP, NOW,
            domain -> false), TlsReportFormatException.class);
        assertThat(refused).as(attack).isNotNull();
        assertThat(refused.problem()).as(attack).isEqualTo(expected);
        assertThat(refused.getMessage()).as(attack + ": the detail quotes a bounded part of the peer's JSON")
            .hasSizeLessThan(TlsReportFormatException.MAX_DETAIL + 200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as(attack).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void refusesAGzipPartThatIsPlainJson() {
        assertThat(problem(example(), Encoding.GZIP, NOW)).isEqualTo(Problem.NOT_GZIP);
    }

    @Test
    void refusesATruncatedGzipPart() throws Exception {
        byte[] whole = gzip(example());
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);

        assertThat(problem(truncated, Encoding.GZIP, NOW)).isEqualTo(Problem.NOT_GZIP);
    }

    @Test
    void refusesJsonThatIsNotUtf8() {
        byte[] latin1 = "{\"organization-name\": \"Soci\u00e9t\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(problem(latin1, Encoding.JSON, NOW)).isEqualTo(Problem.NOT_JSON);
    }

    @Test
    void passesOnTheParsersProblemWithItsField() {
        String wrongType = TlsReportJsonTest.RFC_EXAMPLE.replace("5326", "\"5326\"");

        TlsReportFormatException e = catchThrowableOfType(() -> ReceivedReports.receive(stream(wrongType.getBytes(StandardCharsets.UTF_8)),
            Encoding.JSON, NOW, domain -> true), TlsReportFormatException.class);

        assertThat(e.problem()).isEqualTo(Problem.WRONG_TYPE);
        assertThat(e.field()).isEqualTo("$.policies[0].summary.total-successful-session-count");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        2016-04-01T23:59:59Z | 2016-04-01T23:59:59Z | ends before now
        2016-04-02T06:59:59Z | 2016-04-02T06:00:00Z | ends within the skew
        """)
    void acceptsARangeEndingBeforeNowPlusTheSkew(String end, String now, String reason) throws Exception {
        String json = TlsReportJsonTest.RFC_EXAMPLE.replace("2016-04-01T23:59:59Z", end);

        ReceivedReports.Received received = ReceivedReports.receive(stream(json.getBytes(StandardCharsets.UTF_8)), Encoding.JSON,
            Instant.parse(now), domain -> true);

        assertThat(received.report().dateRange().end()).as(reason).isEqualTo(Instant.parse(end));
    }

    @Test
    void refusesARangeEndingBeyondTheSkew() {
        byte[] json = TlsReportJsonTest.RFC_EXAMPLE.replace("2016-04-01T23:59:59Z", "2016-04-02T07:00:01Z")
            .getBytes(StandardCharsets.UTF_8);

        TlsReportFormatException e = catchThrowableOfType(() -> ReceivedReports.receive(stream(json), Encoding.JSON, NOW, domain -> true),
            TlsReportFormatException.class);

        assertThat(e.problem()).isEqualTo(Problem.FUTURE_DATE);
        assertThat(e.field()).isEqualTo("$.date-range.end-datetime");
    }

    private static final class CountingStream extends java.io.FilterInputStream {
        long read;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            read += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            read += Math.max(n, 0);
            return n;
        }
    }
}
