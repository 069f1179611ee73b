package dev.jamestls.it.harness;

import static dev.jamestls.it.harness.PolicyXml.clientCertificate;
import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.inbound;
import static dev.jamestls.it.harness.PolicyXml.outbound;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.policy.CertificateName;
import dev.jamestls.policy.Connector;
import dev.jamestls.policy.Defaults;
import dev.jamestls.policy.DomainPattern;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.InboundRequirement;
import dev.jamestls.policy.IpRange;
import dev.jamestls.policy.MatchName;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.SmartHost;
import dev.jamestls.policy.TlsPolicy;
import dev.jamestls.policy.file.PolicyFileParser;
import dev.jamestls.revocation.RevocationChecking;
import dev.jamestls.tls.PemFiles;
import dev.jamestls.tls.TlsProtocol;

/** What {@link PolicyXml} writes is what the policy parser reads back as the rules the test asked for. */
class PolicyXmlTest {
    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String PIN = "r/mIkG3eEpVdm+u/ko/cwxzOMo1bk4TyHIlByibiA5E=";
    static final String OTHER_PIN = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    @TempDir
    Path dir;

    TlsPolicy parse(PolicyXml policy) throws Exception {
        Path file = dir.resolve("tls-policy.xml");
        Files.writeString(file, policy.xml());
        PolicyFileParser.Result result = new PolicyFileParser(CLOCK).parse(file);
        assertThat(result.problems()).as(policy.xml()).isEmpty();
        return result.policyOrThrow();
    }

    @Test
    void aPolicyWithoutDefaultsIsOpportunistic() throws Exception {
        assertThat(PolicyXml.policy().xml()).isEqualTo("<tlsPolicy/>\n");
        assertThat(parse(PolicyXml.policy()).defaults()).isEqualTo(Defaults.OPPORTUNISTIC);
    }

    @Test
    void theOpportunisticDefaultsAreWrittenOutAndReadAsTheParsersOwn() throws Exception {
        assertThat(PolicyXml.opportunistic().xml()).isEqualTo("""
            <tlsPolicy>
              <defaults>
                <inbound requireTls="false"/>
                <outbound level="may"/>
              </defaults>
            </tlsPolicy>
            """);
        assertThat(parse(PolicyXml.opportunistic()).defaults()).isEqualTo(Defaults.OPPORTUNISTIC);
        assertThat(parse(PolicyXml.policy().defaults(inbound(false).minimumProtocol(TlsProtocol.TLS_1_2), outbound(OutboundLevel.MAY)))
            .defaults()).as("TLSv1.2 is the minimum when none is written").isEqualTo(Defaults.OPPORTUNISTIC);
    }

    @Test
    void defaultsCarryTheirAttributes() throws Exception {
        TlsPolicy policy = parse(PolicyXml.policy().defaults(inbound(true).minimumProtocol(TlsProtocol.TLS_1_3).failure(Failure.PERMANENT),
            outbound(OutboundLevel.VERIFY).minimumProtocol(TlsProtocol.TLS_1_3).match("nexthop")));

        assertThat(policy.defaults().inbound())
            .isEqualTo(new InboundRequirement(true, TlsProtocol.TLS_1_3, Optional.empty(), false, List.of(), Failure.PERMANENT));
        OutboundRequirement outbound = policy.defaults().outbound();
        assertThat(outbound.level()).isEqualTo(OutboundLevel.VERIFY);
        assertThat(outbound.minimumProtocol()).isEqualTo(TlsProtocol.TLS_1_3);
        assertThat(outbound.match()).containsExactly(MatchName.parse("nexthop"));
    }

    @Test
    void outboundOnlyDefaultsLeaveInboundOpportunistic() throws Exception {
        TlsPolicy policy = parse(PolicyXml.policy().defaults(outbound(OutboundLevel.ENCRYPT)));

        assertThat(policy.defaults().inbound()).isEqualTo(InboundRequirement.OPPORTUNISTIC);
        assertThat(policy.defaults().outbound().level()).isEqualTo(OutboundLevel.ENCRYPT);
    }

    @Test
    void anInboundConnectorCarriesEveryAttributeAndChild() throws Exception {
        CertificateAuthority partnerCa = CertificateAuthority.root("CN=Partner Root,O=partner", NOW);
        Files.writeString(dir.resolve("partner-ca.pem"), AnchorFiles.pem(List.of(partnerCa)));

        TlsPolicy policy = parse(PolicyXml.opportunistic()
            .connector(connector("partner-example").inbound(inbound(true).minimumProtocol(TlsProtocol.TLS_1_3).allowRelay()
                .failure(Failure.PERMANENT).senderDomain("partner.example", "*.partner.example").partnerIp("192.0.2.0/24")
                .partnerIp("2001:db8::/32")
                .clientCertificate(clientCertificate(RevocationChecking.HARD_FAIL).name("mta.partner.example", "*.mta.partner.example")
                    .issuer("CN=Partner Root,O=partner").pin(PIN).pin(OTHER_PIN).trustAnchors("partner-ca.pem"))))
            .connector(connector("bounces").testing().expires(LocalDate.of(2099, 12, 31)).inbound(inbound(true).nullSender())));

        Connector partner = policy.connector("partner-example").orElseThrow();
        assertThat(partner.mode()).isEqualTo(Mode.ENFORCE);
        assertThat(partner.expires()).isEmpty();
        assertThat(partner.outbound()).isEmpty();
        Connector.Inbound inbound = partner.inbound().orElseThrow();
        assertThat(inbound.senderDomains()).containsExactly(DomainPattern.parse("partner.example"), DomainPattern.parse("*.partner.example"));
        assertThat(inbound.nullSender()).isFalse();
        InboundRequirement requirement = inbound.requirement();
        assertThat(requirement.requireTls()).isTrue();
        assertThat(requirement.minimumProtocol()).isEqualTo(TlsProtocol.TLS_1_3);
        assertThat(requirement.allowRelay()).isTrue();
        assertThat(requirement.failure()).isEqualTo(Failure.PERMANENT);
        assertThat(requirement.partnerIps()).extracting(IpRange::toString)
            .containsExactly(IpRange.parse("192.0.2.0/24").toString(), IpRange.parse("2001:db8::/32").toString());
        var certificate = requirement.clientCertificate().orElseThrow();
        assertThat(certificate.names()).containsExactly(CertificateName.parse("mta.partner.example"), CertificateName.parse("*.mta.partner.example"));
        assertThat(certificate.issuer()).contains(new X500Principal("CN=Partner Root,O=partner").getName());
        assertThat(certificate.pins()).containsExactly(PIN, OTHER_PIN);
        assertThat(certificate.revocation()).isEqualTo(RevocationChecking.HARD_FAIL);
        assertThat(certificate.trustAnchors().orElseThrow().certificates()).containsExactly(partnerCa.certificate().certificate());

        Connector bounces = policy.connector("bounces").orElseThrow();
        assertThat(bounces.mode()).isEqualTo(Mode.TESTING);
        assertThat(bounces.expires()).contains(LocalDate.of(2099, 12, 31));
        assertThat(bounces.inbound().orElseThrow().nullSender()).isTrue();
        assertThat(bounces.inbound().orElseThrow().senderDomains()).isEmpty();
        assertThat(bounces.inbound().orElseThrow().requirement().failure()).isEqualTo(Failure.TEMPORARY);
    }

    @Test
    void anOutboundConnectorCarriesEveryAttributeAndChild() throws Exception {
        CertificateAuthority privateCa = CertificateAuthority.root("CN=Private Root,O=partner", NOW);
        IssuedCertificate client = privateCa.leaf("CN=client.example").dnsNames("client.example").issue();
        Files.writeString(dir.resolve("private-ca.pem"), AnchorFiles.pem(List.of(privateCa)));
        Files.writeString(dir.resolve("client.pem"), PemFiles.certificates(client.presentedChain()));
        Files.writeString(dir.resolve("client.key"), PemFiles.privateKey(client.keyPair().getPrivate()));

        TlsPolicy policy = parse(PolicyXml.policy()
            .connector(connector("private").outbound(outbound(OutboundLevel.SECURE).minimumProtocol(TlsProtocol.TLS_1_3)
                .failure(Failure.PERMANENT).recipientDomain("private.example").recipientDomain("*.private.example")
                .match(".dest.example").match("nexthop").smartHost("[relay.private.example]").smartHost("[relay2.private.example]:587")
                .trustAnchors("private-ca.pem").clientIdentity("client.key", "client.pem")))
            .connector(connector("pinned").outbound(outbound(OutboundLevel.FINGERPRINT).recipientDomain("pinned.example").pin(PIN))));

        Connector.Outbound outbound = policy.connector("private").orElseThrow().outbound().orElseThrow();
        assertThat(outbound.recipientDomains()).containsExactly(DomainPattern.parse("private.example"), DomainPattern.parse("*.private.example"));
        OutboundRequirement requirement = outbound.requirement();
        assertThat(requirement.level()).isEqualTo(OutboundLevel.SECURE);
        assertThat(requirement.minimumProtocol()).isEqualTo(TlsProtocol.TLS_1_3);
        assertThat(requirement.failure()).isEqualTo(Failure.PERMANENT);
        assertThat(requirement.match()).containsExactly(MatchName.parse(".dest.example"), MatchName.parse("nexthop"));
        assertThat(requirement.smartHosts()).containsExactly(SmartHost.parse("[relay.private.example]"), SmartHost.parse("[relay2.private.example]:587"));
        assertThat(requirement.trustAnchors().orElseThrow().certificates()).containsExactly(privateCa.certificate().certificate());
        assertThat(requirement.clientIdentity().orElseThrow().chain()).isEqualTo(client.presentedChain());

        OutboundRequirement pinned = policy.connector("pinned").orElseThrow().outbound().orElseThrow().requirement();
        assertThat(pinned.level()).isEqualTo(OutboundLevel.FINGERPRINT);
        assertThat(pinned.pins()).containsExactly(PIN);
    }

    @Test
    void aDomainTableIsNamedRelativeToThePolicy() throws Exception {
        Files.writeString(dir.resolve("tls_policy"), ".table.example encrypt\n");

        TlsPolicy policy = parse(PolicyXml.opportunistic().domainTable("tls_policy"));

        assertThat(policy.tables()).hasSize(1);
        assertThat(policy.resolveOutbound("mx.table.example").requirement().level()).isEqualTo(OutboundLevel.ENCRYPT);
    }

    @Test
    void aSharedBuilderIsNotChangedByWhatIsBuiltFromIt() throws Exception {
        PolicyXml shared = PolicyXml.opportunistic();
        PolicyXml.Inbound partner = inbound(true).senderDomain("partner.example");

        PolicyXml extended = shared.connector(connector("a").inbound(partner.failure(Failure.PERMANENT)));

        assertThat(shared.xml()).isEqualTo(PolicyXml.opportunistic().xml());
        assertThat(parse(extended).connector("a").orElseThrow().inbound().orElseThrow().requirement().failure())
            .isEqualTo(Failure.PERMANENT);
        assertThat(parse(shared.connector(connector("b").inbound(partner))).connector("b").orElseThrow().inbound().orElseThrow()
            .requirement().failure()).isEqualTo(Failure.TEMPORARY);
    }

    @Test
    void textIsEscaped() throws Exception {
        String issuer = "CN=R&D \\<Lab\\>,O=\"Smith, Sons\"";
        PolicyXml smith = PolicyXml.policy().connector(connector("smith").inbound(inbound(true).senderDomain("smith.example")
            .clientCertificate(clientCertificate(RevocationChecking.OFF).name("smith.example").issuer(issuer))));

        assertThat(smith.xml()).contains("<issuer>CN=R&amp;D \\&lt;Lab\\&gt;,O=&quot;Smith, Sons&quot;</issuer>");
        assertThat(parse(smith).connector("smith").orElseThrow().inbound().orElseThrow().requirement().clientCertificate().orElseThrow()
            .issuer()).contains(new X500Principal(issuer).getName());
    }

    @Test
    void anInternationalSenderDomainIsReadAsItsPunycode() throws Exception {
        TlsPolicy policy = parse(PolicyXml.policy().connector(connector("books").inbound(inbound(true).senderDomain("bücher.example"))));

        assertThat(policy.resolveInbound("xn--bcher-kva.example").rule()).isEqualTo("books");
    }
}
