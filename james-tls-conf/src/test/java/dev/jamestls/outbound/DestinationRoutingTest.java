package dev.jamestls.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.dns.DnsAnswer;
import dev.jamestls.dns.MxRecord;
import dev.jamestls.dns.SecureDns;
import dev.jamestls.mtasts.StsDiscovery;
import dev.jamestls.mtasts.StsMode;
import dev.jamestls.mtasts.StsPolicy;
import dev.jamestls.mtasts.StsPolicySource;
import dev.jamestls.mtasts.StsProblem;
import dev.jamestls.policy.CipherPolicy;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.tls.TlsProtocol;
import dev.jamestls.verify.TlsRptResultType;
import dev.jamestls.verify.VerifyingTrustManager.OnFailure;

/**
 * Which policy decides, per host: connector, DANE (secure MX, secure addresses, usable TLSA), MTA-STS, defaults.
 * DNS and MTA-STS discovery are scripted here; the validating resolver and the policy fetch have their own tests
 * against loopback servers.
 */
class DestinationRoutingTest {
    static final DomainName DOMAIN = DomainName.parse("partner.example");
    static final List<X509Certificate> ANCHORS = List.of(AttemptClassifierTest.ANCHOR);
    static final TlsaRecord EE = new TlsaRecord(3, 1, 1, new byte[32]);
    static final TlsaRecord PKIX_EE = new TlsaRecord(1, 1, 1, new byte[32]);
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Scripted answers, with a record of every question asked. */
    static final class ScriptedDns implements SecureDns {
        DnsAnswer<MxRecord> mx = DnsAnswer.secure(List.of(new MxRecord(10, "mx1.partner.example"), new MxRecord(20, "mx2.partner.example")),
            Duration.ofMinutes(5));
        final Map<String, DnsAnswer<InetAddress>> addresses = new HashMap<>();
        final Map<String, DnsAnswer<TlsaRecord>> tlsa = new HashMap<>();
        /** Hosts that are aliases, with a secure CNAME chain, of another name. */
        final Map<String, String> aliases = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        @Override
        public DnsAnswer<MxRecord> mx(DomainName domain) {
            asked.add("MX " + domain.ascii());
            return mx;
        }

        @Override
        public DnsAnswer<InetAddress> addresses(DomainName host) {
            asked.add("A " + host.ascii());
            return addresses.getOrDefault(host.ascii(), DnsAnswer.secure(List.of(LOOPBACK), Duration.ofMinutes(5)));
        }

        @Override
        public Optional<DomainName> secureAliasTarget(DomainName host) {
            return Optional.ofNullable(aliases.get(host.ascii())).map(DomainName::parse);
        }

        @Override
        public DnsAnswer<TlsaRecord> tlsa(DomainName host, int port) {
            asked.add("TLSA _" + port + "._tcp." + host.ascii());
            return tlsa.getOrDefault(host.ascii(), DnsAnswer.secure(List.of(), Duration.ofMinutes(5)));
        }

        @Override
        public DnsAnswer<String> txt(String underscoredLabels, DomainName domain) {
            throw new AssertionError("no TXT record is looked up at " + underscoredLabels);
        }

        @Override
        public DnsAnswer<String> txt(DomainName name) {
            throw new AssertionError("routing asks no TXT question itself");
        }
    }

    final ScriptedDns secure = new ScriptedDns();
    final List<String> jamesMx = new ArrayList<>(List.of("mx1.partner.example", "mx2.partner.example"));
    final List<String> stsAsked = new ArrayList<>();
    StsDiscovery discovery = StsDiscovery.none(DOMAIN);

    DestinationRouting routing() {
        StsPolicySource sts = domain -> {
            stsAsked.add(domain.ascii());
            return discovery;
        };
        return new DestinationRouting(domain -> jamesMx, Optional.of(secure), Optional.of(sts));
    }

    static OutboundResolution resolution(RuleKind kind, OutboundLevel level) {
        OutboundRequirement requirement = new OutboundRequirement(level, List.of(), List.of(), TlsProtocol.LOWEST_ACCEPTABLE,
            CipherPolicy.DEFAULT, List.of(), Failure.TEMPORARY);
        return new OutboundResolution(DOMAIN, kind, kind == RuleKind.DEFAULTS ? "defaults" : "partner", Mode.ENFORCE, requirement,
            Optional.empty(), Optional.empty(), List.of());
    }

    DestinationRouting.Route route(RuleKind kind, OutboundLevel level, boolean mtaSts) throws Exception {
        return routing().route(resolution(kind, level), mtaSts, ANCHORS, Optional.empty());
    }

    static StsDiscovery sts(StsMode mode, String... mx) {
        return new StsDiscovery(DOMAIN, Optional.of(new StsPolicy(mode, List.of(mx), Duration.ofDays(7), "20261203", Instant.now())),
            Optional.empty());
    }

    @Test
    void anExplicitRuleDecidesAloneWithoutDnssecOrMtaStsQuestions() throws Exception {
        discovery = sts(StsMode.ENFORCE, "other.example");

        DestinationRouting.Route route = route(RuleKind.CONNECTOR, OutboundLevel.VERIFY, true);

        assertThat(route.source()).isEqualTo(PolicySource.CONNECTOR);
        assertThat(route.targets()).extracting(t -> t.plan().level()).containsOnly(OutboundLevel.VERIFY);
        assertThat(route.targets()).extracting(t -> t.target().host().ascii()).containsExactly("mx1.partner.example", "mx2.partner.example");
        assertThat(secure.asked).isEmpty();
        assertThat(stsAsked).isEmpty();
    }

    @Test
    void theDefaultsWithoutMtaStsNeverAskForAPolicy() throws Exception {
        DestinationRouting.Route route = route(RuleKind.DEFAULTS, OutboundLevel.MAY, false);

        assertThat(route.source()).isEqualTo(PolicySource.DEFAULT);
        assertThat(route.targets()).extracting(t -> t.plan().level()).containsOnly(OutboundLevel.MAY);
        assertThat(stsAsked).isEmpty();
    }

    @Test
    void usableTlsaRecordsMakeTlsMandatoryAndAuthenticateByTheRecords() throws Exception {
        secure.tlsa.put("mx1.partner.example", DnsAnswer.secure(List.of(EE, PKIX_EE), Duration.ofMinutes(5)));
        discovery = sts(StsMode.ENFORCE, "mx2.partner.example");

        DestinationRouting.Route route = route(RuleKind.DEFAULTS, OutboundLevel.DANE, true);

        assertThat(route.source()).isEqualTo(PolicySource.DANE);
        DestinationRouting.PlannedTarget first = route.targets().get(0);
        assertThat(first.source()).isEqualTo(PolicySource.DANE);
        assertThat(first.plan().tlsMandatory()).isTrue();
        assertThat(first.plan().onCertificateFailure()).isEqualTo(OnFailure.FAIL_HANDSHAKE);
        assertThat(first.plan().certificate().orElseThrow().tlsa()).containsExactly(EE);
        assertThat(first.addresses()).contains(List.of(LOOPBACK));
        // mx2 has no TLSA records: opportunistic DANE tries it as under may (RFC 7672 §2.2).
        DestinationRouting.PlannedTarget second = route.targets().get(1);
        assertThat(second.plan().level()).isEqualTo(OutboundLevel.MAY);
        assertThat(second.source()).isEqualTo(PolicySource.DEFAULT);
        assertThat(stsAsked).as("DANE wins over MTA-STS (RFC 8461 §2)").isEmpty();
    }

    @Test
    void aBogusOrFailedMxLookupDefersAndNeverFallsBack() throws Exception {
        for (DnsAnswer<MxRecord> answer : List.<DnsAnswer<MxRecord>>of(DnsAnswer.bogus("RRSIG expired"), DnsAnswer.failed("timeout"))) {
            secure.mx = answer;

            DestinationRouting.Route route = route(RuleKind.DEFAULTS, OutboundLevel.DANE, true);

            assertThat(route.targets()).as(answer.status().spelling()).isEmpty();
            assertThat(route.skipped()).extracting(DestinationRouting.Skipped::type).containsExactly(TlsRptResultType.DNSSEC_INVALID);
            assertThat(stsAsked).isEmpty();
        }
    }

    @Test
    void anInsecureMxFallsBackUnderDaneAndIsRefusedUnderDaneOnly() throws Exception {
        secure.mx = DnsAnswer.insecure(List.of(new MxRecord(10, "mx1.partner.example")), Duration.ofMinutes(5));
        // TLSA records published for the host do not count under an insecure MX RRset (RFC 7672 §2.2.1).
        secure.tlsa.put("mx1.partner.example", DnsAnswer.secure(List.of(EE), Duration.ofMinutes(5)));

        DestinationRouting.Route dane = route(RuleKind.CONNECTOR, OutboundLevel.DANE, false);
        DestinationRouting.Route only = route(RuleKind.CONNECTOR, OutboundLevel.DANE_ONLY, false);

        assertThat(dane.source()).isEqualTo(PolicySource.CONNECTOR);
        assertThat(dane.targets()).extracting(t -> t.plan().level()).containsOnly(OutboundLevel.MAY);
        assertThat(dane.targets()).extracting(t -> t.addresses()).containsOnly(Optional.empty());
        assertThat(only.targets()).isEmpty();
        assertThat(only.skipped()).extracting(DestinationRouting.Skipped::type).containsExactly(TlsRptResultType.DANE_REQUIRED);
        assertThat(secure.asked).noneMatch(question -> question.startsWith("TLSA"));
    }

    @Test
    void anInsecureMxUnderTheDefaultsLeadsToMtaSts() throws Exception {
        secure.mx = DnsAnswer.insecure(List.of(new MxRecord(10, "mx1.partner.example")), Duration.ofMinutes(5));
        discovery = sts(StsMode.ENFORCE, "mx2.partner.example");

        DestinationRouting.Route route = route(RuleKind.DEFAULTS, OutboundLevel.DANE, true);

        assertThat(route.source()).isEqualTo(PolicySource.MTA_STS);
        assertThat(route.targets()).extracting(t -> t.target().host().ascii()).containsExactly("mx2.partner.example");
    }

    @Test
    void hostsWithoutSecureTlsaAreSkippedUnderDaneOnly() throws Exception {
        secure.tlsa.put("mx2.partner.example", DnsAnswer.secure(List.of(EE), Duration.ofMinutes(5)));

        DestinationRouting.Route route = route(RuleKind.CONNECTOR, OutboundLevel.DANE_ONLY, false);

        assertThat(route.source()).isEqualTo(PolicySource.DANE);
        assertThat(route.skipped()).extracting(s -> s.target().host().ascii() + " " + s.type())
            .containsExactly("mx1.partner.example dane-required");
        assertThat(route.targets()).extracting(t -> t.target().host().ascii()).containsExactly("mx2.partner.example");
        assertThat(route.targets().get(0).plan().level()).isEqualTo(OutboundLevel.DANE_ONLY);
    }

    @Test
    void onlyUnusableRecordsStillMeanMandatoryTlsWithoutAuthentication() throws Exception {
        secure.tlsa.put("mx1.partner.example", DnsAnswer.secure(List.of(PKIX_EE), Duration.ofMinutes(5)));

        DestinationRouting.Route route = route(RuleKind.DEFAULTS, OutboundLevel.DANE, false);

        DestinationRouting.PlannedTarget first = route.targets().get(0);
        assertThat(first.plan().level()).isEqualTo(OutboundLevel.ENCRYPT);
        assertThat(first.plan().tlsMandatory()).isTrue();
        assertThat(first.source()).isEqualTo(PolicySource.DANE);
    }

    @Test
    void aFailedTlsaOrAddressLookupSkipsThatHostOnly() throws Exception {
        secure.tlsa.put("mx1.partner.example", DnsAnswer.bogus("signature does not verify"));
        secure.addresses.put("mx2.partner.example", DnsAnswer.failed("SERVFAIL"));
        secure.mx = DnsAnswer.secure(List.of(new MxRecord(10, "mx1.partner.example"), new MxRecord(20, "mx2.partner.example"),
            new MxRecord(30, "mx3.partner.example")), Duration.ofMinutes(5));
        secure.tlsa.put("mx3.partner.example", DnsAnswer.secure(List.of(EE), Duration.ofMinutes(5)));

        DestinationRouting.Route route = route(RuleKind.DEFAULTS, OutboundLevel.DANE, false);

        assertThat(route.skipped()).extracting(s -> s.target().host().ascii() + " " + s.type())
            .containsExactly("mx1.partner.example dnssec-invalid", "mx2.partner.example dnssec-invalid");
        assertThat(route.targets()).extracting(t -> t.target().host().ascii()).containsExactly("mx3.partner.example");
        assertThat(secure.asked).doesNotContain("TLSA _25._tcp.mx2.partner.example");
    }

    @Test
    void tlsaRecordsAreNotAskedForAHostWhoseAddressesAreInsecure() throws Exception {
        secure.addresses.put("mx1.partner.example", DnsAnswer.insecure(List.of(LOOPBACK), Duration.ofMinutes(5)));
        secure.tlsa.put("mx1.partner.example", DnsAnswer.secure(List.of(EE), Duration.ofMinutes(5)));

        DestinationRouting.Route route = route(RuleKind.DEFAULTS, OutboundLevel.DANE, false);

        assertThat(secure.asked).doesNotContain("TLSA _25._tcp.mx1.partner.example");
        assertThat(route.targets().get(0).plan().level()).isEqualTo(OutboundLevel.MAY);
    }

    @Test
    void aDestinationWithThousandsOfMxHostsHasOnlyTheFirstTenLookedUp() throws Exception {
        List<MxRecord> many = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            many.add(new MxRecord(i, "mx" + i + ".partner.example"));
        }
        secure.mx = DnsAnswer.secure(many, Duration.ofMinutes(5));

        DestinationRouting.Route route = route(RuleKind.DEFAULTS, OutboundLevel.DANE, false);

        assertThat(route.targets()).hasSize(DestinationRouting.MAX_DANE_HOSTS);
        assertThat(secure.asked).filteredOn(question -> question.startsWith("TLSA")).hasSize(DestinationRouting.MAX_DANE_HOSTS);
    }

    @Test
    void aSecureNullMxIsANullMx() {
        secure.mx = DnsAnswer.secure(List.of(new MxRecord(0, ".")), Duration.ofMinutes(5));

        assertThatThrownBy(() -> route(RuleKind.DEFAULTS, OutboundLevel.DANE, false)).isInstanceOf(TargetSelection.NullMxException.class);
    }

    @Test
    void withoutAValidatingResolverDaneDefers() throws Exception {
        DestinationRouting.Route route = new DestinationRouting(domain -> jamesMx, Optional.empty(), Optional.empty())
            .route(resolution(RuleKind.DEFAULTS, OutboundLevel.DANE), false, ANCHORS, Optional.empty());

        assertThat(route.targets()).isEmpty();
        assertThat(route.skipped()).extracting(DestinationRouting.Skipped::type).containsExactly(TlsRptResultType.DNSSEC_INVALID);
    }

    @Test
    void mtaStsEnforceUsesOnlyMatchingMxHostsAndVerifiesTheirNames() throws Exception {
        discovery = sts(StsMode.ENFORCE, "*.partner.example");
        jamesMx.add(0, "mx.elsewhere.example");

        DestinationRouting.Route route = route(RuleKind.DEFAULTS, OutboundLevel.MAY, true);

        assertThat(route.source()).isEqualTo(PolicySource.MTA_STS);
        assertThat(route.resolution().rule()).isEqualTo(DestinationRouting.MTA_STS_RULE);
        assertThat(route.resolution().mode()).isEqualTo(Mode.ENFORCE);
        assertThat(route.skipped()).extracting(s -> s.target().host().ascii()).containsExactly("mx.elsewhere.example");
        DestinationRouting.PlannedTarget first = route.targets().get(0);
        assertThat(first.plan().level()).isEqualTo(OutboundLevel.VERIFY);
        assertThat(first.plan().tlsMandatory()).isTrue();
        assertThat(first.plan().certificate().orElseThrow().acceptedNames()).containsExactly("mx1.partner.example");
        assertThat(first.plan().certificate().orElseThrow().trustAnchors()).isEqualTo(ANCHORS);
        assertThat(route.stsPolicy()).isEqualTo(discovery.policy());
    }

    @Test
    void mtaStsEnforceWithNoMatchingMxTriesNothing() throws Exception {
        discovery = sts(StsMode.ENFORCE, "mx.other.example");

        DestinationRouting.Route route = route(RuleKind.DEFAULTS, OutboundLevel.MAY, true);

        assertThat(route.targets()).isEmpty();
        assertThat(route.skipped()).hasSize(2);
    }

    @Test
    void mtaStsTestingDeliversAsBeforeAndNotesWhatEnforceWouldRefuse() throws Exception {
        discovery = sts(StsMode.TESTING, "mx2.partner.example");

        DestinationRouting.Route route = route(RuleKind.DEFAULTS, OutboundLevel.MAY, true);

        assertThat(route.resolution().mode()).isEqualTo(Mode.TESTING);
        assertThat(route.targets()).hasSize(2);
        assertThat(route.targets()).extracting(t -> t.plan().tlsMandatory()).containsOnly(false);
        assertThat(route.notes()).anyMatch(note -> note.contains("mx1.partner.example"));
        assertThat(route.stsPolicy()).isEqualTo(discovery.policy());
    }

    @Test
    void mtaStsNoneOrAFailedFetchWithoutCacheIsTheDefaults() throws Exception {
        discovery = sts(StsMode.NONE);
        assertThat(route(RuleKind.DEFAULTS, OutboundLevel.MAY, true).source()).isEqualTo(PolicySource.DEFAULT);
        assertThat(route(RuleKind.DEFAULTS, OutboundLevel.MAY, true).stsPolicy()).isEmpty();

        discovery = new StsDiscovery(DOMAIN, Optional.empty(),
            Optional.of(new StsProblem(TlsRptResultType.STS_POLICY_FETCH_ERROR, "connection refused")));
        DestinationRouting.Route route = route(RuleKind.DEFAULTS, OutboundLevel.MAY, true);
        assertThat(route.source()).isEqualTo(PolicySource.DEFAULT);
        assertThat(route.notes()).anyMatch(note -> note.contains("sts-policy-fetch-error"));
    }

    @Test
    void aPolicyThatCouldNotBeFetchedIsCarriedOnTheRouteAsWhatALaterRoundMayLearn() throws Exception {
        StsProblem problem = new StsProblem(TlsRptResultType.STS_WEBPKI_INVALID, "certificate of mta-sts.partner.example expired");
        discovery = new StsDiscovery(DOMAIN, Optional.empty(), Optional.of(problem));
        assertThat(route(RuleKind.DEFAULTS, OutboundLevel.MAY, true).stsUnavailable()).contains(problem);
        assertThat(route(RuleKind.DEFAULTS, OutboundLevel.DANE, true).stsUnavailable()).as("no host has DANE").contains(problem);

        secure.tlsa.put("mx2.partner.example", DnsAnswer.failed("SERVFAIL"));
        DestinationRouting.Route withSkipped = route(RuleKind.DEFAULTS, OutboundLevel.DANE, true);
        assertThat(withSkipped.skipped()).extracting(DestinationRouting.Skipped::type).containsExactly(TlsRptResultType.DNSSEC_INVALID);
        assertThat(withSkipped.stsUnavailable()).contains(problem);

        discovery = new StsDiscovery(DOMAIN, sts(StsMode.ENFORCE, "*.partner.example").policy(), Optional.of(problem));
        assertThat(route(RuleKind.DEFAULTS, OutboundLevel.MAY, true).stsUnavailable()).as("a cached policy decided").isEmpty();
        discovery = StsDiscovery.none(DOMAIN);
        assertThat(route(RuleKind.DEFAULTS, OutboundLevel.MAY, true).stsUnavailable()).as("no policy announced").isEmpty();
    }

    @Test
    void ignoringThePublishedHostListTriesTheUnlistedMxHostsInMxOrder() throws Exception {
        discovery = sts(StsMode.ENFORCE, "mx2.partner.example");
        jamesMx.add("mx3.partner.example");

        DestinationRouting.Route route = route(RuleKind.DEFAULTS, OutboundLevel.MAY, true);
        DestinationRouting.Route ignoring = route.ignoringPublishedHostList();

        assertThat(route.targets()).extracting(t -> t.target().host().ascii()).containsExactly("mx2.partner.example");
        assertThat(ignoring.targets()).extracting(t -> t.target().host().ascii())
            .containsExactly("mx1.partner.example", "mx2.partner.example", "mx3.partner.example");
        assertThat(ignoring.targets()).extracting(DestinationRouting.PlannedTarget::source).containsOnly(PolicySource.MTA_STS);
        assertThat(ignoring.skipped()).isEmpty();
        assertThat(ignoring.stsPolicy()).isEqualTo(route.stsPolicy());
    }

    @Test
    void ignoringThePublishedHostListNeverReopensAHostWhoseDnssecLookupFailed() throws Exception {
        secure.tlsa.put("mx1.partner.example", DnsAnswer.bogus("RRSIG expired"));
        discovery = sts(StsMode.ENFORCE, "mx1.partner.example");

        DestinationRouting.Route route = route(RuleKind.DEFAULTS, OutboundLevel.DANE, true);
        DestinationRouting.Route ignoring = route.ignoringPublishedHostList();

        assertThat(route.skipped()).extracting(DestinationRouting.Skipped::type)
            .containsExactly(TlsRptResultType.DNSSEC_INVALID, TlsRptResultType.VALIDATION_FAILURE);
        assertThat(ignoring.targets()).extracting(t -> t.target().host().ascii()).containsExactly("mx2.partner.example");
        assertThat(ignoring.skipped()).extracting(DestinationRouting.Skipped::type).containsExactly(TlsRptResultType.DNSSEC_INVALID);
    }
}
