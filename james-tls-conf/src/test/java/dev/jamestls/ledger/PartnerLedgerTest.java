package dev.jamestls.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.outbound.AttemptRecord;
import dev.jamestls.outbound.AttemptVerdict;
import dev.jamestls.outbound.PolicySource;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.tlsrpt.DateRange;
import dev.jamestls.tlsrpt.FailureDetail;
import dev.jamestls.tlsrpt.PolicyReport;
import dev.jamestls.tlsrpt.PolicyType;
import dev.jamestls.tlsrpt.ReceivedReports;
import dev.jamestls.tlsrpt.ReportedPolicy;
import dev.jamestls.tlsrpt.Summary;
import dev.jamestls.tlsrpt.TlsReport;
import dev.jamestls.verify.TlsRptResultType;

class PartnerLedgerTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path directory;

    @Test
    void recordsBothDirectionsOfOnePartnerInOneRecord() {
        PartnerLedger ledger = new PartnerLedger();
        CertificateFacts client = facts("CN=mta.partner.example", "a", NOW.plus(Duration.ofDays(10)));
        CertificateFacts server = facts("CN=mx.partner.example", "b", NOW.plus(Duration.ofDays(90)));

        ledger.inbound(inbound(NOW, "Partner.Example", "partner", Optional.of(client), Optional.of("partner"), Optional.empty()));
        ledger.inbound(inbound(NOW.plusSeconds(1), "partner.example", "partner", Optional.empty(), Optional.empty(),
            Optional.of(new InboundSeen.Violation("tls-required", "the client did not use STARTTLS"))));
        ledger.outbound(attempt(NOW.plusSeconds(2), "partner.example", AttemptVerdict.DELIVERED, "TLSv1.2"), Optional.of(server));
        ledger.outbound(attempt(NOW.plusSeconds(3), "partner.example", AttemptVerdict.TLS_NOT_SECURED, null), Optional.empty());

        PartnerRecord partner = ledger.partner("PARTNER.example.").orElseThrow();
        assertThat(ledger.partners()).hasSize(1);
        assertThat(partner.domain()).isEqualTo("partner.example");
        assertThat(partner.firstSeen()).isEqualTo(NOW);
        assertThat(partner.lastSeen()).isEqualTo(NOW.plusSeconds(3));
        assertThat(partner.lastInbound()).contains(NOW.plusSeconds(1));
        assertThat(partner.lastOutbound()).contains(NOW.plusSeconds(3));
        assertThat(partner.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(partner.inboundVerdicts()).containsEntry("partner", java.util.Map.of("compliant", 1L, "violation", 1L));
        assertThat(partner.verifiedConnectors()).containsExactly("partner");
        assertThat(partner.inboundIdentity()).contains(InboundIdentity.UNVERIFIED_SENDER_DOMAIN);
        assertThat(partner.outboundResults()).containsEntry("delivered", 1L).containsEntry("tls-not-secured", 1L);
        assertThat(partner.lastFailure()).hasValueSatisfying(failure -> {
            assertThat(failure.direction()).isEqualTo(Direction.OUTBOUND);
            assertThat(failure.kind()).isEqualTo("tls-not-secured");
            assertThat(failure.reason()).contains("mx.partner.example:25").contains("starttls-not-supported");
        });
        assertThat(partner.certificates()).extracting(SeenCertificate::side, SeenCertificate::where, SeenCertificate::check)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(CertificateSide.CLIENT, "partner", "verified"),
                org.assertj.core.groups.Tuple.tuple(CertificateSide.SERVER, "mx.partner.example", "delivered"));
        assertThat(partner.soonestExpiring()).hasValueSatisfying(c -> assertThat(c.daysLeft(NOW)).isEqualTo(10));
    }

    @Test
    void anInboundViolationIsTheLastFailureByItsKindWithTheRuleInTheReason() {
        PartnerLedger ledger = new PartnerLedger();

        ledger.inbound(inbound(NOW, "partner.example", "partner", Optional.empty(), Optional.empty(),
            Optional.of(new InboundSeen.Violation("certificate-required", "connector partner requires one for partner.example"))));

        assertThat(ledger.partner("partner.example").orElseThrow().lastFailure()).hasValueSatisfying(failure -> {
            assertThat(failure.direction()).isEqualTo(Direction.INBOUND);
            assertThat(failure.kind()).isEqualTo("certificate-required");
            assertThat(failure.reason()).isEqualTo("rule partner: connector partner requires one for partner.example");
            assertThat(failure.at()).isEqualTo(NOW);
        });
    }

    @Test
    void dropsTheLeastRecentlySeenPartnerBeyondTheCap() {
        PartnerLedger ledger = new PartnerLedger(3, 10);
        ledger.outbound(attempt(NOW, "a.example", AttemptVerdict.DELIVERED, "TLSv1.3"), Optional.empty());
        ledger.outbound(attempt(NOW.plusSeconds(1), "b.example", AttemptVerdict.DELIVERED, "TLSv1.3"), Optional.empty());
        ledger.outbound(attempt(NOW.plusSeconds(2), "c.example", AttemptVerdict.DELIVERED, "TLSv1.3"), Optional.empty());
        // a is seen again: b is now the least recently seen
        ledger.outbound(attempt(NOW.plusSeconds(3), "a.example", AttemptVerdict.DELIVERED, "TLSv1.3"), Optional.empty());
        ledger.outbound(attempt(NOW.plusSeconds(4), "d.example", AttemptVerdict.DELIVERED, "TLSv1.3"), Optional.empty());

        assertThat(ledger.partners()).extracting(PartnerRecord::domain).containsExactly("d.example", "a.example", "c.example");
        assertThat(ledger.partner("b.example")).isEmpty();
    }

    /** One client flooding MAIL FROM with made-up domains must not push out the partners the ledger is for. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        a thousand made-up MAIL FROM domains from one client | 1000
        """)
    void unverifiedSenderDomainsDoNotPushOutVerifiedPartnersOrOnesWeDeliverTo(String attack, int flood) {
        PartnerLedger ledger = new PartnerLedger(4, 10);
        ledger.outbound(attempt(NOW, "delivered.example", AttemptVerdict.DELIVERED, "TLSv1.3"), Optional.empty());
        ledger.inbound(inbound(NOW, "verified.example", "partners", Optional.empty(), Optional.of("partners"), Optional.empty()));
        for (int i = 0; i < flood; i++) {
            ledger.inbound(inbound(NOW.plusSeconds(1 + i), "random" + i + ".example", "defaults", Optional.empty(), Optional.empty(),
                Optional.empty()));
        }

        assertThat(ledger.size()).as(attack).isEqualTo(4);
        assertThat(ledger.partner("delivered.example")).as(attack).isPresent();
        assertThat(ledger.partner("verified.example")).as(attack).isPresent();
        assertThat(ledger.partner("random" + (flood - 1) + ".example")).as(attack + ": the newest is kept").isPresent();
    }

    @Test
    void keepsEveryPerPartnerSetBounded() {
        PartnerLedger ledger = new PartnerLedger();
        for (int i = 0; i < 40; i++) {
            CertificateFacts leaf = facts("CN=client " + i, Integer.toHexString(i), NOW.plus(Duration.ofDays(100 + i)));
            ledger.inbound(new InboundSeen(NOW.plusSeconds(i), "busy.example", "rule-" + i, "compliant", Optional.empty(),
                Optional.of("TLSv1." + i), Optional.of("CIPHER_" + i), Optional.of(leaf), "not-required", Optional.empty(),
                Optional.of("helo-" + i)));
        }

        PartnerRecord partner = ledger.partner("busy.example").orElseThrow();
        assertThat(partner.protocols()).hasSize(PartnerLedger.MAX_VALUES).endsWith("TLSv1.39");
        assertThat(partner.ciphers()).hasSize(PartnerLedger.MAX_VALUES).endsWith("CIPHER_39");
        assertThat(partner.inboundVerdicts()).hasSize(PartnerLedger.MAX_VALUES).containsKey(Bounded.OTHER);
        assertThat(partner.inboundVerdicts().values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum())
            .as("every decision is still counted").isEqualTo(40);
        assertThat(partner.certificates()).hasSize(PartnerLedger.MAX_CERTIFICATES)
            .last().satisfies(c -> assertThat(c.subject()).isEqualTo("CN=client 39"));
        assertThat(partner.lastHelo()).contains("helo-39");
    }

    @Test
    void keepsTheNewestReceivedReportsAndAddsUpWhatTheySayAboutUs() {
        PartnerLedger ledger = new PartnerLedger(10, 2);
        for (int i = 0; i < 3; i++) {
            ledger.reportReceived(ReceivedReport.of(NOW.plusSeconds(i), "reporter.example", received("report-" + i, 5, 2)));
        }

        assertThat(ledger.receivedReports()).extracting(ReceivedReport::reportId).containsExactly("report-2", "report-1");
        ReportsSaid said = ledger.partner("reporter.example").orElseThrow().reports();
        assertThat(said.reports()).isEqualTo(3);
        assertThat(said.successful()).isEqualTo(15);
        assertThat(said.failed()).isEqualTo(6);
        assertThat(said.failures()).containsEntry("certificate-expired", 6L);
        assertThat(said.lastReportId()).contains("report-2");
        assertThat(ledger.receivedReports().get(0).otherPolicies()).isEqualTo(1);
    }

    /** Attacks by the sender of reports: counts it chooses must not wrap around, nor a replay count twice. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        huge counts, two reports wrap a long around | report-1 | report-2 | 9223372036854775807 | 2 | 9223372036854775807
        the same report replayed                    | report-1 | report-1 | 5                   | 1 | 5
        """)
    void hostileReportCountsNeitherWrapNorAddUpTwice(String attack, String firstId, String secondId, long success, long reports,
                                                     long successful) {
        PartnerLedger ledger = new PartnerLedger();
        ledger.reportReceived(ReceivedReport.of(NOW, "reporter.example", received(firstId, success, success)));
        ledger.reportReceived(ReceivedReport.of(NOW.plusSeconds(1), "reporter.example", received(secondId, success, success)));

        ReportsSaid said = ledger.partner("reporter.example").orElseThrow().reports();
        assertThat(said.reports()).as(attack).isEqualTo(reports);
        assertThat(said.successful()).as(attack).isEqualTo(successful);
        assertThat(said.failed()).as(attack).isEqualTo(successful);
        assertThat(said.failures()).as(attack).containsEntry("certificate-expired", successful);
        assertThat(ledger.receivedReports()).as(attack).hasSize((int) reports);
    }

    @Test
    void policiesOfOneReportDoNotWrapALongAroundEither() {
        PolicyReport huge = new PolicyReport(new ReportedPolicy(PolicyType.STS, List.of(), "ours.example", List.of()),
            new Summary(Long.MAX_VALUE, Long.MAX_VALUE), List.of(detail(Long.MAX_VALUE), detail(Long.MAX_VALUE)));
        TlsReport report = new TlsReport("Reporter Inc", new DateRange(NOW.minus(Duration.ofDays(1)), NOW), "tlsrpt@reporter.example",
            "id", List.of(huge, huge));

        ReceivedReport kept = ReceivedReport.of(NOW, "reporter.example", new ReceivedReports.Received(report, List.of(huge, huge), List.of()));

        assertThat(kept.successful()).isEqualTo(Long.MAX_VALUE);
        assertThat(kept.failed()).isEqualTo(Long.MAX_VALUE);
        assertThat(kept.ours().get(0).failures()).containsEntry("certificate-expired", Long.MAX_VALUE);
    }

    private static FailureDetail detail(long count) {
        return new FailureDetail("certificate-expired", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), count,
            Optional.empty(), Optional.empty());
    }

    @Test
    void tellsListenersOfEachCertificateOnceAndOutsideTheUpdate() {
        PartnerLedger ledger = new PartnerLedger();
        List<PartnerLedger.NewCertificate> told = new ArrayList<>();
        ledger.onNewCertificate(certificate -> {
            // the ledger is readable from a listener: it is not called under the ledger's lock by another thread's update
            assertThat(ledger.partner(certificate.partner())).isPresent();
            told.add(certificate);
        });
        CertificateFacts client = facts("CN=mta.partner.example", "a", NOW.plus(Duration.ofDays(10)));

        ledger.inbound(inbound(NOW, "partner.example", "partner", Optional.of(client), Optional.of("partner"), Optional.empty()));
        ledger.inbound(inbound(NOW.plusSeconds(5), "partner.example", "partner", Optional.of(client), Optional.of("partner"),
            Optional.empty()));

        assertThat(told).singleElement().satisfies(c -> {
            assertThat(c.partner()).isEqualTo("partner.example");
            assertThat(c.certificate().sha256()).isEqualTo(client.sha256());
        });
        assertThat(ledger.partner("partner.example").orElseThrow().certificates()).singleElement()
            .satisfies(c -> assertThat(c.lastSeen()).isEqualTo(NOW.plusSeconds(5)));
    }

    /** Hostile peer text, one row per attack: whatever a peer chose leaves the ledger escaped and bounded. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        forged log line in a subject          | CN=evil\\r\\nINFO inbound-tls verdict=compliant
        terminal escape in a subject          | CN=\\u001b[2Jcleared
        bidirectional override in a subject   | CN=\\u202etxt.exe
        NUL byte                              | CN=a\\u0000b
        line separator                        | CN=a\\u2028b
        backslash looks like an escape        | CN=a\\\\x0Db
        huge subject                          | HUGE
        """)
    void escapesAndBoundsHostileTextInSubjectsAndEhloNames(String attack, String pattern) throws IOException {
        String hostile = pattern.equals("HUGE") ? "CN=" + "\r\n".repeat(5_000) : unescape(pattern);
        PartnerLedger ledger = new PartnerLedger();
        CertificateFacts leaf = facts(hostile, "c", NOW.plus(Duration.ofDays(30)));
        ledger.inbound(new InboundSeen(NOW, "partner.example", hostile, "violation", Optional.of(new InboundSeen.Violation(hostile, hostile)), Optional.of("TLSv1.3"),
            Optional.of("TLS_AES_128_GCM_SHA256"), Optional.of(leaf), "rejected", Optional.empty(), Optional.of(hostile)));

        PartnerRecord partner = ledger.partner("partner.example").orElseThrow();
        List<String> texts = List.of(partner.certificates().get(0).subject(), partner.lastHelo().orElseThrow(),
            partner.lastFailure().orElseThrow().reason(), partner.lastFailure().orElseThrow().kind(),
            partner.inboundVerdicts().keySet().iterator().next());
        assertThat(texts).as(attack).allSatisfy(text -> {
            assertThat(PeerText.hasControlCharacters(text)).isFalse();
            assertThat(text.length()).isLessThanOrEqualTo(LedgerText.MAX_LENGTH);
        });
        if (hostile.length() < 100) {
            assertThat(partner.certificates().get(0).subject()).as(attack + ": reversible").isEqualTo(PeerText.escape(hostile));
        }
        // and it stays so across the file
        LedgerFile file = new LedgerFile(directory.resolve("ledger.json"), Clock.fixed(NOW, ZoneOffset.UTC));
        file.save(ledger.contents());
        assertThat(Files.readString(file.file())).doesNotContain("\r", "\n", "\u001b", "\u202e", "\u2028");
        assertThat(file.load().partners()).containsExactly(partner);
    }

    @Test
    void theFileKeepsTheLedgerAcrossARestart() throws IOException {
        PartnerLedger ledger = new PartnerLedger();
        ledger.inbound(inbound(NOW, "partner.example", "partner", Optional.of(facts("CN=x", "d", NOW.plus(Duration.ofDays(3)))),
            Optional.of("partner"), Optional.of(new InboundSeen.Violation("protocol-too-old", "TLSv1.1 < TLSv1.2"))));
        ledger.outbound(attempt(NOW.plusSeconds(1), "other.example", AttemptVerdict.DELIVERED, "TLSv1.3"), Optional.empty());
        ledger.reportReceived(ReceivedReport.of(NOW.plusSeconds(2), "reporter.example", received("r1", 1, 1)));
        LedgerFile file = new LedgerFile(directory.resolve("var/jamestls/ledger.json"), Clock.fixed(NOW, ZoneOffset.UTC));

        file.save(ledger.contents());
        PartnerLedger restarted = new PartnerLedger();
        restarted.restore(file.load());

        assertThat(restarted.partners()).isEqualTo(ledger.partners());
        assertThat(restarted.receivedReports()).isEqualTo(ledger.receivedReports());
        try (var files = Files.list(file.file().getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(file.file());
        }
    }

    @Test
    void aFileThatIsNotALedgerIsSetAsideAndTheLedgerStartsEmpty() throws IOException {
        Path path = directory.resolve("ledger.json");
        Files.writeString(path, "{\"format\": 1, \"partners\": [{\"domain\": 7}], \"reportsReceived\": []}");

        LedgerFile.Contents contents = new LedgerFile(path, Clock.systemUTC()).load();

        assertThat(contents).isEqualTo(LedgerFile.Contents.EMPTY);
        assertThat(directory.resolve("ledger.json.corrupt")).exists();
        assertThat(path).doesNotExist();
    }

    @Test
    void restoringKeepsTheCapAndTheLastSeenOrder() {
        PartnerLedger big = new PartnerLedger();
        IntStream.range(0, 5).forEach(i ->
            big.outbound(attempt(NOW.plusSeconds(i), "p" + i + ".example", AttemptVerdict.DELIVERED, "TLSv1.3"), Optional.empty()));
        PartnerLedger small = new PartnerLedger(2, 1);

        small.restore(big.contents());

        assertThat(small.partners()).extracting(PartnerRecord::domain).containsExactly("p4.example", "p3.example");
    }

    static InboundSeen inbound(Instant at, String domain, String rule, Optional<CertificateFacts> certificate,
                               Optional<String> verified, Optional<InboundSeen.Violation> violation) {
        return new InboundSeen(at, domain, rule, violation.isPresent() ? "violation" : "compliant", violation, Optional.of("TLSv1.3"),
            Optional.of("TLS_AES_128_GCM_SHA256"), certificate, verified.isPresent() ? "verified" : "not-checked", verified,
            Optional.of("mta.partner.example"));
    }

    static AttemptRecord attempt(Instant at, String domain, AttemptVerdict verdict, String protocol) {
        boolean tls = protocol != null;
        return new AttemptRecord(at, domain, "defaults", RuleKind.DEFAULTS, Mode.ENFORCE, OutboundLevel.ENCRYPT,
            "mx." + domain, 25, Optional.of("192.0.2.1"), tls, tls ? TlsStage.ESTABLISHED : TlsStage.NOT_OFFERED,
            Optional.ofNullable(protocol), tls ? Optional.of("TLS_AES_256_GCM_SHA384") : Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), verdict,
            tls ? Optional.empty() : Optional.of(TlsRptResultType.STARTTLS_NOT_SUPPORTED),
            tls ? "delivered" : "the server did not offer STARTTLS", List.of(), Optional.empty(), PolicySource.DEFAULT);
    }

    static CertificateFacts facts(String subject, String seed, Instant notAfter) {
        String sha = (seed + "0".repeat(64)).substring(0, 64);
        return new CertificateFacts(subject, "CN=Partner CA", "1", notAfter.minus(Duration.ofDays(365)), notAfter, List.of(),
            List.of(), sha, "pin", "EC", 256, "SHA256withECDSA", List.of(), List.of(), List.of());
    }

    static ReceivedReports.Received received(String id, long success, long failure) {
        PolicyReport ours = new PolicyReport(new ReportedPolicy(PolicyType.STS, List.of("version: STSv1"), "ours.example", List.of()),
            new Summary(success, failure), List.of(new FailureDetail("certificate-expired", Optional.empty(), Optional.of("mx.ours.example"),
                Optional.empty(), Optional.empty(), failure, Optional.empty(), Optional.empty())));
        PolicyReport other = new PolicyReport(new ReportedPolicy(PolicyType.NO_POLICY_FOUND, List.of(), "other.example", List.of()),
            new Summary(1, 0), List.of());
        TlsReport report = new TlsReport("Reporter Inc", new DateRange(NOW.minus(Duration.ofDays(1)), NOW), "tlsrpt@reporter.example",
            id, List.of(ours, other));
        return new ReceivedReports.Received(report, List.of(ours), List.of("other.example"));
    }

    /** {@code \r}, {@code \n}, {@code \\uXXXX} and {@code \\\\} in a table cell, as Java would read them. */
    private static String unescape(String cell) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < cell.length(); i++) {
            char c = cell.charAt(i);
            if (c != '\\' || i + 1 == cell.length()) {
                out.append(c);
                continue;
            }
            char next = cell.charAt(++i);
            switch (next) {
                case 'r' -> out.append('\r');
                case 'n' -> out.append('\n');
                case 'u' -> {
                    out.append((char) Integer.parseInt(cell.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}
