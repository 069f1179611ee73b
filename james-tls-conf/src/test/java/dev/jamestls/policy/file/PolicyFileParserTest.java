package dev.jamestls.policy.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.TlsPolicy;

class PolicyFileParserTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    static final String PIN = "r/mIkG3eEpVdm+u/ko/cwxzOMo1bk4TyHIlByibiA5E=";

    @TempDir
    Path dir;

    PolicyFileParser.Result parse(String body) throws IOException {
        Path file = dir.resolve("tls-policy.xml");
        Files.writeString(file, "<tlsPolicy>\n" + body + "\n</tlsPolicy>\n");
        return new PolicyFileParser(CLOCK).parse(file);
    }

    static String partner(String inbound) {
        return "<connector name=\"p\" mode=\"enforce\">" + inbound + "</connector>";
    }

    static String in(String attributes, String children) {
        return partner("<inbound requireTls=\"true\"" + attributes + "><senderDomain>partner.example</senderDomain>" + children + "</inbound>");
    }

    static String out(String attributes, String children) {
        return partner("<outbound" + attributes + "><recipientDomain>partner.example</recipientDomain>" + children + "</outbound>");
    }

    static Stream<Arguments> badPolicies() {
        return Stream.of(
            Arguments.of("misspelt level", out(" level=\"verfy\"", ""),
                "<outbound level=\"verfy\">: unknown level 'verfy'; accepted: none, may, encrypt, verify, secure, fingerprint, dane, dane-only"),
            Arguments.of("level is required on a connector", out("", ""),
                "<outbound>: attribute 'level' is required; accepted: none, may, encrypt, verify, secure, fingerprint, dane, dane-only"),
            Arguments.of("misspelt mode", "<connector name=\"p\" mode=\"enforcing\"><inbound requireTls=\"true\"><senderDomain>a.example</senderDomain></inbound></connector>",
                "<connector mode=\"enforcing\">: unknown mode 'enforcing'; accepted: enforce, testing"),
            Arguments.of("mode is required", "<connector name=\"p\"><inbound requireTls=\"true\"><senderDomain>a.example</senderDomain></inbound></connector>",
                "<connector>: attribute 'mode' is required; accepted: enforce, testing"),
            Arguments.of("unknown attribute", in(" requireTLS=\"true\"", ""),
                "<inbound requireTLS=\"true\">: unknown attribute 'requireTLS'; accepted: requireTls, minimumProtocol, allowRelay, nullSender, failure"),
            Arguments.of("unknown element", in("", "<senderDomains>b.example</senderDomains>"),
                "<senderDomains>: unknown element in <inbound>; accepted: <senderDomain>, <partnerIp>, <clientCertificate>"),
            Arguments.of("unknown top-level element", "<conector name=\"p\"/>",
                "<conector>: unknown element in <tlsPolicy>; accepted: <defaults>, <connector>, <domainTable>"),
            Arguments.of("garbage domain", partner("<inbound requireTls=\"true\"><senderDomain>partner_example</senderDomain></inbound>"),
                "<senderDomain>: not a domain name 'partner_example': character '_' is not allowed (letters, digits, hyphen; labels separated by dots)"),
            Arguments.of("wildcard in the middle", partner("<inbound requireTls=\"true\"><senderDomain>mail.*.example</senderDomain></inbound>"),
                "<senderDomain>: not a domain pattern 'mail.*.example'; accepted: a domain name (partner.example) or a wildcard over its subdomains (*.partner.example)"),
            Arguments.of("Postfix-style .domain in a connector", partner("<inbound requireTls=\"true\"><senderDomain>.partner.example</senderDomain></inbound>"),
                "<senderDomain>: not a domain pattern '.partner.example'; accepted: a domain name (partner.example) or a wildcard over its subdomains (*.partner.example)"),
            Arguments.of("fingerprint without pins", out(" level=\"fingerprint\"", ""),
                "<outbound level=\"fingerprint\">: level fingerprint needs at least one pin"),
            Arguments.of("secure without match", out(" level=\"secure\"", ""),
                "<outbound level=\"secure\">: level secure needs match names: the MX host name is not trusted (SPEC §1.3)"),
            Arguments.of("secure trusting the MX name", out(" level=\"secure\"", "<match>hostname</match>"),
                "<outbound level=\"secure\">: match 'hostname' is not allowed under level secure: the MX host name comes from unauthenticated DNS; use level verify"),
            Arguments.of("match under may", out(" level=\"may\"", "<match>mail.partner.example</match>"),
                "<outbound level=\"may\">: match names apply to levels secure and verify only, not may"),
            Arguments.of("pins under verify", out(" level=\"verify\"", "<pin>" + PIN + "</pin>"),
                "<outbound level=\"verify\">: pins apply to level fingerprint only, not verify"),
            Arguments.of("pin that is not base64 SHA-256", out(" level=\"fingerprint\"", "<pin>abc</pin>"),
                "<pin>: not an SPKI SHA-256 pin 'abc'; accepted: base64 of 32 bytes, 44 characters ending in '=' (RFC 7469 §2.4)"),
            Arguments.of("bad match name", out(" level=\"secure\"", "<match>mail..partner.example</match>"),
                "<match>: not a match name 'mail..partner.example'; accepted: a host name (mail.partner.example), .parent (any subdomain), *.parent (one label), nexthop, dot-nexthop, hostname"),
            Arguments.of("CIDR with host bits", in("", "<partnerIp>192.0.2.1/24</partnerIp>"),
                "<partnerIp>: IP range '192.0.2.1/24' has host bits set; did you mean 192.0.2.0/24?"),
            Arguments.of("IPv6 CIDR with host bits", in("", "<partnerIp>2001:db8::1/64</partnerIp>"),
                "<partnerIp>: IP range '2001:db8::1/64' has host bits set; did you mean 2001:db8:0:0:0:0:0:0/64?"),
            Arguments.of("host name instead of IP", in("", "<partnerIp>mx.partner.example</partnerIp>"),
                "<partnerIp>: not an IP range 'mx.partner.example'; accepted: IPv4 or IPv6 CIDR such as 192.0.2.0/24 or 2001:db8::/32"),
            Arguments.of("prefix too long", in("", "<partnerIp>192.0.2.0/33</partnerIp>"),
                "<partnerIp>: not an IP range '192.0.2.0/33': prefix length must be 0..32"),
            Arguments.of("allowRelay without certificate requirement", in(" allowRelay=\"true\"", ""),
                "<inbound>: allowRelay needs a client certificate requirement: relay is granted to a verified certificate, never to a domain name"),
            Arguments.of("certificate over clear text", partner("<inbound requireTls=\"false\"><senderDomain>partner.example</senderDomain>"
                    + "<clientCertificate><name>partner.example</name></clientCertificate></inbound>"),
                "<inbound>: a client certificate requirement needs requireTls=\"true\": certificates only exist over TLS"),
            Arguments.of("certificate requirement without a name", in("", "<clientCertificate revocation=\"off\"/>"),
                "<clientCertificate>: needs at least one <name> (subject CN or DNS SAN, e.g. partner.example or *.partner.example)"),
            Arguments.of("unknown revocation mode", in("", "<clientCertificate revocation=\"soft\"><name>partner.example</name></clientCertificate>"),
                "<clientCertificate revocation=\"soft\">: unknown revocation mode 'soft'; accepted: off, soft-fail, hard-fail"),
            Arguments.of("issuer that is not a DN", in("", "<clientCertificate><name>partner.example</name><issuer>Partner CA</issuer></clientCertificate>"),
                "<issuer>: not a distinguished name 'Partner CA'; accepted: RFC 4514 form such as CN=Partner CA,O=Partner"),
            Arguments.of("issuer twice", in("", "<clientCertificate><name>partner.example</name><issuer>CN=A</issuer><issuer>CN=B</issuer></clientCertificate>"),
                "<issuer>: appears more than once in <clientCertificate>; accepted: at most one"),
            Arguments.of("client certificate twice", in("", "<clientCertificate><name>a.example</name></clientCertificate>"
                    + "<clientCertificate><name>b.example</name></clientCertificate>"),
                "<clientCertificate>: appears more than once in <inbound>; accepted: at most one"),
            Arguments.of("missing trust anchor file", in("", "<clientCertificate><name>partner.example</name><trustAnchors>partner-ca.pem</trustAnchors></clientCertificate>"),
                "<trustAnchors>: trust anchor file 'partner-ca.pem' not found (looked at DIR/partner-ca.pem)"),
            Arguments.of("missing outbound trust anchor file", out(" level=\"verify\"", "<trustAnchors>partner-ca.pem</trustAnchors>"),
                "<trustAnchors>: trust anchor file 'partner-ca.pem' not found (looked at DIR/partner-ca.pem)"),
            Arguments.of("outbound trust anchors twice", out(" level=\"verify\"", "<trustAnchors>a.pem</trustAnchors><trustAnchors>b.pem</trustAnchors>"),
                "<trustAnchors>: appears more than once in <outbound>; accepted: at most one"),
            Arguments.of("client identity without certificates", out(" level=\"verify\"", "<clientIdentity privateKey=\"key.pem\"/>"),
                "<clientIdentity>: attribute 'certificates' is required; accepted: PEM certificates, the client certificate first, a PEM file relative to tls-policy.xml"),
            Arguments.of("client identity files missing", out(" level=\"verify\"", "<clientIdentity privateKey=\"k.pem\" certificates=\"c.pem\"/>"),
                "<clientIdentity>: private key file DIR/k.pem not found"),
            Arguments.of("TLS 1.1 as minimum", in(" minimumProtocol=\"TLSv1.1\"", ""),
                "<inbound minimumProtocol=\"TLSv1.1\">: minimum protocol TLSv1.1 is not allowed (RFC 8996 deprecates TLS 1.0 and 1.1); accepted: TLSv1.2, TLSv1.3"),
            Arguments.of("TLS 1.0 as outbound minimum", out(" level=\"encrypt\" minimumProtocol=\"TLSv1\"", ""),
                "<outbound minimumProtocol=\"TLSv1\">: minimum protocol TLSv1 is not allowed (RFC 8996 deprecates TLS 1.0 and 1.1); accepted: TLSv1.2, TLSv1.3"),
            Arguments.of("unknown protocol", in(" minimumProtocol=\"TLS1.2\"", ""),
                "<inbound minimumProtocol=\"TLS1.2\">: unknown TLS protocol 'TLS1.2'; accepted: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3"),
            Arguments.of("lenient boolean", partner("<inbound requireTls=\"yes\"><senderDomain>partner.example</senderDomain></inbound>"),
                "<inbound requireTls=\"yes\">: not a boolean 'yes'; accepted: true, false"),
            Arguments.of("bad expiry date", "<connector name=\"p\" mode=\"enforce\" expires=\"31/01/2027\"><inbound requireTls=\"true\"><senderDomain>a.example</senderDomain></inbound></connector>",
                "<connector expires=\"31/01/2027\">: not a date '31/01/2027'; accepted: a date such as 2027-01-31 (ISO 8601, last day the connector applies)"),
            Arguments.of("bad connector name", "<connector name=\"partner example\" mode=\"enforce\"><inbound requireTls=\"true\"><senderDomain>a.example</senderDomain></inbound></connector>",
                "<connector name=\"partner example\">: not a connector name 'partner example'; accepted: 1 to 64 letters, digits, '.', '_', '-', starting with a letter or digit"),
            Arguments.of("connector without parts", "<connector name=\"p\" mode=\"enforce\"/>",
                "<connector name=\"p\">: has neither <inbound> nor <outbound>; accepted: one or both"),
            Arguments.of("inbound without sender domain", partner("<inbound requireTls=\"true\"/>"),
                "<inbound>: needs at least one <senderDomain>"),
            Arguments.of("outbound without recipient domain", partner("<outbound level=\"encrypt\"/>"),
                "<outbound>: needs at least one <recipientDomain>"),
            Arguments.of("bad smart host", out(" level=\"encrypt\"", "<smartHost>relay.partner.example:25</smartHost>"),
                "<smartHost>: not a smart host 'relay.partner.example:25'; accepted: [host] or [host]:port"),
            Arguments.of("unknown cipher preset", out(" level=\"encrypt\" ciphers=\"strong\"", ""),
                "<outbound ciphers=\"strong\">: unknown cipher preset 'strong'; accepted: modern, forward-secret, compatible"),
            Arguments.of("unknown cipher exclusion", out(" level=\"encrypt\" excludeCiphers=\"RC5\"", ""),
                "<outbound excludeCiphers=\"RC5\">: unknown cipher exclusion 'RC5'; accepted: a JSSE suite name (TLS_...) or one of "
                    + "aNULL, eNULL, NULL, RC4, 3DES, DES, MD5, SHA1, SHA, kRSA, DHE, EDH, ECDSA, CBC, AES128, AES256, CHACHA20, CAMELLIA, ARIA, SEED, IDEA"),
            Arguments.of("unknown failure mode", out(" level=\"encrypt\" failure=\"bounce\"", ""),
                "<outbound failure=\"bounce\">: unknown failure 'bounce'; accepted: temporary, permanent"),
            Arguments.of("unknown inbound failure mode", in(" failure=\"soft\"", ""),
                "<inbound failure=\"soft\">: unknown failure 'soft'; accepted: temporary, permanent"),
            Arguments.of("inbound failure mode in upper case", in(" failure=\"PERMANENT\"", ""),
                "<inbound failure=\"PERMANENT\">: unknown failure 'PERMANENT'; accepted: temporary, permanent"),
            Arguments.of("unknown failure mode in the inbound defaults", "<defaults><inbound requireTls=\"true\" failure=\"retry\"/></defaults>",
                "<inbound failure=\"retry\">: unknown failure 'retry'; accepted: temporary, permanent"),
            Arguments.of("domain listed twice in one connector", partner("<inbound requireTls=\"true\"><senderDomain>partner.example</senderDomain>"
                    + "<senderDomain>PARTNER.example.</senderDomain></inbound>"),
                "<senderDomain>: partner.example is listed twice in connector 'p'"),
            Arguments.of("text in a container element", in("", "<clientCertificate>partner<name>partner.example</name></clientCertificate>"),
                "<clientCertificate>: unexpected text 'partner'; this element has no text content"),
            Arguments.of("missing domain table", "<domainTable file=\"tls_policy\"/>",
                "<domainTable file=\"tls_policy\">: domain table not found (looked at DIR/tls_policy)"),
            Arguments.of("inbound defaults twice: the second would silently replace the first",
                "<defaults><inbound requireTls=\"true\"/><inbound requireTls=\"false\"/></defaults>",
                "<inbound>: appears more than once in <defaults>; accepted: at most one"),
            Arguments.of("outbound defaults twice: the second would silently replace the first",
                "<defaults><outbound level=\"encrypt\"/><outbound level=\"may\"/></defaults>",
                "<outbound>: appears more than once in <defaults>; accepted: at most one"),
            Arguments.of("MTA-STS in a connector: an explicit rule outranks a published policy", out(" level=\"encrypt\" mtaSts=\"true\"", ""),
                "<outbound mtaSts=\"true\">: unknown attribute 'mtaSts'; accepted: level, minimumProtocol, ciphers, excludeCiphers, failure, "
                    + "honourTlsRequiredNo"),
            Arguments.of("TLS-Required: No opt-in not a boolean", out(" level=\"verify\" honourTlsRequiredNo=\"yes\"", ""),
                "<outbound honourTlsRequiredNo=\"yes\">: not a boolean 'yes'; accepted: true, false"),
            Arguments.of("TLS-Required: No opt-in in the defaults: only a connector opts in",
                "<defaults><outbound level=\"encrypt\" honourTlsRequiredNo=\"true\"/></defaults>",
                "<outbound honourTlsRequiredNo=\"true\">: unknown attribute 'honourTlsRequiredNo'; accepted: level, minimumProtocol, "
                    + "ciphers, excludeCiphers, mtaSts"),
            Arguments.of("MTA-STS switch not a boolean", "<defaults><outbound level=\"may\" mtaSts=\"yes\"/></defaults>",
                "<outbound mtaSts=\"yes\">: not a boolean 'yes'; accepted: true, false"),
            Arguments.of("DANE with a smart host", out(" level=\"dane\"", "<smartHost>[relay.example]</smartHost>"),
                "<outbound level=\"dane\">: level dane needs the recipient domain's MX records (RFC 7672 §2.2); a smart host is not "
                    + "looked up in DNS; use level secure or fingerprint for a smart host"),
            Arguments.of("defaults twice", "<defaults/><defaults/>",
                "<defaults>: appears more than once in <tlsPolicy>; accepted: at most one"),
            Arguments.of("smart hosts in defaults", "<defaults><outbound level=\"may\"><smartHost>[relay.example]</smartHost></outbound></defaults>",
                "<smartHost>: unknown element in <outbound>; accepted: <match>"),
            Arguments.of("wrong document element", "<tlsPolicy/>",
                "<tlsPolicy>: unknown element in <tlsPolicy>; accepted: <defaults>, <connector>, <domainTable>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPolicies")
    void reportsEachErrorClassWithItsExactMessage(String reason, String body, String expected) throws IOException {
        PolicyFileParser.Result result = parse(body);

        assertThat(result.policy()).as(reason).isEmpty();
        assertThat(result.errors()).extracting(Problem::detail).as(reason)
            .containsExactly(expected.replace("DIR", dir.toAbsolutePath().toString()));
        assertThat(result.errors()).extracting(Problem::line).as(reason).allMatch(line -> line == 2);
    }

    @Test
    void aConnectorOptsInToTlsRequiredNoOnlyWhenItSaysSo() throws Exception {
        TlsPolicy policy = parse(partner("<outbound level=\"verify\" honourTlsRequiredNo=\"true\"><recipientDomain>lenient.example"
            + "</recipientDomain></outbound>") + "<connector name=\"q\" mode=\"enforce\"><outbound level=\"verify\">"
            + "<recipientDomain>strict.example</recipientDomain></outbound></connector>").policyOrThrow();

        assertThat(policy.resolveOutbound("lenient.example").connector().orElseThrow().outbound().orElseThrow().honourTlsRequiredNo())
            .isTrue();
        assertThat(policy.resolveOutbound("strict.example").connector().orElseThrow().outbound().orElseThrow().honourTlsRequiredNo())
            .as("never assumed").isFalse();
    }

    @Test
    void theDefaultsTurnDaneAndMtaStsOn() throws IOException {
        PolicyFileParser.Result result = parse("<defaults><outbound level=\"dane\" mtaSts=\"true\"/></defaults>");

        assertThat(result.errors()).isEmpty();
        TlsPolicy policy = result.policy().orElseThrow();
        assertThat(policy.defaults().mtaSts()).isTrue();
        assertThat(policy.resolveOutbound("anywhere.example").requirement().level()).isEqualTo(OutboundLevel.DANE);
        assertThat(parse("<defaults><outbound level=\"may\"/></defaults>").policy().orElseThrow().defaults().mtaSts())
            .as("MTA-STS is turned on, never assumed").isFalse();
    }

    @ParameterizedTest(name = "failure=\"{0}\" -> {1}")
    @org.junit.jupiter.params.provider.CsvSource({
        "'', temporary",
        "temporary, temporary",
        "permanent, permanent",
    })
    void inboundFailureIsReadAndDefaultsToTemporary(String value, String expected) throws IOException {
        String attribute = value.isEmpty() ? "" : " failure=\"" + value + "\"";
        PolicyFileParser.Result result = parse(in(attribute, "")
            + "<defaults><inbound requireTls=\"true\"" + attribute + "/></defaults>");

        assertThat(result.errors()).isEmpty();
        TlsPolicy policy = result.policy().orElseThrow();
        assertThat(policy.resolveInbound("partner.example").requirement().failure()).hasToString(expected);
        assertThat(policy.resolveInbound("elsewhere.example").requirement().failure()).hasToString(expected);
    }

    @Test
    void aConnectorNamesItsOwnAnchorsAndClientIdentityAndTheReloadWatchesTheirFiles() throws IOException {
        java.time.Instant now = CLOCK.instant();
        dev.jamestls.pki.CertificateAuthority ca = dev.jamestls.pki.CertificateAuthority.root("CN=Partner Private CA", now);
        dev.jamestls.pki.IssuedCertificate ours = ca.leaf("CN=mx.example.com").extendedKeyUsages(dev.jamestls.pki.ExtendedKeyUsage.CLIENT_AUTH).issue();
        dev.jamestls.tls.PemFiles.writeCertificates(dir.resolve("partner-ca.pem"), List.of(ca.certificate().certificate()));
        dev.jamestls.tls.PemFiles.writeCertificates(dir.resolve("client.pem"), ours.presentedChain());
        dev.jamestls.tls.PemFiles.writePrivateKey(dir.resolve("client.key"), ours.keyPair().getPrivate());

        PolicyFileParser.Result result = parse(out(" level=\"verify\"", "<trustAnchors>partner-ca.pem</trustAnchors>"
            + "<clientIdentity privateKey=\"client.key\" certificates=\"client.pem\"/>"));

        assertThat(result.errors()).isEmpty();
        dev.jamestls.policy.OutboundRequirement requirement = result.policy().orElseThrow().resolveOutbound("partner.example").requirement();
        assertThat(requirement.trustAnchors().orElseThrow().certificates()).containsExactly(ca.certificate().certificate());
        assertThat(requirement.clientIdentity().orElseThrow().leaf()).isEqualTo(ours.certificate());
        assertThat(result.files()).contains(dir.resolve("partner-ca.pem"), dir.resolve("client.key"), dir.resolve("client.pem"));
    }

    @Test
    void aClientIdentityWhoseKeyIsNotTheCertificatesIsAnError() throws IOException {
        java.time.Instant now = CLOCK.instant();
        dev.jamestls.pki.CertificateAuthority ca = dev.jamestls.pki.CertificateAuthority.root("CN=CA", now);
        dev.jamestls.pki.IssuedCertificate ours = ca.leaf("CN=ours").issue();
        dev.jamestls.pki.IssuedCertificate other = ca.leaf("CN=other").issue();
        dev.jamestls.tls.PemFiles.writeCertificates(dir.resolve("client.pem"), ours.presentedChain());
        dev.jamestls.tls.PemFiles.writePrivateKey(dir.resolve("client.key"), other.keyPair().getPrivate());

        PolicyFileParser.Result result = parse(out(" level=\"verify\"", "<clientIdentity privateKey=\"client.key\" certificates=\"client.pem\"/>"));

        assertThat(result.errors()).extracting(Problem::detail).containsExactly("<clientIdentity>: client.pem + client.key: the private key "
            + "does not belong to the certificate 'CN=ours' (SPKI pin '" + dev.jamestls.tls.CertificatePins.spkiSha256(ours.certificate())
            + "'); accepted: the key of the first certificate of the chain");
    }

    @Test
    void locatesTheElementByLineAndColumn() throws IOException {
        PolicyFileParser.Result result = parse("  <connector name=\"p\" mode=\"enforce\">\n    <outbound\n        level=\"verfy\">\n"
            + "<recipientDomain>partner.example</recipientDomain></outbound></connector>");

        assertThat(result.errors()).extracting(Problem::toString).containsExactly(
            "tls-policy.xml:3:5: error: <outbound level=\"verfy\">: unknown level 'verfy'; accepted: none, may, encrypt, verify, secure, fingerprint, dane, dane-only");
    }

    @Test
    void collectsEveryProblemOfTheFileNotJustTheFirst() throws IOException {
        PolicyFileParser.Result result = parse(
            "<connector name=\"a\" mode=\"enforce\"><inbound requireTls=\"true\"><senderDomain>partner.example</senderDomain></inbound></connector>\n"
                + "<connector name=\"b\" mode=\"enforce\"><inbound requireTls=\"true\"><senderDomain>partner.example</senderDomain></inbound>"
                + "<outbound level=\"secure\"><recipientDomain>partner.example</recipientDomain></outbound></connector>\n"
                + "<connector name=\"a\" mode=\"testng\"><outbound level=\"may\"><recipientDomain>x.example</recipientDomain></outbound></connector>");

        assertThat(result.errors()).extracting(Problem::toString).containsExactly(
            "tls-policy.xml:3:63: error: <senderDomain>: connectors 'a' and 'b' both claim partner.example inbound; a domain belongs to one connector per direction",
            "tls-policy.xml:3:117: error: <outbound level=\"secure\">: level secure needs match names: the MX host name is not trusted (SPEC §1.3)",
            "tls-policy.xml:4:1: error: <connector mode=\"testng\">: unknown mode 'testng'; accepted: enforce, testing",
            "tls-policy.xml:4:1: error: <connector name=\"a\">: connector name 'a' is already used at line 2");
    }

    @Test
    void reportsMalformedXmlWithItsPosition() throws IOException {
        PolicyFileParser.Result result = parse("<connector name=\"p\" mode=\"enforce\">");

        assertThat(result.errors()).hasSize(1);
        assertThat(result.errors().get(0).toString())
            .startsWith("tls-policy.xml:3:3: error: not well-formed XML: ")
            .contains("connector");
    }

    @Test
    void warnsAboutAnExpiredConnectorAndStillLoads() throws IOException {
        PolicyFileParser.Result result = parse("<connector name=\"old\" mode=\"enforce\" expires=\"2026-02-28\">"
            + "<inbound requireTls=\"true\"><senderDomain>old.example</senderDomain></inbound></connector>");

        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).extracting(Problem::toString).containsExactly(
            "tls-policy.xml:2:1: warning: <connector expires=\"2026-02-28\">: connector 'old' expired on 2026-02-28; it no longer applies");
        TlsPolicy policy = result.policy().orElseThrow();
        assertThat(policy.resolveInbound("old.example").rule()).isEqualTo("defaults");
    }

    @Test
    void warnsAboutAConnectorExpiringSoon() throws IOException {
        PolicyFileParser.Result result = parse("<connector name=\"soon\" mode=\"testing\" expires=\"2026-03-10\">"
            + "<inbound requireTls=\"true\"><senderDomain>soon.example</senderDomain></inbound></connector>");

        assertThat(result.warnings()).extracting(Problem::detail).containsExactly(
            "<connector expires=\"2026-03-10\">: connector 'soon' expires on 2026-03-10; it stops applying after that day");
        assertThat(result.policy().orElseThrow().resolveInbound("soon.example").mode()).isEqualTo(Mode.TESTING);
    }

    @Test
    void readsDomainTablesRelativeToThePolicyFile() throws IOException {
        Files.writeString(dir.resolve("tls_policy"), "big.example secure match=mx.big.example\n");
        PolicyFileParser.Result result = parse("<domainTable file=\"tls_policy\" mode=\"testing\"/>");

        assertThat(result.problems()).isEmpty();
        assertThat(result.files()).containsExactly(dir.resolve("tls-policy.xml"), dir.toAbsolutePath().resolve("tls_policy"));
        var resolution = result.policy().orElseThrow().resolveOutbound("big.example");
        assertThat(resolution.requirement().level()).isEqualTo(OutboundLevel.SECURE);
        assertThat(resolution.mode()).isEqualTo(Mode.TESTING);
    }

    @Test
    void reportsTableErrorsWithTheTableFileAndLine() throws IOException {
        Files.writeString(dir.resolve("tls_policy"), "# partners\nok.example encrypt\nbad.example dane-only match=nexthop\n");
        PolicyFileParser.Result result = parse("<domainTable file=\"tls_policy\"/>");

        assertThat(result.errors()).extracting(Problem::toString).containsExactly(
            "tls_policy:3:1: error: entry 'bad.example': match names apply to levels secure and verify only, not dane-only");
    }

    static Stream<Arguments> smartHostReferences() {
        return Stream.of(
            Arguments.of("a set property", "[localhost]:${sys:demo.port}", Map.of("demo.port", "3526"), "[localhost]:3526"),
            Arguments.of("a set property wins over the default", "[localhost]:${sys:demo.port:-2526}", Map.of("demo.port", "3526"),
                "[localhost]:3526"),
            Arguments.of("the default when the property is not set", "[localhost]:${sys:demo.port:-2526}", Map.of(), "[localhost]:2526"),
            Arguments.of("a host from a property", "[${sys:relay.host}]:587", Map.of("relay.host", "relay.example"), "[relay.example]:587"),
            Arguments.of("no reference", "[localhost]:2526", Map.of(), "[localhost]:2526"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smartHostReferences")
    void smartHostsMayNameSystemPropertiesAsJamesFilesDo(String reason, String smartHost, Map<String, String> properties, String expected)
        throws IOException {
        Path file = dir.resolve("tls-policy.xml");
        Files.writeString(file, "<tlsPolicy>\n" + out(" level=\"encrypt\"", "<smartHost>" + smartHost + "</smartHost>") + "\n</tlsPolicy>\n");

        PolicyFileParser.Result result = new PolicyFileParser(CLOCK, properties::get).parse(file);

        assertThat(result.problems()).isEmpty();
        assertThat(result.policy().orElseThrow().resolveOutbound("partner.example").requirement().smartHosts())
            .extracting(Object::toString).containsExactly(expected);
    }

    static Stream<Arguments> badSmartHostReferences() {
        return Stream.of(
            Arguments.of("a property that is not set, without default", "[localhost]:${sys:demo.port}",
                "<smartHost>: system property 'demo.port' of '[localhost]:${sys:demo.port}' is not set; accepted: set it"
                    + " (-Ddemo.port=... or conf/jvm.properties), or give a default: ${sys:demo.port:-default}"),
            Arguments.of("not a system property reference", "[localhost]:${env:PORT}",
                "<smartHost>: unknown reference in '[localhost]:${env:PORT}'; accepted: ${sys:name} or ${sys:name:-default}"),
            Arguments.of("the resolved value is checked like a written one", "[localhost]:${sys:demo.port:-99999}",
                "<smartHost>: not a smart host '[localhost]:99999': port 99999 out of range 1..65535"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSmartHostReferences")
    void aSmartHostReferenceThatDoesNotResolveIsAnError(String reason, String smartHost, String expected) throws IOException {
        PolicyFileParser.Result result = parse(out(" level=\"encrypt\"", "<smartHost>" + smartHost + "</smartHost>"));

        assertThat(result.policy()).isEmpty();
        assertThat(result.errors()).extracting(Problem::detail).containsExactly(expected);
    }

    @Test
    void aSecondOutboundDefaultIsReportedAtItsOwnLineAndColumn() throws IOException {
        PolicyFileParser.Result result = parse("""
            <defaults>
              <outbound level="encrypt"/>
              <outbound level="may"/>
            </defaults>""");

        assertThat(result.policy()).isEmpty();
        assertThat(result.errors()).extracting(Problem::toString)
            .containsExactly("tls-policy.xml:4:3: error: <outbound>: appears more than once in <defaults>; accepted: at most one");
    }

    @Test
    void aDomainTableNamedTwiceIsAnErrorNamingTheFirstLine() throws IOException {
        Files.writeString(dir.resolve("tls_policy"), "big.example verify\n");
        PolicyFileParser.Result result = parse("""
            <domainTable file="tls_policy"/>
            <domainTable file="./tls_policy" mode="testing"/>""");

        assertThat(result.policy()).isEmpty();
        assertThat(result.errors()).extracting(Problem::toString).containsExactly(
            "tls-policy.xml:3:1: error: <domainTable file=\"./tls_policy\">: names the same table as line 2; accepted: each table once");
    }

    @Test
    void loadsTheShippedSamplePolicy() {
        Path sample = Path.of("src/main/james-conf/tls-policy.xml");
        PolicyFileParser.Result result = new PolicyFileParser(CLOCK).parse(sample);

        assertThat(result.problems()).isEmpty();
        TlsPolicy policy = result.policy().orElseThrow();
        assertThat(policy.connectors()).extracting(c -> c.name()).containsExactly("partner-example", "onprem-example", "staged-example", "stripped-example");
        assertThat(policy.resolveInbound("onprem.example").requirement().allowRelay()).isTrue();
        assertThat(policy.resolveInbound("staged.example").mode()).isEqualTo(Mode.TESTING);
        assertThat(policy.resolveOutbound("partner.example").requirement().level()).isEqualTo(OutboundLevel.SECURE);
        assertThat(policy.resolveOutbound("legacy.example").requirement().level()).isEqualTo(OutboundLevel.ENCRYPT);
        assertThat(policy.resolveOutbound("elsewhere.example").requirement().level()).isEqualTo(OutboundLevel.DANE);
        assertThat(policy.defaults().mtaSts()).isTrue();
    }
}
