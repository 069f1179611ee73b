package dev.jamestls.tlsrpt;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.mtasts.StsMode;
import dev.jamestls.mtasts.StsPolicy;
import dev.jamestls.outbound.AttemptRecord;
import dev.jamestls.outbound.AttemptVerdict;
import dev.jamestls.outbound.PolicySource;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.verify.TlsRptResultType;

/**
 * One UTC day of deliveries to a DANE domain, an MTA-STS domain (testing mode) and a domain without a published
 * policy, with an attempt on the day before and the day after; the expected reports are hand-checked.
 */
final class ScriptedDay {
    static final LocalDate DAY = LocalDate.of(2026, 12, 3);
    static final TlsaRecord TLSA = new TlsaRecord(3, 1, 1, HexFormat.of().parseHex("ab".repeat(32)));
    static final StsPolicy STS = new StsPolicy(StsMode.TESTING, List.of("*.sts.example"), Duration.ofDays(1), "20261201",
        Instant.parse("2026-12-03T00:00:00Z"));

    private ScriptedDay() {
    }

    /** Plays the day into {@code counters}. */
    static void play(TlsReportCounters counters) {
        PolicyDetails mx1 = PolicyDetails.tlsa("mx1.dane.example", 25, List.of(TLSA));
        PolicyDetails mx2 = PolicyDetails.tlsa("mx2.dane.example", 25, List.of(TLSA));
        PolicyDetails sts = PolicyDetails.sts(STS);
        PolicyDetails none = PolicyDetails.none();

        counters.record(attempt("2026-12-02T23:59:59Z", "dane.example", PolicySource.DANE, "mx1.dane.example", "192.0.2.11",
            TlsStage.ESTABLISHED, null), mx1);
        for (String at : List.of("2026-12-03T00:00:00Z", "2026-12-03T08:15:00Z", "2026-12-03T23:59:59Z")) {
            counters.record(attempt(at, "dane.example", PolicySource.DANE, "mx1.dane.example", "192.0.2.11",
                TlsStage.ESTABLISHED, null), mx1);
        }
        for (String at : List.of("2026-12-03T09:00:00Z", "2026-12-03T10:00:00Z")) {
            counters.record(attempt(at, "dane.example", PolicySource.DANE, "mx2.dane.example", "192.0.2.12",
                TlsStage.HANDSHAKE_FAILED, TlsRptResultType.TLSA_INVALID), mx2);
        }
        counters.record(attempt("2026-12-04T00:00:00Z", "dane.example", PolicySource.DANE, "mx2.dane.example", "192.0.2.12",
            TlsStage.HANDSHAKE_FAILED, TlsRptResultType.TLSA_INVALID), mx2);

        counters.record(attempt("2026-12-03T11:00:00Z", "sts.example", PolicySource.MTA_STS, "mx1.sts.example", "198.51.100.21",
            TlsStage.ESTABLISHED, null), sts);
        counters.record(attempt("2026-12-03T11:05:00Z", "sts.example", PolicySource.MTA_STS, "mx1.sts.example", "198.51.100.21",
            TlsStage.ESTABLISHED, TlsRptResultType.CERTIFICATE_EXPIRED), sts);
        counters.record(attempt("2026-12-03T11:10:00Z", "sts.example", PolicySource.MTA_STS, "mx2.sts.example", "198.51.100.22",
            TlsStage.ESTABLISHED, TlsRptResultType.CERTIFICATE_EXPIRED), sts);
        counters.record(attempt("2026-12-03T12:00:00Z", "sts.example", PolicySource.MTA_STS, "mx1.sts.example", "198.51.100.21",
            TlsStage.ESTABLISHED, TlsRptResultType.CERTIFICATE_EXPIRED), sts);
        counters.record(attempt("2026-12-03T12:30:00Z", "sts.example", PolicySource.MTA_STS, "mx1.sts.example", "198.51.100.21",
            TlsStage.ESTABLISHED, null), sts);

        counters.record(attempt("2026-12-03T13:00:00Z", "plain.example", PolicySource.DEFAULT, "mx.plain.example", "203.0.113.5",
            TlsStage.NOT_OFFERED, TlsRptResultType.STARTTLS_NOT_SUPPORTED), none);
        counters.record(attempt("2026-12-03T14:00:00Z", "plain.example", PolicySource.CONNECTOR, "mx.plain.example", "203.0.113.5",
            TlsStage.NOT_OFFERED, TlsRptResultType.STARTTLS_NOT_SUPPORTED), none);
        counters.record(attempt("2026-12-03T15:00:00Z", "plain.example", PolicySource.DEFAULT, "mx.plain.example", "203.0.113.5",
            TlsStage.ESTABLISHED, null), none);
        counters.record(attempt("2026-12-03T16:00:00Z", "plain.example", PolicySource.DEFAULT, "mx.plain.example", null,
            TlsStage.CONNECT_FAILED, null), none);
    }

    static final String DANE_REPORT = """
        {
          "organization-name": "Example Sender",
          "date-range": {"start-datetime": "2026-12-03T00:00:00Z", "end-datetime": "2026-12-03T23:59:59Z"},
          "contact-info": "tlsrpt@sender.example",
          "report-id": "2026-12-03_dane.example",
          "policies": [
            {
              "policy": {
                "policy-type": "tlsa",
                "policy-string": ["_25._tcp.mx1.dane.example. IN TLSA 3 1 1 abababababababababababababababababababababababababababababababab"],
                "policy-domain": "dane.example",
                "mx-host": ["mx1.dane.example"]
              },
              "summary": {"total-successful-session-count": 3, "total-failure-session-count": 0}
            },
            {
              "policy": {
                "policy-type": "tlsa",
                "policy-string": ["_25._tcp.mx2.dane.example. IN TLSA 3 1 1 abababababababababababababababababababababababababababababababab"],
                "policy-domain": "dane.example",
                "mx-host": ["mx2.dane.example"]
              },
              "summary": {"total-successful-session-count": 0, "total-failure-session-count": 2},
              "failure-details": [
                {"result-type": "tlsa-invalid", "receiving-mx-hostname": "mx2.dane.example", "receiving-ip": "192.0.2.12",
                 "failed-session-count": 2}
              ]
            }
          ]
        }
        """;

    static final String STS_REPORT = """
        {
          "organization-name": "Example Sender",
          "date-range": {"start-datetime": "2026-12-03T00:00:00Z", "end-datetime": "2026-12-03T23:59:59Z"},
          "contact-info": "tlsrpt@sender.example",
          "report-id": "2026-12-03_sts.example",
          "policies": [
            {
              "policy": {
                "policy-type": "sts",
                "policy-string": ["version: STSv1", "mode: testing", "mx: *.sts.example", "max_age: 86400"],
                "policy-domain": "sts.example",
                "mx-host": ["*.sts.example"]
              },
              "summary": {"total-successful-session-count": 2, "total-failure-session-count": 3},
              "failure-details": [
                {"result-type": "certificate-expired", "receiving-mx-hostname": "mx1.sts.example", "receiving-ip": "198.51.100.21",
                 "failed-session-count": 2},
                {"result-type": "certificate-expired", "receiving-mx-hostname": "mx2.sts.example", "receiving-ip": "198.51.100.22",
                 "failed-session-count": 1}
              ]
            }
          ]
        }
        """;

    static final String PLAIN_REPORT = """
        {
          "organization-name": "Example Sender",
          "date-range": {"start-datetime": "2026-12-03T00:00:00Z", "end-datetime": "2026-12-03T23:59:59Z"},
          "contact-info": "tlsrpt@sender.example",
          "report-id": "2026-12-03_plain.example",
          "policies": [
            {
              "policy": {"policy-type": "no-policy-found", "policy-domain": "plain.example"},
              "summary": {"total-successful-session-count": 1, "total-failure-session-count": 2},
              "failure-details": [
                {"result-type": "starttls-not-supported", "receiving-mx-hostname": "mx.plain.example", "receiving-ip": "203.0.113.5",
                 "failed-session-count": 2}
              ]
            }
          ]
        }
        """;

    static TlsReport report(TlsReportCounters counters, String domain) {
        return counters.reportFor(domain, DAY, "Example Sender", "tlsrpt@sender.example", "2026-12-03_" + domain).orElseThrow();
    }

    /** An attempt as the delivery records it; {@code ip} and {@code type} may be null. */
    static AttemptRecord attempt(String at, String domain, PolicySource source, String mx, String ip, TlsStage stage,
                                 TlsRptResultType type) {
        AttemptVerdict verdict = stage == TlsStage.CONNECT_FAILED ? AttemptVerdict.CONNECTION_FAILED
            : type == null || source == PolicySource.MTA_STS ? AttemptVerdict.DELIVERED : AttemptVerdict.TLS_NOT_SECURED;
        OutboundLevel level = switch (source) {
            case DANE -> OutboundLevel.DANE;
            case MTA_STS -> OutboundLevel.VERIFY;
            case CONNECTOR -> OutboundLevel.ENCRYPT;
            case DEFAULT -> OutboundLevel.MAY;
        };
        RuleKind kind = source == PolicySource.CONNECTOR ? RuleKind.CONNECTOR : RuleKind.DEFAULTS;
        boolean established = stage == TlsStage.ESTABLISHED;
        return new AttemptRecord(Instant.parse(at), domain, kind == RuleKind.CONNECTOR ? "partner" : "defaults", kind,
            source == PolicySource.MTA_STS ? Mode.TESTING : Mode.ENFORCE, level, mx, 25, Optional.ofNullable(ip),
            stage != TlsStage.NOT_OFFERED && stage != TlsStage.CONNECT_FAILED, stage,
            established ? Optional.of("TLSv1.3") : Optional.empty(),
            established ? Optional.of("TLS_AES_128_GCM_SHA256") : Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), verdict, Optional.ofNullable(type), type == null ? "ok" : type.spelling(), List.of(),
            Optional.empty(), source);
    }
}
