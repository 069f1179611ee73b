package dev.jamestls.james.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.tlsrpt.DateRange;
import dev.jamestls.tlsrpt.ReportFile;
import dev.jamestls.tlsrpt.ReportSending;
import dev.jamestls.tlsrpt.ReportUri;
import dev.jamestls.tlsrpt.Reporter;

/** A remote domain's {@code mailto:} rua (RFC 8460 §3) must not turn our report into mail to ourselves. */
class TlsReportingTest {
    private static final ReportFile FILE = ReportFile.of(new Reporter("Example Sender", "tlsrpt@sender.example", "sender.example",
        "node1"), "remote.example", DateRange.utcDay(LocalDate.of(2026, 12, 3)), "id-1", "{}");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T00:10:00Z"), ZoneOffset.UTC);

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
        an address at one of our local domains    | tlsrpt@localhost              | PERMANENT | 0
        our postmaster                            | postmaster@james.local        | PERMANENT | 0
        the reported domain's own collector       | tlsrpt@remote.example         | SENT      | 1
        """)
    void aMailtoRuaAtOurOwnAddressesIsRefused(String row, String address, ReportSending.Kind kind, int mails) throws Exception {
        ScriptedMailetContext context = new ScriptedMailetContext();

        ReportSending.Outcome outcome = TlsReporting.mail(new ReportUri.Mailto("mailto:" + address, address), FILE,
            "tlsrpt@sender.example", context.context(), CLOCK);

        assertThat(outcome.kind()).as(row).isEqualTo(kind);
        assertThat(context.allSent()).as(row).hasSize(mails);
    }
}
