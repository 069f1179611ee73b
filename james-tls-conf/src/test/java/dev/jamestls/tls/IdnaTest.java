package dev.jamestls.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.policy.DomainName;
import dev.jamestls.verify.DnsNames;

class IdnaTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "bücher.example, xn--bcher-kva.example",
        "BÜCHER.example, xn--bcher-kva.example",
        "xn--fa-hia.example, xn--fa-hia.example",
        "mail.partner.example, mail.partner.example",
        "münchen.de, xn--mnchen-3ya.de",
    })
    void convertsLabelsThatBothIdnaStandardsReadAlike(String name, String ascii) {
        assertThat(Idna.toAscii(name)).isEqualTo(ascii);
    }

    @ParameterizedTest(name = "{0}: IDNA2003 would give {1}; IDNA2008 A-label {2}")
    @CsvSource({
        "faß.example, fass, xn--fa-hia",
        "βόλος.example, βόλοσ, xn--nxasmm1c",
    })
    void refusesLabelsThatIdna2003WouldSilentlyMapToAnotherName(String name, String idna2003, String aLabel) {
        String label = name.substring(0, name.indexOf('.'));
        assertThatThrownBy(() -> Idna.toAscii(name))
            .isInstanceOf(Idna.SilentMappingException.class)
            .hasMessage("label '" + label + "' would silently become '" + idna2003 + "' under IDNA2003, which is a "
                + "different name under IDNA2008 (RFC 5891); write its A-label '" + aLabel + "' if that is the name meant");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"faß.example", "*.faß.example", ".faß.example"})
    void aConfiguredCertificateNameIsNeverMappedSilently(String accepted) {
        assertThatThrownBy(() -> DnsNames.normalizeAccepted(accepted))
            .hasMessageStartingWith("accepted name '" + accepted + "': label 'faß' would silently become 'fass'")
            .hasMessageContaining("'xn--fa-hia'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"faß.example", "straße.partner.example"})
    void aConfiguredDomainIsNeverMappedSilently(String domain) {
        assertThatThrownBy(() -> DomainName.parse(domain))
            .hasMessageStartingWith("not a domain name '" + domain + "': label '")
            .hasMessageContaining("would silently become");
        assertThat(DomainName.tryParse(domain)).isEmpty();
    }
}
