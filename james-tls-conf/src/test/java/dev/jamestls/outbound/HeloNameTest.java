package dev.jamestls.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.UnknownHostException;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeloNameTest {
    static final String ACCEPTED = "accepted: heloName set to the fully-qualified domain name this server's outbound address has in DNS, "
        + "e.g. mx.example.com (RFC 5321 §4.1.1.1)";

    static HeloName.LocalHostName unknown() {
        return () -> {
            throw new UnknownHostException("vm: Name or service not known");
        };
    }

    @Test
    void theConfiguredNameWinsAndTheHostIsNotAsked() {
        assertThat(HeloName.choose(Optional.of("mx.example.com"), unknown())).isEqualTo("mx.example.com");
    }

    @Test
    void withoutAConfiguredNameThisHostsNameIsUsed() {
        assertThat(HeloName.choose(Optional.empty(), () -> "mx.example.com")).isEqualTo("mx.example.com");
        assertThat(HeloName.choose(Optional.of(""), () -> "mx.example.com")).as("an empty parameter counts as not set").isEqualTo("mx.example.com");
    }

    @Test
    void aNameFromDnsLosesItsRootDot() {
        assertThat(HeloName.choose(Optional.empty(), () -> "mx.example.com.")).isEqualTo("mx.example.com");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "192.0.2.25, [192.0.2.25]",
        "2001:db8:0:0:0:0:0:25, [IPv6:2001:db8:0:0:0:0:0:25]",
    })
    void anAddressWithoutAReverseNameBecomesAnAddressLiteral(String address, String expected) {
        // RFC 5321 §4.1.3: an address where a domain is expected is written as an address literal.
        assertThat(HeloName.choose(Optional.empty(), () -> address)).isEqualTo(expected);
    }

    @Test
    void anUnknownHostNameIsAnErrorNotLocalhost() {
        assertThatThrownBy(() -> HeloName.choose(Optional.empty(), unknown()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("heloName is not set and this host's name is unknown (vm: Name or service not known); " + ACCEPTED);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "localhost",
        "localhost.localdomain",
        "vm",
        "a_b.example",
    })
    void aHostNameThatIsNotAFullyQualifiedDomainIsAnError(String name) {
        assertThatThrownBy(() -> HeloName.choose(Optional.empty(), () -> name))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("heloName is not set and this host's name '" + name + "' is not a fully-qualified domain name; " + ACCEPTED);
    }
}
