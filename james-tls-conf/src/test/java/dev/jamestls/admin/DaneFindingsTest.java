package dev.jamestls.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.dns.DnsAnswer;
import dev.jamestls.dns.MxRecord;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.OutboundLevel;

/** Which MX hosts DANE authenticates, and what level dane does with the others, as delivery's routing decides (RFC 7672 §2.2). */
class DaneFindingsTest {
    private static final TlsaRecord EE = new TlsaRecord(TlsaRecord.DANE_EE, TlsaRecord.SELECTOR_SPKI, TlsaRecord.MATCH_SHA256,
        HexFormat.of().parseHex("8f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708"));
    /** PKIX-EE (usage 1): published, never usable for SMTP (RFC 7672 §3.1.3). */
    private static final TlsaRecord PKIX_EE = new TlsaRecord(1, TlsaRecord.SELECTOR_SPKI, TlsaRecord.MATCH_SHA256, EE.data());
    private static final DnsAnswer<MxRecord> MX_SECURE = DnsAnswer.secure(List.of(new MxRecord(10, "mx.example")), Duration.ofMinutes(5));
    private static final DnsAnswer<MxRecord> MX_INSECURE = DnsAnswer.insecure(MX_SECURE.records(), Duration.ofMinutes(5));
    private static final DnsAnswer<InetAddress> ADDRESS_SECURE = DnsAnswer.secure(List.of(InetAddress.getLoopbackAddress()), Duration.ofMinutes(5));
    private static final DnsAnswer<InetAddress> ADDRESS_INSECURE = DnsAnswer.insecure(ADDRESS_SECURE.records(), Duration.ofMinutes(5));

    private static Optional<DnsAnswer<TlsaRecord>> tlsa(TlsaRecord... records) {
        return Optional.of(DnsAnswer.secure(List.of(records), Duration.ofMinutes(5)));
    }

    static Stream<Arguments> rows() {
        return Stream.of(
            Arguments.of("usable record, all secure", MX_SECURE, ADDRESS_SECURE, tlsa(EE), true, Optional.of(OutboundLevel.MAY), ""),
            Arguments.of("unsigned MX: may", MX_INSECURE, ADDRESS_INSECURE, Optional.empty(), false,
                Optional.of(OutboundLevel.MAY), "MX records of example are insecure"),
            Arguments.of("bogus MX: deferred", DnsAnswer.<MxRecord>bogus("bad signature"), ADDRESS_SECURE, tlsa(EE), false,
                Optional.empty(), "MX lookup of example bogus (bad signature)"),
            Arguments.of("insecure addresses: may, TLSA not looked up", MX_SECURE, ADDRESS_INSECURE, Optional.empty(), false,
                Optional.of(OutboundLevel.MAY), "addresses of mx.example are insecure"),
            Arguments.of("failed address lookup: host skipped", MX_SECURE, DnsAnswer.<InetAddress>failed("timeout"), Optional.empty(),
                false, Optional.empty(), "addresses of mx.example are failed (timeout)"),
            Arguments.of("bogus TLSA: host skipped", MX_SECURE, ADDRESS_SECURE, Optional.of(DnsAnswer.<TlsaRecord>bogus("expired")), false,
                Optional.empty(), "TLSA lookup of _25._tcp.mx.example bogus (expired)"),
            Arguments.of("no TLSA records: may", MX_SECURE, ADDRESS_SECURE, tlsa(), false, Optional.of(OutboundLevel.MAY),
                "no TLSA records at _25._tcp.mx.example"),
            Arguments.of("only unusable records: encrypt (RFC 7672 §3.1.3)", MX_SECURE, ADDRESS_SECURE, tlsa(PKIX_EE), false,
                Optional.of(OutboundLevel.ENCRYPT), "no usable TLSA record at _25._tcp.mx.example"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decidesAsDeliveryRoutingDoes(String reason, DnsAnswer<MxRecord> mx, DnsAnswer<InetAddress> addresses,
                                      Optional<DnsAnswer<TlsaRecord>> tlsa, boolean usable, Optional<OutboundLevel> withoutDane,
                                      String whyNot) {
        DaneFindings.Host host = new DaneFindings.Host("mx.example", 25, addresses, tlsa, mx.secure());
        DaneFindings findings = new DaneFindings(DomainName.parse("example"), mx, List.of(host));

        assertThat(host.usable()).isEqualTo(usable ? List.of(EE) : List.of());
        assertThat(findings.whyNot(host).orElse("")).startsWith(whyNot);
        if (!usable) {
            assertThat(findings.withoutDane(host)).isEqualTo(withoutDane);
        }
    }

    static Stream<Arguments> levels() {
        LevelVerdict mayPass = verdict(OutboundLevel.MAY, LevelVerdict.Result.PASS);
        LevelVerdict encryptFail = verdict(OutboundLevel.ENCRYPT, LevelVerdict.Result.FAIL);
        LevelVerdict danePass = verdict(OutboundLevel.DANE, LevelVerdict.Result.PASS);
        LevelVerdict daneFail = verdict(OutboundLevel.DANE, LevelVerdict.Result.FAIL);
        LevelVerdict daneNone = verdict(OutboundLevel.DANE, LevelVerdict.Result.NOT_EVALUATED);
        Optional<OutboundLevel> asMay = Optional.of(OutboundLevel.MAY);
        return Stream.of(
            Arguments.of("dane passes on a TLSA match", OutboundLevel.DANE, List.of(mayPass, danePass), asMay, true),
            Arguments.of("dane-only passes on a TLSA match", OutboundLevel.DANE_ONLY, List.of(mayPass, danePass), asMay, true),
            Arguments.of("dane fails on a TLSA mismatch, may or not", OutboundLevel.DANE, List.of(mayPass, daneFail), asMay, false),
            Arguments.of("dane without records is may", OutboundLevel.DANE, List.of(mayPass, daneNone), asMay, true),
            Arguments.of("dane-only without records fails", OutboundLevel.DANE_ONLY, List.of(mayPass, daneNone), asMay, false),
            Arguments.of("dane with unusable records is encrypt", OutboundLevel.DANE, List.of(mayPass, encryptFail, daneNone),
                Optional.of(OutboundLevel.ENCRYPT), false),
            Arguments.of("dane after a bogus lookup defers", OutboundLevel.DANE, List.of(mayPass, daneNone), Optional.empty(), false),
            Arguments.of("other levels read their own row", OutboundLevel.MAY, List.of(mayPass, daneFail), Optional.empty(), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("levels")
    void aTargetPassesALevelAsDeliveryWouldDeliver(String reason, OutboundLevel level, List<LevelVerdict> verdicts,
                                                   Optional<OutboundLevel> withoutDane, boolean passes) {
        assertThat(LevelJudge.passes(level, verdicts, withoutDane)).isEqualTo(passes);
    }

    private static LevelVerdict verdict(OutboundLevel level, LevelVerdict.Result result) {
        return new LevelVerdict(level, result, "", Optional.empty(), Optional.empty());
    }
}
