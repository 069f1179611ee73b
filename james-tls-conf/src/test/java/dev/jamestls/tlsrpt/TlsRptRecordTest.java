package dev.jamestls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.dns.DnsAnswer;

/** The {@code _smtp._tls} TXT record (RFC 8460 §3) and the choice among a lookup's records. */
class TlsRptRecordTest {
    @Test
    void readsTheMailtoAndHttpsDestinationsOfTheRfcExamples() throws Exception {
        TlsRptRecord mail = TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:reports@example.com");
        TlsRptRecord web = TlsRptRecord.parse("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt");

        assertThat(mail.destinations()).containsExactly(new ReportUri.Mailto("mailto:reports@example.com", "reports@example.com"));
        assertThat(web.destinations()).containsExactly(new ReportUri.Https("https://reporting.example.com/v1/tlsrpt",
            URI.create("https://reporting.example.com/v1/tlsrpt")));
    }

    @Test
    void keepsSeveralDestinationsInOrderAndSetsOtherSchemesAside() throws Exception {
        TlsRptRecord record = TlsRptRecord.parse(
            "v=TLSRPTv1 ; rua=mailto:a@example.com , https://r.example.com/x,ftp://files.example.com/in;");

        assertThat(record.destinations()).extracting(ReportUri::uri)
            .containsExactly("mailto:a@example.com", "https://r.example.com/x");
        assertThat(record.ignored()).containsExactly("ftp://files.example.com/in");
    }

    @Test
    void ignoresExtensionFieldsAndDecodesPercentEncodedAddresses() throws Exception {
        TlsRptRecord record = TlsRptRecord.parse("v=TLSRPTv1; ext.1=some-value; rua=mailto:tls%2Brpt@example.com; x_y=1");

        assertThat(record.destinations()).containsExactly(new ReportUri.Mailto("mailto:tls%2Brpt@example.com", "tls+rpt@example.com"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # reason                                  | record                                                        | problem
        version missing                           | rua=mailto:a@example.com                                      | NOT_TLSRPT
        version not first                         | rua=mailto:a@example.com; v=TLSRPTv1                          | NOT_TLSRPT
        version of another case                   | v=tlsrptv1; rua=mailto:a@example.com                          | NOT_TLSRPT
        another version                           | v=TLSRPTv2; rua=mailto:a@example.com                          | NOT_TLSRPT
        no rua                                    | v=TLSRPTv1;                                                   | MISSING_RUA
        only an extension                         | v=TLSRPTv1; ext=1                                             | MISSING_RUA
        two rua fields                            | v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com | DUPLICATE_RUA
        empty rua                                 | v=TLSRPTv1; rua=                                              | BAD_URI
        field without value separator             | v=TLSRPTv1; rua                                               | BAD_FIELD
        empty field between separators            | v=TLSRPTv1;; rua=mailto:a@example.com                         | BAD_FIELD
        extension name with a space               | v=TLSRPTv1; e x=1; rua=mailto:a@example.com                   | BAD_FIELD
        extension value with an equals sign       | v=TLSRPTv1; ext=a=b; rua=mailto:a@example.com                 | BAD_FIELD
        a URI without scheme                      | v=TLSRPTv1; rua=reports@example.com                           | BAD_URI
        not a URI                                 | v=TLSRPTv1; rua=https://exa mple.com/                         | BAD_URI
        mailto with a header field                | v=TLSRPTv1; rua=mailto:a@example.com?subject=x                | BAD_URI
        mailto with bcc and subject header fields | v=TLSRPTv1; rua=mailto:a@example.com?subject=x&bcc=v@victim.example | BAD_URI
        mailto with an encoded CR LF and a header | v=TLSRPTv1; rua=mailto:a@example.com%0D%0ABcc:v@victim.example | BAD_URI
        mailto with two encoded addresses         | v=TLSRPTv1; rua=mailto:a@example.com%2Cv@victim.example       | BAD_URI
        mailto with a display name                | v=TLSRPTv1; rua=mailto:Eve%20%3Ca@example.com%3E              | BAD_URI
        https with a bidi override in its path    | v=TLSRPTv1; rua=https://r.example.com/\u202Etxt.exe          | BAD_URI
        https with a non-ASCII host               | v=TLSRPTv1; rua=https://r\u00E9.example.com/                  | BAD_URI
        mailto without a domain                   | v=TLSRPTv1; rua=mailto:reports                                | BAD_URI
        https without host                        | v=TLSRPTv1; rua=https:/reports                                | BAD_URI
        https with user information               | v=TLSRPTv1; rua=https://user@r.example.com/                   | BAD_URI
        """)
    void refusesWhatTheGrammarDoesNotAllow(String reason, String record, TlsRptRecord.Problem problem) {
        String text = record.replace("\\u202E", "\u202E").replace("\\u00E9", "\u00E9");
        TlsRptRecord.FormatException thrown = catchThrowableOfType(() -> TlsRptRecord.parse(text), TlsRptRecord.FormatException.class);

        assertThat(thrown).as(reason).isNotNull();
        assertThat(thrown.problem()).as(reason).isEqualTo(problem);
    }

    /** A remote domain's TXT records are its own text: what a lookup says about them is escaped and bounded for logs. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        a line break forging a log line, no policy     | v=spf1 -all{NL}2026-12-03 ERROR forged line      | 1     | NO_POLICY
        a line break forging a log line, invalid       | v=TLSRPTv1; rua=reports{NL}2026-12-03 ERROR forged | 1   | INVALID
        a terminal escape, several policies            | v=TLSRPTv1; rua=mailto:a@x.example{ESC}[2J        | 2     | SEVERAL_POLICIES
        an over-long record                            | v=TLSRPTv1; rua=mailto:a@x.example; e=            | 60000 | INVALID
        """)
    void whatALookupSaysAboutHostileRecordsIsEscapedAndBounded(String attack, String record, int repeat, Discovery.Status status) {
        String text = record.replace("{NL}", "\n").replace("{ESC}", "\u001b");
        List<String> records = repeat == 2 ? List.of(text, text) : List.of(repeat > 2 ? text + "x".repeat(repeat) + " y" : text);

        Discovery found = Discovery.of(records);

        assertThat(found.status()).as(attack).isEqualTo(status);
        assertThat(found.detail()).as(attack).doesNotContain("\n", "\r", "\u001b").hasSizeLessThanOrEqualTo(Discovery.MAX_DETAIL);
    }

    @Test
    void oneTlsrptRecordAmongOthersIsThePolicy() {
        Discovery found = Discovery.of(List.of("v=spf1 -all", "v=TLSRPTv1; rua=mailto:a@example.com"));

        assertThat(found.status()).isEqualTo(Discovery.Status.FOUND);
        assertThat(found.policy().orElseThrow().destinations()).extracting(ReportUri::uri).containsExactly("mailto:a@example.com");
    }

    @Test
    void noneOrSeveralOrABrokenRecordIsNoPolicyAndAFailedLookupIsTemporary() {
        assertThat(Discovery.of(List.of()).status()).isEqualTo(Discovery.Status.NO_POLICY);
        assertThat(Discovery.of(List.of("v=STSv1; id=1")).status()).isEqualTo(Discovery.Status.NO_POLICY);
        assertThat(Discovery.of(List.of("v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@example.com")).status())
            .as("RFC 8460 §3: more than one record means no policy").isEqualTo(Discovery.Status.SEVERAL_POLICIES);
        assertThat(Discovery.of(List.of("v=TLSRPTv1; rua=reports")).status()).isEqualTo(Discovery.Status.INVALID);
        assertThat(Discovery.of(List.of("v=TLSRPTv10; rua=mailto:a@example.com")).status())
            .as("a longer version is another record").isEqualTo(Discovery.Status.NO_POLICY);

        Discovery failed = Discovery.of(DnsAnswer.<String>failed("SERVFAIL"));
        assertThat(failed.status()).isEqualTo(Discovery.Status.LOOKUP_FAILED);
        assertThat(failed.temporary()).isTrue();
        assertThat(Discovery.of(DnsAnswer.<String>bogus("bad signature")).temporary()).isTrue();
        assertThat(Discovery.of(DnsAnswer.insecure(List.of("v=TLSRPTv1;rua=mailto:a@example.com"), Duration.ofMinutes(5))).status())
            .as("TLSRPT needs no DNSSEC").isEqualTo(Discovery.Status.FOUND);
    }
}
