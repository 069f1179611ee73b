package dev.jamestls.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.jamestls.tls.TlsProtocol;
import dev.jamestls.verify.DnsNames;

class TlsPolicyPrecedenceTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    static OutboundRequirement level(OutboundLevel level) {
        List<MatchName> match = level == OutboundLevel.SECURE ? List.of(MatchName.parse("nexthop")) : List.of();
        return new OutboundRequirement(level, match, List.of(), TlsProtocol.TLS_1_2, CipherPolicy.DEFAULT, List.of(), Failure.TEMPORARY);
    }

    static Connector outbound(String name, OutboundLevel level, String... domains) {
        return new Connector(name, Mode.ENFORCE, Optional.empty(), Optional.empty(),
            Optional.of(new Connector.Outbound(List.of(domains).stream().map(DomainPattern::parse).toList(), level(level))));
    }

    static Connector inbound(String name, Mode mode, Optional<LocalDate> expires, String... domains) {
        InboundRequirement requirement = new InboundRequirement(true, TlsProtocol.TLS_1_2, Optional.empty(), false, List.of(), Failure.TEMPORARY);
        return new Connector(name, mode, expires,
            Optional.of(new Connector.Inbound(List.of(domains).stream().map(DomainPattern::parse).toList(), false, requirement)),
            Optional.empty());
    }

    static DomainTable table(String name, String... exactThenDotKeys) {
        DomainTable.Builder builder = DomainTable.builder(name);
        int line = 1;
        for (String key : exactThenDotKeys) {
            TableEntry entry = new TableEntry(key, Mode.ENFORCE, level(OutboundLevel.ENCRYPT), name, line++);
            if (key.startsWith(".")) {
                builder.addSubdomains(DomainName.parse(key.substring(1)), entry);
            } else {
                builder.addExact(DomainName.parse(key), entry);
            }
        }
        return builder.build();
    }

    @Test
    void connectorOutranksDomainTableWhichOutranksDefaults() {
        TlsPolicy policy = new TlsPolicy(Defaults.OPPORTUNISTIC, List.of(outbound("partner", OutboundLevel.SECURE, "*.example")),
            List.of(table("tls_policy", "mail.example")), CLOCK);

        OutboundResolution resolution = policy.resolveOutbound("mail.example");

        assertThat(resolution.kind()).isEqualTo(RuleKind.CONNECTOR);
        assertThat(resolution.trail()).extracting(TrailStep::toString).containsExactly(
            "applied: connector partner (*.example): connector claims the domain by wildcard",
            "outranked: domain table tls_policy:1 mail.example (mail.example): connector takes precedence over domain table",
            "outranked: defaults defaults (-): defaults apply only when no rule matches");
    }

    @Test
    void mostSpecificConnectorPatternWins() {
        TlsPolicy policy = new TlsPolicy(Defaults.OPPORTUNISTIC, List.of(
            outbound("broad", OutboundLevel.ENCRYPT, "*.example"),
            outbound("narrow", OutboundLevel.VERIFY, "*.partner.example"),
            outbound("exact", OutboundLevel.SECURE, "mx.partner.example")), List.of(), CLOCK);

        assertThat(policy.resolveOutbound("mx.partner.example").rule()).isEqualTo("exact");
        assertThat(policy.resolveOutbound("a.mx.partner.example").rule()).isEqualTo("narrow");
        assertThat(policy.resolveOutbound("partner.example").rule()).isEqualTo("broad");
        assertThat(policy.resolveOutbound("example").rule()).isEqualTo("defaults");
        assertThat(policy.resolveOutbound("a.mx.partner.example").trail()).extracting(TrailStep::toString).containsExactly(
            "applied: connector narrow (*.partner.example): connector claims the domain by wildcard",
            "outranked: connector broad (*.example): less specific than *.partner.example",
            "outranked: defaults defaults (-): defaults apply only when no rule matches");
    }

    @Test
    void wildcardNeverCoversItsParentAndLookAlikesDoNotMatch() {
        TlsPolicy policy = new TlsPolicy(Defaults.OPPORTUNISTIC, List.of(inbound("p", Mode.ENFORCE, Optional.empty(), "*.partner.example")),
            List.of(), CLOCK);

        assertThat(policy.resolveInbound("partner.example").rule()).isEqualTo("defaults");
        assertThat(policy.resolveInbound("partner.example.evil").rule()).isEqualTo("defaults");
        assertThat(policy.resolveInbound("evilpartner.example").rule()).isEqualTo("defaults");
        assertThat(policy.resolveInbound("MX.Partner.Example.").rule()).isEqualTo("p");
    }

    @Test
    void idnSenderDomainMatchesItsPunycodeClaim() {
        TlsPolicy policy = new TlsPolicy(Defaults.OPPORTUNISTIC, List.of(inbound("b", Mode.ENFORCE, Optional.empty(), "xn--bcher-kva.example")),
            List.of(), CLOCK);

        assertThat(policy.resolveInbound("Bücher.example").rule()).isEqualTo("b");
    }

    @Test
    void parentDomainTableEntryAppliesWhenNoExactEntryExists() {
        TlsPolicy policy = new TlsPolicy(Defaults.OPPORTUNISTIC, List.of(),
            List.of(table("first", ".example"), table("second", "a.b.example", ".b.example")), CLOCK);

        assertThat(policy.resolveOutbound("a.b.example").rule()).isEqualTo("second:1 a.b.example");
        assertThat(policy.resolveOutbound("c.b.example").rule()).isEqualTo("second:2 .b.example");
        assertThat(policy.resolveOutbound("c.example").trail()).extracting(TrailStep::toString).containsExactly(
            "applied: domain table first:1 .example (.example): table entry for a parent domain",
            "outranked: defaults defaults (-): defaults apply only when no rule matches");
    }

    @Test
    void expiredConnectorStopsApplyingAndIsNamedInTheTrail() {
        TlsPolicy policy = new TlsPolicy(Defaults.OPPORTUNISTIC, List.of(
            inbound("old", Mode.ENFORCE, Optional.of(LocalDate.parse("2026-02-28")), "partner.example"),
            inbound("today", Mode.TESTING, Optional.of(LocalDate.parse("2026-03-01")), "*.partner.example")), List.of(), CLOCK);

        InboundResolution expired = policy.resolveInbound("partner.example");
        assertThat(expired.rule()).isEqualTo("defaults");
        assertThat(expired.trail()).extracting(TrailStep::toString).containsExactly(
            "expired: connector old (partner.example): expired on 2026-02-28; it no longer applies",
            "applied: defaults defaults (-): no connector or table entry applies");
        assertThat(policy.resolveInbound("mx.partner.example").rule()).isEqualTo("today");
        assertThat(policy.expiredConnectors()).extracting(Connector::name).containsExactly("old");
    }

    @Test
    void nullSenderGetsDefaultsUnlessAConnectorClaimsIt() {
        InboundRequirement requirement = new InboundRequirement(true, TlsProtocol.TLS_1_3, Optional.empty(), false, List.of(), Failure.TEMPORARY);
        Connector bounces = new Connector("bounces", Mode.TESTING, Optional.empty(),
            Optional.of(new Connector.Inbound(List.of(), true, requirement)), Optional.empty());

        assertThat(TlsPolicy.opportunistic(CLOCK).resolveInbound((String) null).rule()).isEqualTo("defaults");
        InboundResolution resolution = new TlsPolicy(Defaults.OPPORTUNISTIC, List.of(bounces), List.of(), CLOCK).resolveInbound("");
        assertThat(resolution.rule()).isEqualTo("bounces");
        assertThat(resolution.senderLabel()).isEqualTo("<>");
        assertThat(resolution.requirement().minimumProtocol()).isEqualTo(TlsProtocol.TLS_1_3);
    }

    @Test
    void unparsableSenderDomainGetsDefaultsWithTheReason() {
        InboundResolution resolution = TlsPolicy.opportunistic(CLOCK).resolveInbound("bad_domain");

        assertThat(resolution.rule()).isEqualTo("defaults");
        assertThat(resolution.trail()).extracting(TrailStep::reason)
            .containsExactly("sender domain 'bad_domain' is not a valid domain name; no connector can claim it");
    }

    @Test
    void twoConnectorsClaimingOneDomainInOneDirectionIsAnError() {
        assertThatThrownBy(() -> new TlsPolicy(Defaults.OPPORTUNISTIC, List.of(
            outbound("a", OutboundLevel.ENCRYPT, "partner.example"), outbound("b", OutboundLevel.VERIFY, "Partner.Example")), List.of(), CLOCK))
            .hasMessage("connectors 'a' and 'b' both claim partner.example outbound");
    }

    @Test
    void oneDomainMayBeClaimedInboundByOneConnectorAndOutboundByAnother() {
        TlsPolicy policy = new TlsPolicy(Defaults.OPPORTUNISTIC, List.of(
            inbound("in", Mode.ENFORCE, Optional.empty(), "partner.example"), outbound("out", OutboundLevel.VERIFY, "partner.example")),
            List.of(), CLOCK);

        assertThat(policy.resolveInbound("partner.example").rule()).isEqualTo("in");
        assertThat(policy.resolveOutbound("partner.example").rule()).isEqualTo("out");
    }

    @Test
    void partnerIpRangesAcceptInsideAndExcludeOutside() throws Exception {
        InboundRequirement requirement = new InboundRequirement(true, TlsProtocol.TLS_1_2, Optional.empty(), false,
            List.of(IpRange.parse("192.0.2.0/24"), IpRange.parse("2001:db8::/32")), Failure.TEMPORARY);

        assertThat(requirement.excludes(java.net.InetAddress.getByName("192.0.2.77"))).isFalse();
        assertThat(requirement.excludes(java.net.InetAddress.getByName("2001:db8::25"))).isFalse();
        assertThat(requirement.excludes(java.net.InetAddress.getByName("198.51.100.1"))).isTrue();
    }

    @Test
    void certificateNameWildcardCoversExactlyOneLabel() {
        // The verification core judges a configured name as the inbound judge hands it over (its text form).
        String name = DnsNames.normalizeAccepted(CertificateName.parse("*.Partner.EXAMPLE.").toString());

        assertThat(DnsNames.matches(name, "mx.partner.example")).isTrue();
        assertThat(DnsNames.matches(name, "MX.Partner.Example.")).isTrue();
        assertThat(DnsNames.matches(name, "a.mx.partner.example")).isFalse();
        assertThat(DnsNames.matches(name, "partner.example")).isFalse();
    }

    @Test
    void matchNamesFollowPostfixSemantics() {
        DomainName nexthop = DomainName.parse("partner.example");

        assertThat(MatchName.parse(".partner.example").matches("a.b.partner.example", nexthop, "mx")).isTrue();
        assertThat(MatchName.parse("*.partner.example").matches("a.b.partner.example", nexthop, "mx")).isFalse();
        assertThat(MatchName.parse("nexthop").matches("partner.example", nexthop, "mx")).isTrue();
        assertThat(MatchName.parse("dot-nexthop").matches("mx.partner.example", nexthop, "mx")).isTrue();
        assertThat(MatchName.parse("dot-nexthop").matches("partner.example", nexthop, "mx")).isFalse();
        assertThat(MatchName.parse("hostname").matches("mx.other.example", nexthop, "mx.other.example")).isTrue();
    }

    @Test
    void cipherPresetsAreForwardSecretByDefault() {
        assertThat(CipherPolicy.DEFAULT.suites()).allMatch(s -> s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_")
            || s.contains("_ECDHE_") || s.contains("_DHE_"));
        assertThat(CipherPreset.COMPATIBLE.suites()).contains("TLS_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(new CipherPolicy(CipherPreset.FORWARD_SECRET, List.of("CBC", "SHA1")).suites()).noneMatch(s -> s.contains("_CBC_"));
        assertThat(new CipherPolicy(CipherPreset.MODERN, List.of()).enabledSuites(
            new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"}))
            .containsExactly("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    }

    @Test
    void domainNamesAreNormalisedOnceAndGarbageIsRejected() {
        assertThat(DomainName.parse(" Partner.EXAMPLE. ").ascii()).isEqualTo("partner.example");
        assertThat(DomainName.parse("bücher.example").ascii()).isEqualTo("xn--bcher-kva.example");
        assertThatThrownBy(() -> DomainName.parse("a..example")).hasMessage("not a domain name 'a..example': empty label");
        assertThatThrownBy(() -> DomainName.parse("192.0.2.1")).hasMessage("not a domain name '192.0.2.1': an IP address is not a domain");
        assertThatThrownBy(() -> DomainName.parse("[192.0.2.1]")).hasMessage("not a domain name '[192.0.2.1]': an address literal is not a domain");
        assertThatThrownBy(() -> DomainName.parse("bücher-.example")).hasMessage(
            "not a domain name 'bücher-.example': labels must not start or end with a hyphen and must be at most 63 characters");
        assertThatThrownBy(() -> DomainName.parse("-a.example")).hasMessage(
            "not a domain name '-a.example': label starts or ends with a hyphen");
    }
}
