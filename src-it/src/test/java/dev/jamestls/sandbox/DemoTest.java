package dev.jamestls.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoTest {

    @Test
    void portsDefaultToTheSandboxPorts() {
        assertThat(Demo.ports(new String[] {"sandbox"}, Map.of()))
            .isEqualTo(Map.of("--smtp-port", 2525, "--smtps-port", 4650, "--webadmin-port", 8000, "--partner-port", 2526,
                "--stripped-port", 2527, "--dane-port", 2528, "--dane-wrong-port", 2529, "--sts-port", 2530));
    }

    @Test
    void argumentsWinOverEnvironmentVariablesWhichWinOverDefaults() {
        Map<String, String> environment = Map.of("JAMES_TLS_SMTP_PORT", "3525", "JAMES_TLS_SMTPS_PORT", "5650",
            "JAMES_TLS_PARTNER_PORT", "3526", "JAMES_TLS_STRIPPED_PORT", "3527", "JAMES_TLS_DANE_WRONG_PORT", "3529",
            "JAMES_TLS_STS_PORT", "3530");
        assertThat(Demo.ports(new String[] {"sandbox", "--smtp-port", "12525", "--webadmin-port", "18000", "--stripped-port", "12527",
            "--sts-port", "12530"}, environment))
            .isEqualTo(Map.of("--smtp-port", 12525, "--smtps-port", 5650, "--webadmin-port", 18000, "--partner-port", 3526,
                "--stripped-port", 12527, "--dane-port", 2528, "--dane-wrong-port", 3529, "--sts-port", 12530));
    }

    @Test
    void rejectsABadEnvironmentVariable() {
        assertThatThrownBy(() -> Demo.ports(new String[] {"sandbox"}, Map.of("JAMES_TLS_WEBADMIN_PORT", "80a")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("demo: JAMES_TLS_WEBADMIN_PORT must be a port number 1..65535, got '80a'");
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "--smtp-port    | 0      | demo: --smtp-port must be a port number 1..65535, got '0'",
        "--smtps-port   | 65536  | demo: --smtps-port must be a port number 1..65535, got '65536'",
        "--webadmin-port| http   | demo: --webadmin-port must be a port number 1..65535, got 'http'",
        "--partner-port | -1     | demo: --partner-port must be a port number 1..65535, got '-1'",
        "--smtp         | 2525   | demo: unknown or incomplete argument '--smtp'; accepted: --smtp-port N, --smtps-port N, --webadmin-port N, --partner-port N, --stripped-port N, --dane-port N, --dane-wrong-port N, --sts-port N",
    })
    void rejectsBadPortArguments(String option, String value, String message) {
        assertThatThrownBy(() -> Demo.ports(new String[] {"sandbox", option, value}, Map.of()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(message);
    }

    @Test
    void rejectsAnOptionWithoutValue() {
        assertThatThrownBy(() -> Demo.ports(new String[] {"sandbox", "--smtp-port"}, Map.of()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("demo: unknown or incomplete argument '--smtp-port'; accepted: --smtp-port N, --smtps-port N, --webadmin-port N, --partner-port N, --stripped-port N, --dane-port N, --dane-wrong-port N, --sts-port N");
    }
}
