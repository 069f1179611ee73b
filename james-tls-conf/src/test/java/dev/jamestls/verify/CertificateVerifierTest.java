package dev.jamestls.verify;

import static dev.jamestls.verify.Pki.ISSUING;
import static dev.jamestls.verify.Pki.NOW;
import static dev.jamestls.verify.Pki.OTHER_ISSUING;
import static dev.jamestls.verify.Pki.OTHER_ROOT;
import static dev.jamestls.verify.Pki.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.revocation.HttpFetcher;
import dev.jamestls.revocation.RevocationCache;
import dev.jamestls.revocation.RevocationChecker;
import dev.jamestls.revocation.RevocationSettings;
import dev.jamestls.testkit.MovableClock;
import dev.jamestls.tls.CertificatePins;

class CertificateVerifierTest {
    private static final HttpFetcher NO_NETWORK = new HttpFetcher() {
        @Override
        public byte[] get(URI uri) throws IOException {
            throw new IOException("unexpected fetch of " + uri);
        }

        @Override
        public byte[] post(URI uri, String contentType, byte[] body) throws IOException {
            throw new IOException("unexpected fetch of " + uri);
        }
    };
    private static final IssuedCertificate PARTNER = ISSUING.leaf("CN=partner.example")
        .dnsNames("partner.example", "mx.partner.example").extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();
    private static final CertificateRequirement PARTNER_RULE = CertificateRequirement
        .client(List.of(ROOT.certificate().certificate(), OTHER_ROOT.certificate().certificate()))
        .withNames("partner.example");
    private static final String EXPECTED = "expected: purpose clientAuth, names [partner.example], chain to 2 trust anchor(s)";

    private final CertificateVerifier verifier = verifier(Clock.fixed(NOW, ZoneOffset.UTC));

    static CertificateVerifier verifier(Clock clock) {
        return new CertificateVerifier(clock, new RevocationChecker(NO_NETWORK, RevocationCache.defaults(),
            RevocationSettings.DEFAULT), RevocationSettings.DEFAULT);
    }

    private static String presented(IssuedCertificate leaf) {
        return "presented: " + VerificationOutcome.describe(dev.jamestls.tls.CertificateFacts.of(leaf.certificate()));
    }

    @Test
    void acceptsAValidPartnerChain() {
        VerificationOutcome outcome = verifier.verify(PARTNER.presentedChain(), PARTNER_RULE);

        assertThat(outcome.kind()).isEqualTo(VerificationKind.ACCEPTED);
        assertThat(outcome.resultType()).isEmpty();
        assertThat(outcome.message()).isEqualTo("accepted; " + presented(PARTNER) + "; " + EXPECTED);
        assertThat(outcome.message()).startsWith("accepted; presented: subject 'CN=partner.example', "
            + "issuer 'CN=Partner Issuing CA,O=Partner', DNS names [partner.example, mx.partner.example], SPKI pin '"
            + CertificatePins.spkiSha256(PARTNER.certificate()) + "', valid 2026-06-01T11:00:00Z to 2027-06-01T12:00:00Z");
        assertThat(outcome.validUntil()).isEqualTo(PARTNER.certificate().getNotAfter().toInstant());
    }

    @Test
    void acceptsAnIntermediatePresentedOutOfOrder() {
        CertificateAuthority second = ISSUING.intermediate("CN=Partner Sub CA").issueAuthority();
        IssuedCertificate leaf = second.leaf("CN=partner.example").dnsNames("partner.example").issue();
        List<X509Certificate> shuffled = List.of(leaf.certificate(), ISSUING.certificate().certificate(),
            second.certificate().certificate());

        assertThat(verifier.verify(shuffled, PARTNER_RULE).kind()).isEqualTo(VerificationKind.ACCEPTED);
    }

    @Test
    void rejectsAnExpiredCertificateWithBothSidesInTheMessage() {
        IssuedCertificate expired = ISSUING.leaf("CN=partner.example").dnsNames("partner.example")
            .validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(35))).issue();

        VerificationOutcome outcome = verifier.verify(expired.presentedChain(), PARTNER_RULE);

        assertThat(outcome.kind()).isEqualTo(VerificationKind.EXPIRED);
        assertThat(outcome.temporary()).isFalse();
        assertThat(outcome.resultType()).contains(TlsRptResultType.CERTIFICATE_EXPIRED);
        assertThat(outcome.message()).isEqualTo("certificate expired: 'CN=partner.example' expired at 2026-04-27T12:00:00Z "
            + "(now 2026-06-01T12:00:00Z); " + presented(expired) + "; " + EXPECTED);
    }

    @Test
    void rejectsACertificateNotYetValid() {
        IssuedCertificate future = ISSUING.leaf("CN=partner.example").dnsNames("partner.example")
            .validity(NOW.plus(Duration.ofDays(2)), NOW.plus(Duration.ofDays(300))).issue();

        VerificationOutcome outcome = verifier.verify(future.presentedChain(), PARTNER_RULE);

        assertThat(outcome.kind()).isEqualTo(VerificationKind.NOT_YET_VALID);
        assertThat(outcome.reason()).isEqualTo("'CN=partner.example' is valid only from 2026-06-03T12:00:00Z "
            + "(now 2026-06-01T12:00:00Z)");
    }

    @Test
    void rejectsAServerOnlyCertificateUsedAsAClientCertificate() {
        IssuedCertificate serverOnly = ISSUING.leaf("CN=partner.example").dnsNames("partner.example")
            .extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();

        VerificationOutcome outcome = verifier.verify(serverOnly.presentedChain(), PARTNER_RULE);

        assertThat(outcome.kind()).isEqualTo(VerificationKind.WRONG_USAGE);
        assertThat(outcome.reason()).isEqualTo("extended key usage [serverAuth] does not allow clientAuth (RFC 5280 §4.2.1.12)");
    }

    @Test
    void rejectsTheWrongName() {
        IssuedCertificate other = ISSUING.leaf("CN=other.example").dnsNames("other.example").issue();

        VerificationOutcome outcome = verifier.verify(other.presentedChain(), PARTNER_RULE);

        assertThat(outcome.kind()).isEqualTo(VerificationKind.NAME_MISMATCH);
        assertThat(outcome.resultType()).contains(TlsRptResultType.CERTIFICATE_HOST_MISMATCH);
        assertThat(outcome.message()).isEqualTo("certificate name mismatch: none of the presented names [other.example] "
            + "matches [partner.example]; " + presented(other) + "; " + EXPECTED);
    }

    @Test
    void usesTheCommonNameOfAClientCertificateWithoutDnsNames() {
        IssuedCertificate cnOnly = ISSUING.leaf("CN=partner.example,O=Partner").issue();

        assertThat(verifier.verify(cnOnly.presentedChain(), PARTNER_RULE).kind()).isEqualTo(VerificationKind.ACCEPTED);
    }

    @Test
    void neverUsesTheCommonNameOfAServerCertificate() {
        IssuedCertificate cnOnly = ISSUING.leaf("CN=mx.partner.example").issue();
        CertificateRequirement secure = CertificateRequirement.server(List.of(ROOT.certificate().certificate()))
            .withNames("mx.partner.example");

        VerificationOutcome outcome = verifier.verify(cnOnly.presentedChain(), secure);

        assertThat(outcome.kind()).isEqualTo(VerificationKind.NAME_MISMATCH);
        assertThat(outcome.reason()).isEqualTo("none of the presented names [] matches [mx.partner.example]");
    }

    @Test
    void rejectsTheRightNameFromTheWrongIssuer() {
        IssuedCertificate impostor = OTHER_ISSUING.leaf("CN=partner.example").dnsNames("partner.example").issue();

        VerificationOutcome outcome = verifier.verify(impostor.presentedChain(),
            PARTNER_RULE.withIssuer("CN=Partner Issuing CA, O=Partner"));

        assertThat(outcome.kind()).isEqualTo(VerificationKind.ISSUER_MISMATCH);
        assertThat(outcome.message()).isEqualTo("certificate issuer mismatch: issuer 'CN=Other Issuing CA' is not "
            + "'CN=Partner Issuing CA,O=Partner'; " + presented(impostor) + "; expected: purpose clientAuth, "
            + "names [partner.example], issuer 'CN=Partner Issuing CA,O=Partner', chain to 2 trust anchor(s)");
    }

    @Test
    void rejectsASelfSignedCertificateWithTheRightName() {
        IssuedCertificate selfSigned = CertificateAuthority.root("CN=partner.example", NOW).certificate();

        VerificationOutcome outcome = verifier.verify(List.of(selfSigned.certificate()), PARTNER_RULE);

        assertThat(outcome.kind()).isEqualTo(VerificationKind.NOT_TRUSTED);
        assertThat(outcome.resultType()).contains(TlsRptResultType.CERTIFICATE_NOT_TRUSTED);
        assertThat(outcome.reason()).isEqualTo("self-signed certificate 'CN=partner.example' is not a trust anchor");
    }

    @Test
    void reportsAMissingIntermediateAsAnIncompleteChain() {
        VerificationOutcome outcome = verifier.verify(List.of(PARTNER.certificate()), PARTNER_RULE);

        assertThat(outcome.kind()).isEqualTo(VerificationKind.CHAIN_INCOMPLETE);
        assertThat(outcome.reason()).isEqualTo("issuer 'CN=Partner Issuing CA,O=Partner' of 'CN=partner.example' "
            + "was not presented and is not a trust anchor");
    }

    @Test
    void acceptsWhenAnyCertificateOfTheChainIsPinned() {
        String issuingPin = CertificatePins.spkiSha256(ISSUING.certificate().certificate());

        assertThat(verifier.verify(PARTNER.presentedChain(), PARTNER_RULE.withPins(Set.of(issuingPin))).kind())
            .isEqualTo(VerificationKind.ACCEPTED);
    }

    @Test
    void rejectsAPinMismatchListingThePinsOfTheChain() {
        String unrelated = CertificatePins.spkiSha256(OTHER_ROOT.certificate().certificate());

        VerificationOutcome outcome = verifier.verify(PARTNER.presentedChain(), PARTNER_RULE.withPins(Set.of(unrelated)));

        assertThat(outcome.kind()).isEqualTo(VerificationKind.PIN_MISMATCH);
        assertThat(outcome.reason()).isEqualTo("no certificate of the validated path has a configured pin; path pins ["
            + CertificatePins.spkiSha256(PARTNER.certificate()) + " ('CN=partner.example'), "
            + CertificatePins.spkiSha256(ISSUING.certificate().certificate()) + " ('CN=Partner Issuing CA,O=Partner'), "
            + CertificatePins.spkiSha256(ROOT.certificate().certificate()) + " ('CN=Partner Root,O=Partner')]");
    }

    @Test
    void acceptsAPinnedSelfSignedServerWithoutAnyCertificateAuthority() {
        X509Certificate selfSigned = CertificateAuthority.root("CN=mx.partner.example", NOW).certificate().certificate();
        CertificateRequirement fingerprint = CertificateRequirement.pinsOnly(CertificatePurpose.SERVER_AUTH,
            Set.of(CertificatePins.spkiSha256(selfSigned)));

        assertThat(verifier.verify(List.of(selfSigned), fingerprint).kind()).isEqualTo(VerificationKind.ACCEPTED);
    }

    @Test
    void reportsNoCertificate() {
        VerificationOutcome outcome = verifier.verify(List.of(), PARTNER_RULE);

        assertThat(outcome.kind()).isEqualTo(VerificationKind.NO_CERTIFICATE);
        assertThat(outcome.message()).isEqualTo("no certificate presented: the peer presented no certificate; "
            + "presented: no certificate; " + EXPECTED);
    }

    static Stream<Arguments> garbageExtensions() {
        return Stream.of(
            Arguments.of("unknown critical extension", true, "1.3.6.1.4.1.99999.1", new byte[] {0x05, 0x00},
                "'CN=partner.example' has an unrecognised critical extension 1.3.6.1.4.1.99999.1 (RFC 5280 §4.2)"),
            Arguments.of("subjectAltName that is an INTEGER", false, "2.5.29.17", new byte[] {0x02, 0x01, 0x05},
                "'CN=partner.example' has a malformed subjectAltName extension (RFC 5280 §4.2.1.6)"),
            Arguments.of("extension that is not DER", false, "1.3.6.1.4.1.99999.2", new byte[] {0x30, 0x7f, 0x01},
                "'CN=partner.example' has extension 1.3.6.1.4.1.99999.2 that is not valid DER"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbageExtensions")
    void rejectsGarbageExtensionsAsMalformed(String reason, boolean critical, String oid, byte[] value, String expected) {
        CertificateAuthority.Builder builder = ISSUING.leaf("CN=partner.example");
        IssuedCertificate garbage = (critical ? builder.criticalRawExtension(oid, value) : builder.rawExtension(oid, value)).issue();

        VerificationOutcome outcome = verifier.verify(garbage.presentedChain(), PARTNER_RULE);

        assertThat(outcome.kind()).isEqualTo(VerificationKind.MALFORMED);
        assertThat(outcome.reason()).isEqualTo(expected);
    }

    @Test
    void cachesOutcomesUntilTheCertificateExpires() {
        MovableClock clock = new MovableClock(NOW);
        AtomicInteger calls = new AtomicInteger();
        CertificateVerifier core = verifier(clock);
        ChainVerifier counting = (chain, requirement) -> {
            calls.incrementAndGet();
            return core.verify(chain, requirement);
        };
        IssuedCertificate shortLived = ISSUING.leaf("CN=partner.example").dnsNames("partner.example")
            .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofHours(2))).issue();
        CachingCertificateVerifier cached = new CachingCertificateVerifier(counting, clock, 100, Duration.ofDays(1));

        VerificationOutcome first = cached.verify(shortLived.presentedChain(), PARTNER_RULE);
        VerificationOutcome second = cached.verify(shortLived.presentedChain(), PARTNER_RULE);
        clock.advance(Duration.ofHours(3));
        VerificationOutcome afterExpiry = cached.verify(shortLived.presentedChain(), PARTNER_RULE);

        assertThat(first.kind()).isEqualTo(VerificationKind.ACCEPTED);
        assertThat(second).isSameAs(first);
        assertThat(afterExpiry.kind()).isEqualTo(VerificationKind.EXPIRED);
        assertThat(calls).hasValue(2);
    }

    @Test
    void neverCachesTemporaryOutcomes() {
        AtomicInteger calls = new AtomicInteger();
        ChainVerifier failing = (chain, requirement) -> {
            calls.incrementAndGet();
            return new VerificationOutcome(VerificationKind.REVOCATION_UNKNOWN, "responder down", List.of(),
                requirement.describe(), dev.jamestls.revocation.RevocationReport.NOT_CHECKED, List.of(), NOW.plusSeconds(600));
        };
        CachingCertificateVerifier cached = new CachingCertificateVerifier(failing, Clock.fixed(NOW, ZoneOffset.UTC), 10,
            Duration.ofHours(1));

        cached.verify(PARTNER.presentedChain(), PARTNER_RULE);
        cached.verify(PARTNER.presentedChain(), PARTNER_RULE);

        assertThat(calls).hasValue(2);
        assertThat(cached.size()).isZero();
    }
}
