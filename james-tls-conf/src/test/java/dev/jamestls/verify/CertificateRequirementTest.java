package dev.jamestls.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.revocation.RevocationChecking;

class CertificateRequirementTest {
    @ParameterizedTest(name = "{0} vs {1} -> {2} ({3})")
    @CsvSource(delimiter = '|', textBlock = """
        partner.example     | partner.example      | true  | exact
        partner.example     | PARTNER.Example.     | true  | case-insensitive, trailing dot
        partner.example     | mx.partner.example   | false | exact means exact
        *.partner.example   | mx.partner.example   | true  | one label
        *.partner.example   | a.mx.partner.example | false | wildcard covers one label only
        *.partner.example   | partner.example      | false | wildcard does not cover the domain itself
        .partner.example    | a.mx.partner.example | true  | subdomain rule, any depth
        .partner.example    | partner.example      | false | subdomain rule excludes the domain
        mx.partner.example  | *.partner.example    | true  | RFC 9525 §6.3 presented wildcard
        a.mx.partner.example| *.partner.example    | false | presented wildcard covers one label
        partner.example     | *.example            | false | wildcard needs two labels to its right
        mx.partner.example  | m*.partner.example   | false | partial wildcard never matches
        bücher.example      | xn--bcher-kva.example| true  | IDN accepted name as A-label
        xn--bcher-kva.example| bücher.example      | false | presented names must be A-labels
        """)
    void matchesDnsNames(String accepted, String presented, boolean expected, String reason) {
        assertThat(DnsNames.matches(DnsNames.normalizeAccepted(accepted), presented)).isEqualTo(expected);
    }

    static Stream<Arguments> badRequirements() {
        List<java.security.cert.X509Certificate> anchors = List.of(Pki.ROOT.certificate().certificate());
        return Stream.of(
            Arguments.of("no anchors", (Supplier<Object>) () -> CertificateRequirement.client(List.of()),
                "trust anchors are required when the chain is validated; got none"),
            Arguments.of("no pins for fingerprint", (Supplier<Object>) () ->
                CertificateRequirement.pinsOnly(CertificatePurpose.SERVER_AUTH, Set.of()),
                "pins are required when the chain is not validated (fingerprint level); got none"),
            Arguments.of("bad pin", (Supplier<Object>) () -> CertificateRequirement.client(anchors).withPins(Set.of("abc")),
                "pin 'abc' is not a base64 SHA-256 SPKI pin (44 characters, RFC 7469 §2.4)"),
            Arguments.of("bad name", (Supplier<Object>) () -> CertificateRequirement.client(anchors).withNames("a..b"),
                "accepted name 'a..b' is not a DNS name; accepted forms: host.example, *.example.org (one label), "
                    + ".example.org (any subdomain)"),
            Arguments.of("bad issuer", (Supplier<Object>) () -> CertificateRequirement.client(anchors).withIssuer("garbage"),
                "issuer DN 'garbage' is not an RFC 4514 distinguished name: improperly specified input name: garbage"),
            Arguments.of("revocation without chain", (Supplier<Object>) () -> CertificateRequirement
                .pinsOnly(CertificatePurpose.SERVER_AUTH, Set.of("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="))
                .withRevocation(RevocationChecking.HARD_FAIL),
                "revocation 'hard-fail' needs chain validation (the issuer must be known); use 'off' with pins only"),
            Arguments.of("misspelt revocation mode", (Supplier<Object>) () -> RevocationChecking.parse("hardfail"),
                "unknown revocation mode 'hardfail'; accepted: off, soft-fail, hard-fail"),
            Arguments.of("misspelt purpose", (Supplier<Object>) () -> CertificatePurpose.parse("client"),
                "unknown certificate purpose 'client'; accepted: client-auth, server-auth"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequirements")
    void rejectsBadConfiguration(String reason, Supplier<Object> build, String message) {
        assertThatThrownBy(build::get).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
