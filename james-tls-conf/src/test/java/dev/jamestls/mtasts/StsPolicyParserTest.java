package dev.jamestls.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.policy.DomainName;
import dev.jamestls.verify.TlsRptResultType;

class StsPolicyParserTest {
    private static final Instant FETCHED = Instant.parse("2026-12-01T10:00:00Z");

    private static StsPolicy valid(String body) {
        StsFetchResult result = StsPolicyParser.parse(body, "20261201", FETCHED);
        assertThat(result).isInstanceOf(StsFetchResult.Fetched.class);
        return ((StsFetchResult.Fetched) result).policy();
    }

    @Test
    void readsAnEnforcePolicyWithCrlfLines() {
        StsPolicy policy = valid("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.backup.example.com\r\nmax_age: 604800\r\n");

        assertThat(policy.mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(policy.mx()).containsExactly("mail.example.com", "*.backup.example.com");
        assertThat(policy.maxAge()).isEqualTo(Duration.ofSeconds(604800));
        assertThat(policy.id()).isEqualTo("20261201");
        assertThat(policy.fetchedAt()).isEqualTo(FETCHED);
        assertThat(policy.mxMatches(DomainName.parse("mx1.backup.example.com"))).isTrue();
        assertThat(policy.mxMatches(DomainName.parse("a.mx1.backup.example.com"))).isFalse();
    }

    @Test
    void readsATestingPolicyWithLfLinesNoFinalTerminatorAndTrailingWhiteSpace() {
        StsPolicy policy = valid("version: STSv1\nmode: testing \nmx:\tMail.Example.COM\nmax_age:86400");

        assertThat(policy.mode()).isEqualTo(StsMode.TESTING);
        assertThat(policy.mx()).containsExactly("mail.example.com");
        assertThat(policy.maxAge()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void readsANonePolicyWithoutMx() {
        StsPolicy policy = valid("version: STSv1\nmode: none\nmax_age: 0\n");

        assertThat(policy.mode()).isEqualTo(StsMode.NONE);
        assertThat(policy.mx()).isEmpty();
        assertThat(policy.expires()).isEqualTo(FETCHED);
    }

    @Test
    void ignoresExtensionFieldsEvenRepeatedAndTheLargestMaxAge() {
        StsPolicy policy = valid("version: STSv1\nmode: enforce\nx-note: hello world \u00e9t\u00e9\nx-note: again\nmx: mx.example.com\nmax_age: 31557600\n");

        assertThat(policy.mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(policy.maxAge()).isEqualTo(StsPolicy.MAX_AGE_LIMIT);
    }

    static Stream<Arguments> badPolicies() {
        String head = "version: STSv1\nmode: enforce\n";
        return Stream.of(
            Arguments.of("empty body", "", 1),
            Arguments.of("version not first", "mode: enforce\nversion: STSv1\nmx: a.example\nmax_age: 1\n", 1),
            Arguments.of("version in upper case", "version: STSV1\nmode: enforce\nmx: a.example\nmax_age: 1\n", 1),
            Arguments.of("key in another case is an extension, so version is missing", "Version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n", 1),
            Arguments.of("version twice", head + "version: STSv1\nmx: a.example\nmax_age: 1\n", 3),
            Arguments.of("unknown mode", "version: STSv1\nmode: reject\nmx: a.example\nmax_age: 1\n", 2),
            Arguments.of("mode in upper case", "version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 1\n", 2),
            Arguments.of("mode twice", head + "mode: testing\nmx: a.example\nmax_age: 1\n", 3),
            Arguments.of("no mode", "version: STSv1\nmx: a.example\nmax_age: 1\n", 0),
            Arguments.of("no max_age", head + "mx: a.example\n", 0),
            Arguments.of("max_age twice", head + "mx: a.example\nmax_age: 1\nmax_age: 2\n", 5),
            Arguments.of("max_age above 31557600", head + "mx: a.example\nmax_age: 31557601\n", 4),
            Arguments.of("max_age negative", head + "mx: a.example\nmax_age: -1\n", 4),
            Arguments.of("max_age of 11 digits", head + "mx: a.example\nmax_age: 00000000001\n", 4),
            Arguments.of("max_age not a number", head + "mx: a.example\nmax_age: 1d\n", 4),
            Arguments.of("no mx in enforce", head + "max_age: 1\n", 0),
            Arguments.of("no mx in testing", "version: STSv1\nmode: testing\nmax_age: 1\n", 0),
            Arguments.of("mx with an underscore", head + "mx: mail_1.example\nmax_age: 1\n", 3),
            Arguments.of("mx wildcard in the middle", head + "mx: mail.*.example\nmax_age: 1\n", 3),
            Arguments.of("mx bare wildcard", head + "mx: *\nmax_age: 1\n", 3),
            Arguments.of("mx empty", head + "mx: \nmax_age: 1\n", 3),
            Arguments.of("mx an address literal", head + "mx: [192.0.2.1]\nmax_age: 1\n", 3),
            Arguments.of("empty line inside", head + "\nmx: a.example\nmax_age: 1\n", 3),
            Arguments.of("two final terminators", head + "mx: a.example\nmax_age: 1\n\n", 5),
            Arguments.of("a line without colon", head + "mx a.example\nmax_age: 1\n", 3),
            Arguments.of("white space before the colon", head + "mx : a.example\nmax_age: 1\n", 3),
            Arguments.of("a bare CR inside a line", head + "mx: a.example\rmx: b.example\nmax_age: 1\n", 3),
            Arguments.of("an extension name of 33 characters", head + "x" + "y".repeat(32) + ": v\nmx: a.example\nmax_age: 1\n", 3),
            Arguments.of("an extension without value", head + "x-note:\nmx: a.example\nmax_age: 1\n", 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPolicies")
    void refusesEachBrokenRuleAsPolicyInvalidNamingTheLine(String reason, String body, int line) {
        StsFetchResult result = StsPolicyParser.parse(body, "1", FETCHED);

        assertThat(result).as(reason).isInstanceOf(StsFetchResult.Failed.class);
        StsProblem problem = ((StsFetchResult.Failed) result).problem();
        assertThat(problem.type()).isEqualTo(TlsRptResultType.STS_POLICY_INVALID);
        if (line > 0) {
            assertThat(problem.reason()).as(reason).startsWith("MTA-STS policy line " + line + " ");
        } else {
            assertThat(problem.reason()).as(reason).doesNotStartWith("MTA-STS policy line");
        }
    }
}
