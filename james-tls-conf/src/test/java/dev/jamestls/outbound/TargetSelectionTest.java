package dev.jamestls.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.policy.CipherPolicy;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.MatchName;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.policy.SmartHost;
import dev.jamestls.tls.TlsProtocol;

/** Which hosts a delivery tries, RFC 7505 null MX, and which names a smart-host route checks. */
class TargetSelectionTest {
    static final DomainName DOMAIN = DomainName.parse("partner.example");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // reason | MX answer (James's DNS service spelling) | hosts tried, or null-mx
        "null MX as James returns it | . | null-mx",
        "null MX, twice | .;. | null-mx",
        "null MX next to a usable host (breaks RFC 7505 §3): the host is tried | .;mx1.partner.example | mx1.partner.example",
        "MX hosts in order, trailing dots dropped, duplicates once | mx1.partner.example.;mx2.partner.example;mx1.partner.example | mx1.partner.example;mx2.partner.example",
        "no MX: the domain itself (RFC 5321 §5.1 implicit MX) | - | partner.example",
    })
    void selectsTargetsFromTheMxAnswer(String reason, String answer, String expected) throws Exception {
        List<String> mx = answer.equals("-") ? List.of() : Arrays.asList(answer.split(";"));
        List<String> asked = new ArrayList<>();
        DestinationDns dns = domain -> {
            asked.add(domain.ascii());
            return mx;
        };

        if (expected.equals("null-mx")) {
            assertThatThrownBy(() -> TargetSelection.select(resolution(List.of()), dns)).as(reason)
                .isInstanceOf(TargetSelection.NullMxException.class)
                .hasMessage("partner.example publishes a null MX (RFC 7505): it accepts no mail");
        } else {
            assertThat(TargetSelection.select(resolution(List.of()), dns)).as(reason)
                .extracting(target -> target.host().ascii()).containsExactly(expected.split(";"));
        }
        assertThat(asked).containsExactly("partner.example");
    }

    @Test
    void aNullMxIsBouncedAtOnceWithStatus5110() {
        TargetSelection.NullMxException nullMx = new TargetSelection.NullMxException(DOMAIN);

        DeliveryDecision decision = DeliveryDecision.nullMx(nullMx);

        assertThat(decision.kind()).isEqualTo(DeliveryDecision.Kind.BOUNCE);
        assertThat(decision.status()).isEqualTo("5.1.10");
        assertThat(decision.diagnostic()).isEqualTo("partner.example publishes a null MX (RFC 7505): it accepts no mail");
        assertThat(decision.retryAfter()).isEmpty();
    }

    @Test
    void smartHostsAreTriedWithoutAskingDns() throws Exception {
        List<DeliveryTarget> targets = TargetSelection.select(resolution(List.of(SmartHost.parse("[relay.example]:587"))), domain -> {
            throw new AssertionError("no MX lookup on a smart-host route");
        });

        assertThat(targets).extracting(DeliveryTarget::toString).containsExactly("relay.example:587");
    }

    @Test
    void smartHostsKeepTheirOrderAndPortsAndAreMarkedAsSmartHosts() throws Exception {
        List<DeliveryTarget> targets = TargetSelection.select(resolution(List.of(SmartHost.parse("[relay1.example]:587"),
            SmartHost.parse("[relay2.example]"))), domain -> List.of("mx.partner.example"));

        assertThat(targets).containsExactly(
            new DeliveryTarget(DomainName.parse("relay1.example"), 587, TargetSource.SMART_HOST, 0),
            new DeliveryTarget(DomainName.parse("relay2.example"), SmartHost.SMTP_PORT, TargetSource.SMART_HOST, 1));
    }

    @Test
    void mxHostsArePort25InPreferenceOrderAndMarkedAsMx() throws Exception {
        List<DeliveryTarget> targets = TargetSelection.select(resolution(List.of()), domain -> List.of("mx1.partner.example", "mx2.partner.example"));

        assertThat(targets).containsExactly(
            new DeliveryTarget(DomainName.parse("mx1.partner.example"), 25, TargetSource.MX, 0),
            new DeliveryTarget(DomainName.parse("mx2.partner.example"), 25, TargetSource.MX, 1));
    }

    @Test
    void anMxNameThatIsNotAHostNameIsSkippedAndWithoutAnyOtherTheDomainIsTheImplicitMx() throws Exception {
        assertThat(TargetSelection.select(resolution(List.of()), domain -> List.of("mx_1.partner.example", "mx2.partner.example")))
            .extracting(target -> target.host().ascii()).containsExactly("mx2.partner.example");
        assertThat(TargetSelection.select(resolution(List.of()), domain -> List.of("mx_1.partner.example")))
            .as("nothing usable, and no null MX: RFC 5321 §5.1 implicit MX")
            .containsExactly(new DeliveryTarget(DOMAIN, 25, TargetSource.IMPLICIT_MX, 0));
    }

    @Test
    void aFailedMxLookupIsPassedOnForARetry() {
        DestinationDns.DnsLookupException failure = new DestinationDns.DnsLookupException("SERVFAIL for partner.example", null);

        assertThatThrownBy(() -> TargetSelection.select(resolution(List.of()), domain -> {
            throw failure;
        })).isSameAs(failure);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // reason | level | match | route | names checked
        "verify without match on an MX route: the MX host | verify | - | mx | mx1.partner.example",
        "verify without match on a smart-host route: the smart host | verify | - | smart | relay.example",
        "secure nexthop on an MX route: the recipient domain | secure | nexthop;dot-nexthop | mx | partner.example;.partner.example",
        "secure nexthop on a smart-host route: the smart host (Postfix nexthop) | secure | nexthop;dot-nexthop | smart | relay.example;.relay.example",
        "explicit names are the same on both routes | secure | mail.partner.example | smart | mail.partner.example",
    })
    void namesCheckedFollowTheRoute(String reason, String level, String match, String route, String names) {
        OutboundRequirement requirement = requirement(OutboundLevel.parse(level),
            match.equals("-") ? List.of() : Arrays.stream(match.split(";")).map(MatchName::parse).toList(), List.of());
        DeliveryTarget target = route.equals("mx")
            ? new DeliveryTarget(DomainName.parse("mx1.partner.example"), 25, TargetSource.MX, 0)
            : new DeliveryTarget(DomainName.parse("relay.example"), 587, TargetSource.SMART_HOST, 0);

        TlsPlan plan = TlsPlan.forTarget(requirement, Mode.ENFORCE, target.nexthop(DOMAIN), target, List.of(AttemptClassifierTest.ANCHOR));

        assertThat(plan.certificate().orElseThrow().acceptedNames()).as(reason).containsExactly(names.split(";"));
    }

    private static OutboundResolution resolution(List<SmartHost> smartHosts) {
        return new OutboundResolution(DOMAIN, RuleKind.CONNECTOR, "partner", Mode.ENFORCE,
            requirement(OutboundLevel.VERIFY, List.of(), smartHosts), Optional.empty(), Optional.empty(), List.of());
    }

    private static OutboundRequirement requirement(OutboundLevel level, List<MatchName> match, List<SmartHost> smartHosts) {
        return new OutboundRequirement(level, match, List.of(), TlsProtocol.TLS_1_2, CipherPolicy.DEFAULT, smartHosts, Failure.TEMPORARY);
    }
}
