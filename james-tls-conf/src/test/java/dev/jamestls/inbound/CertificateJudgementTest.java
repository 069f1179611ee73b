package dev.jamestls.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.verify.VerificationKind;

/** The judge's typed outcome and the one mapping from verification kinds to inbound violation kinds. */
class CertificateJudgementTest {

    static Stream<Arguments> violationOfEachKind() {
        return Stream.of(
            Arguments.of(VerificationKind.NO_CERTIFICATE, ViolationKind.CERTIFICATE_REJECTED, "permanent: the chain was judged"),
            Arguments.of(VerificationKind.NOT_TRUSTED, ViolationKind.CERTIFICATE_REJECTED, "permanent"),
            Arguments.of(VerificationKind.CHAIN_INCOMPLETE, ViolationKind.CERTIFICATE_REJECTED, "permanent"),
            Arguments.of(VerificationKind.EXPIRED, ViolationKind.CERTIFICATE_REJECTED, "permanent"),
            Arguments.of(VerificationKind.NOT_YET_VALID, ViolationKind.CERTIFICATE_REJECTED, "permanent"),
            Arguments.of(VerificationKind.WRONG_USAGE, ViolationKind.CERTIFICATE_REJECTED, "permanent"),
            Arguments.of(VerificationKind.NAME_MISMATCH, ViolationKind.CERTIFICATE_REJECTED, "permanent"),
            Arguments.of(VerificationKind.ISSUER_MISMATCH, ViolationKind.CERTIFICATE_REJECTED, "permanent"),
            Arguments.of(VerificationKind.PIN_MISMATCH, ViolationKind.CERTIFICATE_REJECTED, "permanent"),
            Arguments.of(VerificationKind.TLSA_MISMATCH, ViolationKind.CERTIFICATE_REJECTED, "permanent"),
            Arguments.of(VerificationKind.REVOKED, ViolationKind.CERTIFICATE_REJECTED, "permanent"),
            Arguments.of(VerificationKind.INVALID_PATH, ViolationKind.CERTIFICATE_REJECTED, "permanent"),
            Arguments.of(VerificationKind.WEAK_ALGORITHM, ViolationKind.CERTIFICATE_REJECTED, "permanent"),
            Arguments.of(VerificationKind.MALFORMED, ViolationKind.CERTIFICATE_MALFORMED, "hostile names: always permanent"),
            Arguments.of(VerificationKind.REVOCATION_UNKNOWN, ViolationKind.REVOCATION_UNKNOWN, "answers unusable: temporary"),
            Arguments.of(VerificationKind.REVOCATION_UNREACHABLE, ViolationKind.REVOCATION_UNREACHABLE, "no responder answered: temporary"),
            Arguments.of(VerificationKind.INTERNAL_ERROR, ViolationKind.VERIFICATION_ERROR, "our own failure: temporary"));
    }

    @ParameterizedTest(name = "{0} -> {1} ({2})")
    @MethodSource("violationOfEachKind")
    void eachFailedVerificationIsTheViolationOfItsOwnKind(VerificationKind kind, ViolationKind expected, String reason) {
        assertThat(ViolationKind.ofCertificate(kind)).isEqualTo(expected);
    }

    @Test
    void everyFailingKindHasARow() {
        assertThat(violationOfEachKind().map(arguments -> arguments.get()[0]))
            .containsExactlyInAnyOrderElementsOf(Arrays.stream(VerificationKind.values())
                .filter(kind -> kind != VerificationKind.ACCEPTED).toList());
    }

    @Test
    void anAcceptedCertificateIsNoViolation() {
        assertThatThrownBy(() -> ViolationKind.ofCertificate(VerificationKind.ACCEPTED))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("an accepted certificate is no violation");
    }

    @ParameterizedTest
    @EnumSource(VerificationKind.class)
    void aJudgementIsTemporaryExactlyWhenItsKindIs(VerificationKind kind) {
        CertificateJudge.Judgement judgement = CertificateJudge.Judgement.of(kind, "reason");

        assertThat(judgement.temporary()).isEqualTo(kind.temporary());
        assertThat(judgement.accepted()).isEqualTo(kind == VerificationKind.ACCEPTED);
        assertThatThrownBy(() -> new CertificateJudge.Judgement(kind, !kind.temporary(), "reason"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(kind + " is a " + (kind.temporary() ? "temporary" : "permanent") + " outcome, not a "
                + (kind.temporary() ? "permanent" : "temporary") + " one");
    }

    @Test
    void onlyRevocationAndInternalFailuresAreTemporaryAndTheirRepliesIgnoreTheFailure() {
        assertThat(Arrays.stream(VerificationKind.values()).filter(VerificationKind::temporary))
            .containsExactlyInAnyOrder(VerificationKind.REVOCATION_UNKNOWN, VerificationKind.REVOCATION_UNREACHABLE,
                VerificationKind.INTERNAL_ERROR);
        for (dev.jamestls.policy.Failure failure : dev.jamestls.policy.Failure.values()) {
            assertThat(ViolationKind.REVOCATION_UNREACHABLE.code(failure)).isEqualTo(451);
            assertThat(ViolationKind.REVOCATION_UNREACHABLE.enhancedStatus(failure)).isEqualTo("4.7.5");
            assertThat(ViolationKind.VERIFICATION_ERROR.code(failure)).isEqualTo(451);
            assertThat(ViolationKind.VERIFICATION_ERROR.enhancedStatus(failure)).isEqualTo("4.3.0");
        }
    }
}
