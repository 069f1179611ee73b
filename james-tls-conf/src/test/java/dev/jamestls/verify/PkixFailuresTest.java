package dev.jamestls.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXReason;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PkixFailuresTest {
    private static CertPathValidatorException validator(CertPathValidatorException.Reason reason) {
        return new CertPathValidatorException("jdk says " + reason, null, null, -1, reason);
    }

    static Stream<Arguments> exceptions() {
        return Stream.of(
            Arguments.of("validity ended", validator(BasicReason.EXPIRED), VerificationKind.EXPIRED),
            Arguments.of("validity not begun", validator(BasicReason.NOT_YET_VALID), VerificationKind.NOT_YET_VALID),
            Arguments.of("revoked", validator(BasicReason.REVOKED), VerificationKind.REVOKED),
            Arguments.of("revocation undetermined", validator(BasicReason.UNDETERMINED_REVOCATION_STATUS),
                VerificationKind.REVOCATION_UNKNOWN),
            Arguments.of("bad signature", validator(BasicReason.INVALID_SIGNATURE), VerificationKind.NOT_TRUSTED),
            Arguments.of("weak algorithm", validator(BasicReason.ALGORITHM_CONSTRAINED), VerificationKind.WEAK_ALGORITHM),
            Arguments.of("unspecified", validator(BasicReason.UNSPECIFIED), VerificationKind.INVALID_PATH),
            Arguments.of("no trust anchor", validator(PKIXReason.NO_TRUST_ANCHOR), VerificationKind.NOT_TRUSTED),
            Arguments.of("issuer name does not chain", validator(PKIXReason.NAME_CHAINING), VerificationKind.CHAIN_INCOMPLETE),
            Arguments.of("key usage", validator(PKIXReason.INVALID_KEY_USAGE), VerificationKind.WRONG_USAGE),
            Arguments.of("critical extension", validator(PKIXReason.UNRECOGNIZED_CRIT_EXT), VerificationKind.MALFORMED),
            Arguments.of("not a CA", validator(PKIXReason.NOT_CA_CERT), VerificationKind.INVALID_PATH),
            Arguments.of("path too long", validator(PKIXReason.PATH_TOO_LONG), VerificationKind.INVALID_PATH),
            Arguments.of("name constraints", validator(PKIXReason.INVALID_NAME), VerificationKind.INVALID_PATH),
            Arguments.of("policy", validator(PKIXReason.INVALID_POLICY), VerificationKind.INVALID_PATH),
            Arguments.of("JSSE expired", new CertificateExpiredException("jdk says expired"), VerificationKind.EXPIRED),
            Arguments.of("JSSE not yet valid", new CertificateNotYetValidException("jdk says not yet"),
                VerificationKind.NOT_YET_VALID),
            Arguments.of("unparseable", new CertificateParsingException("jdk says garbage"), VerificationKind.MALFORMED),
            Arguments.of("JSSE wrapping a validator failure", new CertificateException("wrapped",
                validator(BasicReason.REVOKED)), VerificationKind.REVOKED),
            Arguments.of("builder found nothing", new CertPathBuilderException("unable to find valid certification path"),
                VerificationKind.NOT_TRUSTED),
            Arguments.of("other certificate exception", new CertificateException("jdk says no"), VerificationKind.NOT_TRUSTED),
            Arguments.of("anything else", new IllegalStateException("bug"), VerificationKind.INTERNAL_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exceptions")
    void classifiesEachExceptionOnce(String reason, Throwable exception, VerificationKind expected) {
        assertThat(PkixFailures.classify(exception, List.of(), Instant.EPOCH).kind()).isEqualTo(expected);
    }
}
