package dev.jamestls.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.TlsPolicy;
import dev.jamestls.policy.file.PolicyFileParser;
import dev.jamestls.smtp.SmtpReply;
import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.tls.TlsChannel;
import dev.jamestls.tls.TlsFacts;
import dev.jamestls.verify.VerificationKind;

/**
 * Every inbound refusal, under both failure modes, with the longest inputs a policy and a
 * session allow: a 253-character sender domain, a 64-character connector name, 60 certificate
 * names in the rule, a verification reason of 10,000 characters. The reply stays within
 * RFC 5321 §4.5.3.1.5's 512 octets and names the session; the reason keeps the detail.
 */
class InboundEvaluatorTest {
    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    static final String CONNECTOR = "c".repeat(64);
    // RFC 1035 §2.3.4: 253 characters in text form (labels of at most 63).
    static final String DOMAIN = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
    static final List<String> NAMES = IntStream.range(0, 60).mapToObj(i -> "relay-" + i + ".mail.partner-holdings.example").toList();
    static final String SESSION = "4f2a9c1d";
    static final String HUGE_REASON = "certificate name mismatch: " + "x".repeat(10_000);
    static final X509Certificate CERTIFICATE = CertificateAuthority.root("CN=partner.example", NOW).certificate().certificate();

    @TempDir
    Path dir;

    static Stream<Arguments> refusals() {
        return Stream.of(Failure.values()).flatMap(failure -> Stream.of(
            Arguments.of(ViolationKind.IP_NOT_ALLOWED, failure, "198.51.100.7", TlsChannel.NONE, List.of(), VerificationKind.ACCEPTED),
            Arguments.of(ViolationKind.TLS_REQUIRED, failure, "192.0.2.7", TlsChannel.NONE, List.of(), VerificationKind.ACCEPTED),
            Arguments.of(ViolationKind.PROTOCOL_TOO_OLD, failure, "192.0.2.7", TlsChannel.STARTTLS, List.of(), VerificationKind.ACCEPTED),
            Arguments.of(ViolationKind.CERTIFICATE_REQUIRED, failure, "192.0.2.7", TlsChannel.STARTTLS, List.of(), VerificationKind.ACCEPTED),
            Arguments.of(ViolationKind.CERTIFICATE_REJECTED, failure, "192.0.2.7", TlsChannel.STARTTLS, List.of(CERTIFICATE),
                VerificationKind.NAME_MISMATCH),
            Arguments.of(ViolationKind.CERTIFICATE_MALFORMED, failure, "192.0.2.7", TlsChannel.STARTTLS, List.of(CERTIFICATE),
                VerificationKind.MALFORMED),
            Arguments.of(ViolationKind.REVOCATION_UNKNOWN, failure, "192.0.2.7", TlsChannel.STARTTLS, List.of(CERTIFICATE),
                VerificationKind.REVOCATION_UNKNOWN),
            Arguments.of(ViolationKind.REVOCATION_UNREACHABLE, failure, "192.0.2.7", TlsChannel.STARTTLS, List.of(CERTIFICATE),
                VerificationKind.REVOCATION_UNREACHABLE),
            Arguments.of(ViolationKind.VERIFICATION_ERROR, failure, "192.0.2.7", TlsChannel.STARTTLS, List.of(CERTIFICATE),
                VerificationKind.INTERNAL_ERROR)));
    }

    @ParameterizedTest(name = "{0}, failure {1}")
    @MethodSource("refusals")
    void everyRefusalFitsRfc5321AndFollowsTheFailure(ViolationKind kind, Failure failure, String client, TlsChannel channel,
                                                         List<X509Certificate> chain, VerificationKind judged) throws Exception {
        String minimum = kind == ViolationKind.PROTOCOL_TOO_OLD ? "TLSv1.3" : "TLSv1.2";
        InboundEvaluator evaluator = new InboundEvaluator((connector, requirement, presented) ->
            CertificateJudge.Judgement.of(judged, HUGE_REASON));
        TlsFacts facts = channel == TlsChannel.NONE ? TlsFacts.CLEAR_TEXT
            : TlsFacts.encrypted(channel, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", CertificateFacts.ofChain(chain));

        InboundVerdict verdict = evaluator.evaluate(policy(failure, minimum).resolveInbound(DOMAIN),
            new InboundSession(facts, chain, InetAddress.getByName(client), SESSION));

        Violation violation = verdict.violation().orElseThrow();
        assertThat(violation.kind()).isEqualTo(kind);
        SmtpReply reply = violation.reply();
        assertThat((reply + "\r\n").getBytes(StandardCharsets.US_ASCII)).hasSizeLessThanOrEqualTo(SmtpReply.MAX_LINE_OCTETS);
        assertThat(reply.toString()).endsWith(" (session " + SESSION + ")").matches("[ -~]+");
        assertThat(reply.code()).isEqualTo(expectedCode(kind, failure));
        assertThat(reply.enhancedStatus()).isEqualTo(expectedStatus(kind, failure));
        assertThat(verdict.certificateCheck()).isEqualTo(switch (kind) {
            case IP_NOT_ALLOWED, TLS_REQUIRED, PROTOCOL_TOO_OLD -> CertificateCheck.NOT_CHECKED;
            case CERTIFICATE_REQUIRED -> CertificateCheck.MISSING;
            case CERTIFICATE_REJECTED, CERTIFICATE_MALFORMED -> CertificateCheck.REJECTED;
            case REVOCATION_UNKNOWN, REVOCATION_UNREACHABLE -> CertificateCheck.UNKNOWN;
            case VERIFICATION_ERROR -> CertificateCheck.ERROR;
        });
        if (kind == ViolationKind.CERTIFICATE_REJECTED) {
            assertThat(reply.text()).contains("certificate name mismatch; expected " + NAMES.get(0));
            assertThat(violation.reason()).isEqualTo(HUGE_REASON);
        }
        if (judged.temporary()) {
            // Each temporary cause is named as what it is, never folded into "status unknown".
            assertThat(reply.text()).contains(": " + judged.description() + ", try again later");
            assertThat(violation.reason()).isEqualTo(HUGE_REASON);
        }
    }

    private static int expectedCode(ViolationKind kind, Failure failure) {
        boolean permanent = failure == Failure.PERMANENT;
        return switch (kind) {
            case TLS_REQUIRED, PROTOCOL_TOO_OLD, CERTIFICATE_REQUIRED -> permanent ? 530 : 451;
            case IP_NOT_ALLOWED, CERTIFICATE_REJECTED -> permanent ? 550 : 450;
            case CERTIFICATE_MALFORMED -> 550;
            case REVOCATION_UNKNOWN, REVOCATION_UNREACHABLE, VERIFICATION_ERROR -> 451;
        };
    }

    private static String expectedStatus(ViolationKind kind, Failure failure) {
        boolean permanent = failure == Failure.PERMANENT;
        return switch (kind) {
            case TLS_REQUIRED, PROTOCOL_TOO_OLD, CERTIFICATE_REQUIRED -> permanent ? "5.7.0" : "4.7.0";
            case IP_NOT_ALLOWED, CERTIFICATE_REJECTED -> permanent ? "5.7.1" : "4.7.1";
            case CERTIFICATE_MALFORMED -> "5.7.1";
            case REVOCATION_UNKNOWN, REVOCATION_UNREACHABLE -> "4.7.5";
            case VERIFICATION_ERROR -> "4.3.0";
        };
    }

    private TlsPolicy policy(Failure failure, String minimum) throws Exception {
        Path file = dir.resolve("tls-policy.xml");
        Files.writeString(file, """
            <tlsPolicy>
              <connector name="%s" mode="enforce">
                <inbound requireTls="true" minimumProtocol="%s" failure="%s">
                  <senderDomain>%s</senderDomain>
                  <partnerIp>192.0.2.0/24</partnerIp>
                  <clientCertificate revocation="hard-fail">%s</clientCertificate>
                </inbound>
              </connector>
            </tlsPolicy>
            """.formatted(CONNECTOR, minimum, failure, DOMAIN,
            NAMES.stream().map(name -> "<name>" + name + "</name>").collect(Collectors.joining())));
        PolicyFileParser.Result result = new PolicyFileParser(Clock.fixed(NOW, java.time.ZoneOffset.UTC)).parse(file);
        assertThat(result.errors()).isEmpty();
        return result.policy().orElseThrow();
    }
}
