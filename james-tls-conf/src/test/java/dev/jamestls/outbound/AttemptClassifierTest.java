package dev.jamestls.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.policy.CipherPolicy;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.MatchName;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.revocation.RevocationReport;
import dev.jamestls.smtp.PeerReply;
import dev.jamestls.tls.TlsProtocol;
import dev.jamestls.verify.VerificationKind;
import dev.jamestls.verify.VerificationOutcome;

/** The level × outcome table of one attempt, and what a round becomes. */
class AttemptClassifierTest {
    static final X509Certificate ANCHOR = CertificateAuthority.root("CN=Test Root", Instant.now()).certificate().certificate();
    static final DomainName DOMAIN = DomainName.parse("partner.example");
    static final DeliveryTarget MX = new DeliveryTarget(DomainName.parse("mx1.partner.example"), 25, TargetSource.MX, 0);
    static final String PIN = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    @ParameterizedTest(name = "{0} / {1} -> {2} {3}")
    @CsvSource({
        // level, what happened, verdict, result type, reason
        "none, clear-sent, delivered-in-clear, -, level none",
        "may, not-offered-sent, delivered-in-clear, starttls-not-supported, may falls back to clear text",
        "may, refused, tls-not-secured, starttls-not-supported, may retries this host in clear text",
        "may, handshake-expired, tls-not-secured, certificate-expired, may retries this host in clear text",
        "may, established-expired-sent, delivered, certificate-expired, recorded not enforced",
        "encrypt, established-expired-sent, delivered, certificate-expired, encrypt does not check the chain",
        "encrypt, not-offered, tls-not-secured, starttls-not-supported, mandatory: no clear text",
        "encrypt, handshake-plain, tls-not-secured, validation-failure, protocol or cipher mismatch",
        "may, protocol-version, tls-not-secured, validation-failure, TLS 1.1-only peer: may retries this host in clear text",
        "encrypt, protocol-version, tls-not-secured, validation-failure, TLS 1.1-only peer under a mandatory level",
        "verify, handshake-name, tls-not-secured, certificate-host-mismatch, wrong name",
        "verify, handshake-untrusted, tls-not-secured, certificate-not-trusted, unknown CA",
        "verify, refused, tls-not-secured, starttls-not-supported, 454 to STARTTLS",
        "verify, established-sent, delivered, -, all good",
        "verify, established-rejected-550, rejected-permanently, -, peer refuses the message",
        "verify, established-rejected-451, rejected-temporarily, -, peer defers the message",
        "verify, connect-failed, connection-failed, -, no TCP connection",
        "secure, handshake-name, tls-not-secured, certificate-host-mismatch, match names not met",
        "fingerprint, handshake-pin, tls-not-secured, certificate-not-trusted, pin mismatch",
        "verify, client-certificate-required, tls-not-secured, validation-failure, destination demands a client certificate",
        "encrypt, client-certificate-required, tls-not-secured, validation-failure, mandatory: no clear text",
        "may, client-certificate-required, tls-not-secured, validation-failure, may retries this host in clear text",
    })
    void classifiesEveryLevelAndOutcome(String level, String happened, String verdict, String resultType, String reason) {
        TlsPlan plan = TlsPlan.forTarget(requirement(OutboundLevel.parse(level), Failure.TEMPORARY), Mode.ENFORCE, DOMAIN, MX, List.of(ANCHOR));

        AttemptClassification classification = AttemptClassifier.classify(plan, observation(happened));

        assertThat(classification.verdict().spelling()).as(reason).isEqualTo(verdict);
        assertThat(classification.resultType().map(Object::toString).orElse("-")).as(reason).isEqualTo(resultType);
    }

    @Test
    void aRefusedClientCertificateSaysSoAndIsRetriedInClearOnlyUnderMay() {
        TlsPlan may = TlsPlan.forTarget(requirement(OutboundLevel.MAY, Failure.TEMPORARY), Mode.ENFORCE, DOMAIN, MX, List.of(ANCHOR));
        TlsPlan verify = TlsPlan.forTarget(requirement(OutboundLevel.VERIFY, Failure.TEMPORARY), Mode.ENFORCE, DOMAIN, MX, List.of(ANCHOR));

        AttemptClassification classification = AttemptClassifier.classify(verify, observation("client-certificate-required"));

        assertThat(classification.reason()).isEqualTo("client certificate required: we presented none");
        assertThat(AttemptClassifier.retryInClear(may, observation("client-certificate-required"))).isTrue();
        assertThat(AttemptClassifier.retryInClear(verify, observation("client-certificate-required"))).isFalse();
    }

    @Test
    void testingModeNeverMakesTlsMandatoryButRecordsTheShortfall() {
        TlsPlan plan = TlsPlan.forTarget(requirement(OutboundLevel.VERIFY, Failure.TEMPORARY), Mode.TESTING, DOMAIN, MX, List.of(ANCHOR));

        AttemptClassification classification = AttemptClassifier.classify(plan, observation("not-offered-sent"));

        assertThat(plan.tlsMandatory()).isFalse();
        assertThat(classification.verdict()).isEqualTo(AttemptVerdict.DELIVERED_IN_CLEAR);
        assertThat(classification.resultType().orElseThrow().spelling()).isEqualTo("starttls-not-supported");
    }

    @Test
    void aMandatoryLevelNeverFallsBackToClearText() {
        TlsPlan plan = TlsPlan.forTarget(requirement(OutboundLevel.ENCRYPT, Failure.TEMPORARY), Mode.ENFORCE, DOMAIN, MX, List.of(ANCHOR));

        assertThat(AttemptClassifier.retryInClear(plan, observation("handshake-plain"))).isFalse();
        assertThatThrownBy(plan::clearTextFallback).isInstanceOf(IllegalStateException.class)
            .hasMessage("level encrypt in mode enforce never falls back to clear text (SPEC §2)");
    }

    @Test
    void aPeerSpeakingOnlyOldTlsIsNamedAsAProtocolVersionFailure() {
        TlsPlan verify = TlsPlan.forTarget(requirement(OutboundLevel.VERIFY, Failure.TEMPORARY), Mode.ENFORCE, DOMAIN, MX, List.of(ANCHOR));
        TlsPlan may = TlsPlan.forTarget(requirement(OutboundLevel.MAY, Failure.TEMPORARY), Mode.ENFORCE, DOMAIN, MX, List.of(ANCHOR));

        AttemptClassification classification = AttemptClassifier.classify(verify, observation("protocol-version"));

        assertThat(classification.reason())
            .isEqualTo("protocol version: the peer sent alert protocol_version; we offer TLSv1.2/TLSv1.3 only (RFC 8996)");
        assertThat(AttemptClassifier.retryInClear(verify, observation("protocol-version"))).isFalse();
        assertThat(AttemptClassifier.retryInClear(may, observation("protocol-version"))).isTrue();
    }

    @Test
    void aTransactionInClearTextUnderAMandatoryLevelIsAnError() {
        TlsPlan plan = TlsPlan.forTarget(requirement(OutboundLevel.VERIFY, Failure.TEMPORARY), Mode.ENFORCE, DOMAIN, MX, List.of(ANCHOR));

        assertThatThrownBy(() -> AttemptClassifier.classify(plan, observation("not-offered-sent")))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("a mail transaction ran without TLS");
    }

    @Test
    void secureChecksTheMatchNamesNotTheMxName() {
        TlsPlan plan = TlsPlan.forTarget(requirement(OutboundLevel.SECURE, Failure.TEMPORARY), Mode.ENFORCE, DOMAIN, MX, List.of(ANCHOR));

        assertThat(plan.certificate().orElseThrow().acceptedNames()).containsExactly(".partner.example");
        assertThat(plan.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    }

    @Test
    void exhaustedRetriesBounceWith475AndPermanentRulesBounceAtOnceWith5710() {
        TlsPlan plan = TlsPlan.forTarget(requirement(OutboundLevel.VERIFY, Failure.TEMPORARY), Mode.ENFORCE, DOMAIN, MX, List.of(ANCHOR));
        AttemptObservation seen = observation("handshake-name");
        RetrySchedule schedule = RetrySchedule.parse("1 minute, 2*1 hour", 3);

        DeliveryDecision first = DeliveryDecision.decide(resolution(Failure.TEMPORARY), plan, List.of(record(plan, seen)), 0, schedule);
        DeliveryDecision last = DeliveryDecision.decide(resolution(Failure.TEMPORARY), plan, List.of(record(plan, seen)), 3, schedule);
        DeliveryDecision permanent = DeliveryDecision.decide(resolution(Failure.PERMANENT), plan, List.of(record(plan, seen)), 0, schedule);

        assertThat(first.kind()).isEqualTo(DeliveryDecision.Kind.RETRY);
        assertThat(first.retryAfter()).contains(Duration.ofMinutes(1));
        assertThat(first.status()).isEqualTo("4.7.5");
        assertThat(last.kind()).isEqualTo(DeliveryDecision.Kind.BOUNCE);
        assertThat(last.status()).isEqualTo("4.7.5");
        assertThat(last.diagnostic()).startsWith("TLS required by connector partner (level verify, STARTTLS required, TLSv1.2/TLSv1.3, "
            + "purpose serverAuth, names [mx1.partner.example], chain to 1 trust anchor(s)) could not be secured for partner.example: "
            + "mx1.partner.example:25 [127.0.0.1]: certificate-host-mismatch: certificate name mismatch: ")
            .endsWith("(gave up after 4 attempt round(s))");
        assertThat(permanent.kind()).isEqualTo(DeliveryDecision.Kind.BOUNCE);
        assertThat(permanent.status()).isEqualTo("5.7.10");
    }

    @Test
    void aPeersRefusalGivesTheDsnItsEnhancedStatusFromTheReplyValues() {
        TlsPlan plan = TlsPlan.forTarget(requirement(OutboundLevel.VERIFY, Failure.TEMPORARY), Mode.ENFORCE, DOMAIN, MX, List.of(ANCHOR));
        RetrySchedule schedule = RetrySchedule.parse("1 minute", 1);

        AttemptRecord refused = record(plan, observation("established-rejected-550"));
        AttemptRecord deferred = record(plan, observation("established-rejected-451"));
        AttemptRecord bare = record(plan, established(Optional.empty(), TransactionResult.rejected(PeerReply.of(554, "no thanks"))));

        assertThat(refused.peerReply().map(PeerReply::code)).contains(550);
        assertThat(DeliveryDecision.decide(resolution(Failure.TEMPORARY), plan, List.of(refused), 0, schedule).status())
            .isEqualTo("5.7.1");
        assertThat(DeliveryDecision.decide(resolution(Failure.TEMPORARY), plan, List.of(deferred), 0, schedule).status())
            .isEqualTo("4.3.0");
        assertThat(DeliveryDecision.decide(resolution(Failure.TEMPORARY), plan, List.of(bare), 0, schedule).status())
            .isEqualTo("5.0.0");
        assertThat(bare.reason()).endsWith("; peer replied: 554 no thanks");
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', value = {
        "5 minutes, 3*1 hour | 5 | retry 4 waits 1 hour",
        "500 | 1 | plain milliseconds",
    })
    void parsesJamesDelaySyntax(String delayTime, int maxRetries, String reason) {
        assertThat(RetrySchedule.parse(delayTime, maxRetries).delayBeforeRetry(1)).as(reason).isPresent();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "5 fortnights | 5 | delayTime entry '5 fortnights': unknown unit 'fortnights'",
        "soon | 5 | delayTime entry 'soon' is not understood",
        "1 s, 1 s, 1 s | 2 | delayTime lists 3 delays but maxRetries is 2; raise maxRetries or shorten delayTime",
    })
    void rejectsBadRetrySchedules(String delayTime, int maxRetries, String message) {
        assertThatThrownBy(() -> RetrySchedule.parse(delayTime, maxRetries)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(message);
    }

    private static AttemptRecord record(TlsPlan plan, AttemptObservation seen) {
        return AttemptRecord.of(Instant.now(), resolution(Failure.TEMPORARY), plan, MX, seen, AttemptClassifier.classify(plan, seen));
    }

    private static OutboundResolution resolution(Failure failure) {
        return new OutboundResolution(DOMAIN, RuleKind.CONNECTOR, "partner", Mode.ENFORCE,
            requirement(OutboundLevel.VERIFY, failure), Optional.empty(), Optional.empty(), List.of());
    }

    private static OutboundRequirement requirement(OutboundLevel level, Failure failure) {
        List<MatchName> match = level == OutboundLevel.SECURE ? List.of(MatchName.parse(".partner.example")) : List.of();
        List<String> pins = level == OutboundLevel.FINGERPRINT ? List.of(PIN) : List.of();
        return new OutboundRequirement(level, match, pins, TlsProtocol.TLS_1_2, CipherPolicy.DEFAULT, List.of(), failure);
    }

    private static VerificationOutcome failed(VerificationKind kind) {
        return new VerificationOutcome(kind, "test", List.of(), "expected", RevocationReport.NOT_CHECKED, List.of(), Instant.MAX);
    }

    private static AttemptObservation observation(String happened) {
        Optional<String> ip = Optional.of("127.0.0.1");
        Optional<String> none = Optional.empty();
        return switch (happened) {
            case "clear-sent" -> new AttemptObservation(ip, false, TlsStage.NOT_ATTEMPTED, none, none, Optional.empty(), none, TransactionResult.SENT);
            case "not-offered-sent" -> new AttemptObservation(ip, false, TlsStage.NOT_OFFERED, none, none, Optional.empty(), none, TransactionResult.SENT);
            case "not-offered" -> new AttemptObservation(ip, false, TlsStage.NOT_OFFERED, none, none, Optional.empty(), none, TransactionResult.NOT_STARTED);
            case "refused" -> new AttemptObservation(ip, true, TlsStage.REFUSED, none, none, Optional.empty(), Optional.of("454 4.7.0 TLS not available"), TransactionResult.NOT_STARTED);
            case "handshake-expired" -> handshake(VerificationKind.EXPIRED);
            case "handshake-name" -> handshake(VerificationKind.NAME_MISMATCH);
            case "handshake-untrusted" -> handshake(VerificationKind.NOT_TRUSTED);
            case "handshake-pin" -> handshake(VerificationKind.PIN_MISMATCH);
            case "handshake-plain" -> new AttemptObservation(ip, true, TlsStage.HANDSHAKE_FAILED, none, none, Optional.empty(),
                Optional.of("SSLHandshakeException: No appropriate protocol"), TransactionResult.NOT_STARTED);
            case "established-expired-sent" -> established(Optional.of(failed(VerificationKind.EXPIRED)), TransactionResult.SENT);
            case "established-sent" -> established(Optional.empty(), TransactionResult.SENT);
            case "established-rejected-550" -> established(Optional.empty(), TransactionResult.rejected(PeerReply.of(550, "550 5.7.1 no")));
            case "established-rejected-451" -> established(Optional.empty(), TransactionResult.rejected(PeerReply.of(451, "451 4.3.0 later")));
            case "client-certificate-required" -> new AttemptObservation(ip, true, TlsStage.CLIENT_CERTIFICATE_REQUIRED, none, none,
                Optional.empty(), Optional.of("we presented none"), TransactionResult.NOT_STARTED);
            case "protocol-version" -> new AttemptObservation(ip, true, TlsStage.PROTOCOL_VERSION, none, none, Optional.empty(),
                Optional.of("the peer sent alert protocol_version"), TransactionResult.NOT_STARTED);
            case "connect-failed" -> new AttemptObservation(none, false, TlsStage.CONNECT_FAILED, none, none, Optional.empty(),
                Optional.of("ConnectException: Connection refused"), TransactionResult.NOT_STARTED);
            default -> throw new IllegalArgumentException(happened);
        };
    }

    private static AttemptObservation handshake(VerificationKind kind) {
        return new AttemptObservation(Optional.of("127.0.0.1"), true, TlsStage.HANDSHAKE_FAILED, Optional.empty(), Optional.empty(),
            Optional.of(failed(kind)), Optional.of("SSLHandshakeException"), TransactionResult.NOT_STARTED);
    }

    private static AttemptObservation established(Optional<VerificationOutcome> certificate, TransactionResult transaction) {
        return new AttemptObservation(Optional.of("127.0.0.1"), true, TlsStage.ESTABLISHED, Optional.of("TLSv1.3"),
            Optional.of("TLS_AES_128_GCM_SHA256"), certificate, Optional.empty(), transaction);
    }
}
