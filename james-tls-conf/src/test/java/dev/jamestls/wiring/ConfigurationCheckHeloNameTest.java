package dev.jamestls.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.outbound.HeloName;
import dev.jamestls.policy.file.Problem;

/**
 * {@code check} judges TlsRemoteDelivery's EHLO name and its retry schedule as its init does, and warns when the policy
 * needs DNSSEC-validated answers from an unnamed resolver.
 */
class ConfigurationCheckHeloNameTest {
    static final String ACCEPTED = "accepted: heloName set to the fully-qualified domain name this server's outbound address has in DNS, "
        + "e.g. mx.example.com (RFC 5321 §4.1.1.1)";

    @TempDir
    Path jamesRoot;

    List<Problem> check(String parameters, HeloName.LocalHostName localHost) throws IOException {
        Path conf = Files.createDirectories(jamesRoot.resolve("conf"));
        Files.writeString(conf.resolve(ConfigurationCheck.MAILETCONTAINER), """
            <mailetcontainer>
              <processors>
                <processor state="transport">
                  <mailet match="All" class="dev.jamestls.james.mailets.TlsRemoteDelivery">%s</mailet>
                </processor>
              </processors>
            </mailetcontainer>
            """.formatted(parameters));
        return new ConfigurationCheck(Clock.systemUTC(), ComponentCatalog.builtIn(), localHost).check(conf).stream()
            .filter(p -> p.file().getFileName().toString().equals(ConfigurationCheck.MAILETCONTAINER))
            .toList();
    }

    static HeloName.LocalHostName unknown() {
        return () -> {
            throw new UnknownHostException("vm");
        };
    }

    @Test
    void withoutHeloNameAnUnknownHostNameIsAnErrorAtTheMailet() throws IOException {
        assertThat(check("", unknown())).extracting(Problem::toString).containsExactly(
            "mailetcontainer.xml:4:7: error: <mailet class=\"dev.jamestls.james.mailets.TlsRemoteDelivery\">: "
                + "heloName is not set and this host's name is unknown (vm); " + ACCEPTED);
    }

    @Test
    void withoutHeloNameLocalhostIsAnError() throws IOException {
        assertThat(check("", () -> "localhost")).extracting(Problem::detail).containsExactly(
            "<mailet class=\"dev.jamestls.james.mailets.TlsRemoteDelivery\">: "
                + "heloName is not set and this host's name 'localhost' is not a fully-qualified domain name; " + ACCEPTED);
    }

    @Test
    void aConfiguredHeloNameOrAFullyQualifiedHostNameIsClean() throws IOException {
        assertThat(check("<heloName>mx.example.com</heloName>", unknown())).isEmpty();
        assertThat(check("", () -> "mx.example.com")).isEmpty();
    }

    @Test
    void moreDelaysThanRetriesIsAnErrorAtDelayTimeAsAtInit() throws IOException {
        List<Problem> problems = check("<heloName>mx.example.com</heloName>"
            + "<delayTime>5 minutes, 3*1 hour, 6 hours</delayTime><maxRetries>3</maxRetries>", unknown());

        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(4);
            assertThat(problem.detail()).startsWith("<delayTime>: invalid delayTime '5 minutes, 3*1 hour, 6 hours'")
                .contains("maxRetries");
        });
    }

    @Test
    void daneOrMtaStsWithoutANamedResolverIsAWarningAtTheMailet() throws IOException {
        Path conf = Files.createDirectories(jamesRoot.resolve("conf"));
        Files.writeString(conf.resolve(ConfigurationCheck.POLICY_FILE),
            "<tlsPolicy><defaults><outbound level=\"may\" mtaSts=\"true\"/></defaults></tlsPolicy>\n");

        assertThat(check("<heloName>mx.example.com</heloName>", unknown())).singleElement().satisfies(problem -> {
            assertThat(problem.severity()).isEqualTo(Problem.Severity.WARNING);
            assertThat(problem.detail()).contains("dnssecResolver");
        });
        assertThat(check("<heloName>mx.example.com</heloName><dnssecResolver>127.0.0.1</dnssecResolver>", unknown())).isEmpty();

        Files.writeString(conf.resolve(ConfigurationCheck.POLICY_FILE),
            "<tlsPolicy><defaults><outbound level=\"may\"/></defaults></tlsPolicy>\n");
        assertThat(check("<heloName>mx.example.com</heloName>", unknown())).as("no rule asks for DNSSEC").isEmpty();
    }

    @Test
    void delaysWithinTheRetriesAreClean() throws IOException {
        assertThat(check("<heloName>mx.example.com</heloName><delayTime>5 minutes, 1 hour</delayTime><maxRetries>3</maxRetries>",
            unknown())).isEmpty();
    }
}
