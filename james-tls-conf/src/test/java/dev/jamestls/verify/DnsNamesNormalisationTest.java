package dev.jamestls.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.policy.DomainName;

/**
 * Certificate names and configured domains are normalised by one function ({@link DomainName#normalize} and
 * {@link DomainName#grammarProblem}): the root's trailing dot, case and IDNA give the same result on both sides.
 */
class DnsNamesNormalisationTest {

    @ParameterizedTest(name = "''{0}'' -> {1} ({2})")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "Partner.EXAMPLE.        | partner.example       | case and the root's trailing dot",
        "bücher.example          | xn--bcher-kva.example | U-labels become A-labels (RFC 5890)",
        "XN--BCHER-KVA.example   | xn--bcher-kva.example | A-labels in any case",
        "faß.example             | -                     | IDNA2003 would map it silently",
        "a..example              | -                     | empty label",
        "-a.example              | -                     | hyphen at the start of a label",
        "a_b.example             | -                     | underscore is not a host name character",
        "mail.partner.example..  | -                     | only one trailing dot is the root",
    })
    void certificateHostsAndConfiguredDomainsAreNormalisedAlike(String name, String expected, String reason) {
        Optional<String> host = DnsNames.normalizeHost(name);

        assertThat(host).isEqualTo(Optional.ofNullable(expected));
        assertThat(DomainName.tryParse(name).map(DomainName::ascii)).isEqualTo(host);
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource({"192.0.2.1", "10.0.0.1."})
    void onlyDomainsRefuseNumericNames(String name) {
        // A rule or certificate may name a numeric host; a sender or recipient domain is never an address.
        assertThat(DnsNames.normalizeHost(name)).contains(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
        assertThat(DomainName.tryParse(name)).isEmpty();
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource({
        "*.Partner.Example., *.partner.example",
        ".Bücher.example, .xn--bcher-kva.example",
        "MX.partner.example, mx.partner.example",
    })
    void acceptedNamesUseTheSameNormalisation(String accepted, String expected) {
        assertThat(DnsNames.normalizeAccepted(accepted)).isEqualTo(expected);
    }
}
