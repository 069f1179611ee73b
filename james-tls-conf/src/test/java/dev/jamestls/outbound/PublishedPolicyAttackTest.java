package dev.jamestls.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.xbill.DNS.Type;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.dns.DnsAnswer;
import dev.jamestls.dns.DnssecTrustAnchor;
import dev.jamestls.dns.MxRecord;
import dev.jamestls.dns.SecureDns;
import dev.jamestls.dns.ValidatingDns;
import dev.jamestls.mtasts.StsDiscovery;
import dev.jamestls.mtasts.StsMode;
import dev.jamestls.mtasts.StsPolicy;
import dev.jamestls.mtasts.StsProblem;
import dev.jamestls.policy.CipherPolicy;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.MatchName;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.testkit.dns.LoopbackDnsServer;
import dev.jamestls.testkit.dns.SignedZones;
import dev.jamestls.tls.TlsProtocol;
import dev.jamestls.verify.TlsRptResultType;

/**
 * The attacks on which policy decides a destination (DANE, MTA-STS, the defaults), one row each: an attacker who
 * answers DNS without DNSSEC (or breaks its signatures), sits on the network, runs the MTA-STS host or publishes the
 * TLSA records. Every row states what must hold whatever the attacker does; the DNS answers and the MTA-STS discovery
 * are scripted in {@link #attacks()}; {@link #attacksOverSignedDns()} asks a validating resolver of a signed zone tree
 * served on loopback, the attacker's broken signatures, aliases and unsigned zones included.
 */
class PublishedPolicyAttackTest {
    static final TlsaRecord EE = DestinationRoutingTest.EE;
    static final TlsaRecord OTHER_EE = new TlsaRecord(3, 1, 1, sha256Sized((byte) 1));
    static final InetAddress DANE_HOST_IP = InetAddress.getLoopbackAddress();
    static final String TLSA_DATA = "8f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";
    private static SignedZones zones;
    private static LoopbackDnsServer server;

    @BeforeAll
    static void startDns() throws Exception {
        zones = SignedZones.builder()
            .signedZone("example.")
            .unsignedZone("insecure.")
            // dane.example: mx1 publishes TLSA, mx2 publishes none
            .record("dane.example. 300 IN MX 10 mx1.dane.example.")
            .record("dane.example. 300 IN MX 20 mx2.dane.example.")
            .record("mx1.dane.example. 300 IN A 127.0.0.1")
            .record("_25._tcp.mx1.dane.example. 300 IN TLSA 3 1 1 " + TLSA_DATA)
            .record("mx2.dane.example. 300 IN A 127.0.0.1")
            // bogusmx.example: the MX RRset's signature is broken
            .record("bogusmx.example. 300 IN MX 10 mx1.dane.example.")
            .bogusSignature("bogusmx.example.", Type.MX)
            // oldtlsa.example: one host's TLSA signature expired, the other host publishes none
            .record("oldtlsa.example. 300 IN MX 10 mx1.oldtlsa.example.")
            .record("oldtlsa.example. 300 IN MX 20 mx2.oldtlsa.example.")
            .record("mx1.oldtlsa.example. 300 IN A 127.0.0.1")
            .record("_25._tcp.mx1.oldtlsa.example. 300 IN TLSA 3 1 1 " + TLSA_DATA)
            .expiredSignature("_25._tcp.mx1.oldtlsa.example.", Type.TLSA)
            .record("mx2.oldtlsa.example. 300 IN A 127.0.0.1")
            // bogusa.example: one host's address signature is broken, the other host publishes no TLSA
            .record("bogusa.example. 300 IN MX 10 mx1.bogusa.example.")
            .record("bogusa.example. 300 IN MX 20 mx2.bogusa.example.")
            .record("mx1.bogusa.example. 300 IN A 127.0.0.1")
            .bogusSignature("mx1.bogusa.example.", Type.A)
            .record("mx2.bogusa.example. 300 IN A 127.0.0.1")
            // alias.example: the MX host is an alias of a signed host whose TLSA records are at the alias target
            .record("alias.example. 300 IN MX 10 mail.alias.example.")
            .record("mail.alias.example. 300 IN CNAME smtp.dane.example.")
            .record("smtp.dane.example. 300 IN A 127.0.0.1")
            .record("_25._tcp.smtp.dane.example. 300 IN TLSA 3 1 1 " + TLSA_DATA)
            // outside.example: the MX host is an alias into an unsigned zone that publishes TLSA records
            .record("outside.example. 300 IN MX 10 mail.outside.example.")
            .record("mail.outside.example. 300 IN CNAME mail.insecure.")
            .record("mail.insecure. 300 IN A 127.0.0.1")
            .record("_25._tcp.mail.insecure. 300 IN TLSA 3 1 1 " + TLSA_DATA)
            .record("insecure. 300 IN MX 10 mail.insecure.")
            .build();
        server = LoopbackDnsServer.start(zones);
    }

    @AfterAll
    static void stopDns() {
        server.close();
    }

    static SecureDns validating() {
        return ValidatingDns.builder().resolver(server.address()).trustAnchor(DnssecTrustAnchor.parse(zones.trustAnchor(), "test root"))
            .queryTimeout(Duration.ofSeconds(2)).build();
    }

    /** One attack: what the attacker does, and what must hold after routing. */
    record Attack(String attack, Scenario scenario, Holds holds) {
        @Override
        public String toString() {
            return attack;
        }
    }

    /** Arranges DNS and MTA-STS as the attacker leaves them, then routes one destination. */
    interface Scenario {
        DestinationRouting.Route route(Fixture fixture) throws Exception;
    }

    /** What must hold of the route. */
    interface Holds {
        void verify(DestinationRouting.Route route, Fixture fixture) throws Exception;
    }

    /** DNS as the validating resolver sees it, James's own MX answer, and the MTA-STS discovery. */
    static final class Fixture {
        final DestinationRoutingTest.ScriptedDns secure = new DestinationRoutingTest.ScriptedDns();
        final List<String> jamesMx = new ArrayList<>(List.of("mx1.partner.example", "mx2.partner.example"));
        final List<String> stsAsked = new ArrayList<>();
        StsDiscovery discovery = StsDiscovery.none(DestinationRoutingTest.DOMAIN);
        SecureDns resolver = secure;

        DestinationRouting routing() {
            return new DestinationRouting(domain -> jamesMx, Optional.of(resolver), Optional.of(domain -> {
                stsAsked.add(domain.ascii());
                return discovery;
            }));
        }

        DestinationRouting.Route route(OutboundResolution resolution, boolean mtaSts) throws Exception {
            return routing().route(resolution, mtaSts, DestinationRoutingTest.ANCHORS, Optional.empty());
        }

        DestinationRouting.Route defaults(OutboundLevel level) throws Exception {
            return route(DestinationRoutingTest.resolution(RuleKind.DEFAULTS, level), true);
        }

        /** The defaults at {@code level} for {@code domain}, asking the validating resolver of the signed test tree. */
        DestinationRouting.Route overSignedDns(String domain, OutboundLevel level) throws Exception {
            resolver = validating();
            DomainName name = DomainName.parse(domain);
            jamesMx.replaceAll(host -> host.replace("partner.example", domain));
            discovery = new StsDiscovery(name, discovery.policy().map(policy -> new StsPolicy(policy.mode(),
                policy.mx().stream().map(mx -> mx.replace("partner.example", domain)).toList(), policy.maxAge(), policy.id(),
                policy.fetchedAt())), discovery.problem());
            OutboundResolution defaults = DestinationRoutingTest.resolution(RuleKind.DEFAULTS, level);
            return route(new OutboundResolution(name, defaults.kind(), defaults.rule(), defaults.mode(), defaults.requirement(),
                defaults.connector(), defaults.tableEntry(), defaults.trail()), true);
        }
    }

    static byte[] sha256Sized(byte fill) {
        byte[] data = new byte[32];
        Arrays.fill(data, fill);
        return data;
    }

    static StsDiscovery policy(StsMode mode, String... mx) {
        return new StsDiscovery(DestinationRoutingTest.DOMAIN,
            Optional.of(new StsPolicy(mode, List.of(mx), Duration.ofDays(7), "20261203", Instant.now())), Optional.empty());
    }

    static DnsAnswer<TlsaRecord> tlsa(TlsaRecord... records) {
        return DnsAnswer.secure(List.of(records), Duration.ofMinutes(5));
    }

    static OutboundResolution defaultsAt(OutboundLevel level, Mode mode, List<MatchName> match) {
        OutboundRequirement requirement = new OutboundRequirement(level, match, List.of(), TlsProtocol.LOWEST_ACCEPTABLE,
            CipherPolicy.DEFAULT, List.of(), Failure.TEMPORARY);
        return new OutboundResolution(DestinationRoutingTest.DOMAIN, RuleKind.DEFAULTS, "defaults", mode, requirement,
            Optional.empty(), Optional.empty(), List.of());
    }

    /** No host is tried: the mail waits, nothing is sent. */
    static Holds deferred(TlsRptResultType type) {
        return (route, fixture) -> {
            assertThat(route.targets()).isEmpty();
            assertThat(route.skipped()).extracting(DestinationRouting.Skipped::type).contains(type);
        };
    }

    /** Every host tried never sends a message byte in clear text, under an enforced plan. */
    static Holds everyHostMandatoryTls() {
        return (route, fixture) -> {
            assertThat(route.targets()).isNotEmpty();
            assertThat(route.targets()).allSatisfy(target -> {
                assertThat(target.plan().tlsMandatory()).as(target.target().host().ascii()).isTrue();
                assertThat(target.plan().mode()).as(target.target().host().ascii()).isEqualTo(Mode.ENFORCE);
            });
        };
    }

    static Holds hostsTried(String... hosts) {
        return (route, fixture) -> assertThat(route.targets()).extracting(t -> t.target().host().ascii()).containsExactly(hosts);
    }

    static Holds all(Holds... holds) {
        return (route, fixture) -> {
            for (Holds one : holds) {
                one.verify(route, fixture);
            }
        };
    }

    static Stream<Attack> attacks() {
        return Stream.of(
            new Attack("a bogus MX signature under dane falls back to MTA-STS or may", fixture -> {
                fixture.secure.mx = DnsAnswer.bogus("RRSIG does not verify");
                fixture.discovery = policy(StsMode.TESTING, "*.partner.example");
                return fixture.defaults(OutboundLevel.DANE);
            }, all(deferred(TlsRptResultType.DNSSEC_INVALID), (route, fixture) -> assertThat(fixture.stsAsked).isEmpty())),

            new Attack("a dropped MX answer (timeout) under dane-only delivers unauthenticated", fixture -> {
                fixture.secure.mx = DnsAnswer.failed("no answer within 20000 ms");
                return fixture.defaults(OutboundLevel.DANE_ONLY);
            }, deferred(TlsRptResultType.DNSSEC_INVALID)),

            new Attack("an unsigned MX answer under dane-only is taken as an MTA-STS or may destination", fixture -> {
                fixture.secure.mx = DnsAnswer.insecure(List.of(new MxRecord(10, "mx.attacker.example")), Duration.ofMinutes(5));
                fixture.discovery = policy(StsMode.ENFORCE, "mx.attacker.example");
                return fixture.defaults(OutboundLevel.DANE_ONLY);
            }, all(deferred(TlsRptResultType.DANE_REQUIRED), (route, fixture) -> assertThat(fixture.stsAsked).isEmpty())),

            new Attack("a resolver's failure text carrying CR LF forges fields of the DSN built from the skipped host", fixture -> {
                fixture.secure.mx = DnsAnswer.failed("no answer\r\nAction: delivered\r\nStatus: 2.0.0");
                return fixture.defaults(OutboundLevel.DANE);
            }, all(deferred(TlsRptResultType.DNSSEC_INVALID), (route, fixture) -> assertThat(route.skipped())
                .allSatisfy(skipped -> assertThat(PeerText.hasControlCharacters(skipped.reason())).as(skipped.reason()).isFalse()))),

            new Attack("a secure MX answer naming one host twice (case, trailing dot) has it tried twice", fixture -> {
                fixture.secure.mx = DnsAnswer.secure(List.of(new MxRecord(10, "mx1.partner.example"),
                    new MxRecord(20, "MX1.Partner.Example."), new MxRecord(30, "mx2.partner.example")), Duration.ofMinutes(5));
                fixture.secure.tlsa.put("mx1.partner.example", tlsa(EE));
                return fixture.defaults(OutboundLevel.DANE);
            }, hostsTried("mx1.partner.example", "mx2.partner.example")),

            new Attack("a forged null MX in James's unvalidated DNS bounces mail for a signed domain without TLSA", fixture -> {
                fixture.jamesMx.clear();
                fixture.jamesMx.add(".");
                return fixture.defaults(OutboundLevel.DANE);
            }, hostsTried("mx1.partner.example", "mx2.partner.example")),

            new Attack("forged MX hosts in James's unvalidated DNS replace the signed domain's validated ones", fixture -> {
                fixture.jamesMx.clear();
                fixture.jamesMx.add("mx.attacker.example");
                fixture.discovery = policy(StsMode.ENFORCE, "*.partner.example", "mx.attacker.example");
                return fixture.defaults(OutboundLevel.DANE);
            }, all(hostsTried("mx1.partner.example", "mx2.partner.example"), everyHostMandatoryTls())),

            new Attack("a bogus TLSA answer makes a DANE host a may host", fixture -> {
                fixture.secure.tlsa.put("mx1.partner.example", DnsAnswer.bogus("signature expired"));
                fixture.secure.tlsa.put("mx2.partner.example", tlsa(EE));
                return fixture.defaults(OutboundLevel.DANE);
            }, all(hostsTried("mx2.partner.example"), everyHostMandatoryTls())),

            new Attack("a DANE host whose TLSA records are at its secure alias target is sent the MX name in SNI", fixture -> {
                fixture.secure.aliases.put("mx1.partner.example", "smtp.partner.example");
                fixture.secure.tlsa.put("smtp.partner.example", tlsa(EE));
                return fixture.defaults(OutboundLevel.DANE);
            }, (route, fixture) -> {
                TlsPlan plan = route.targets().get(0).plan();
                assertThat(plan.sniHost()).isEqualTo("smtp.partner.example");
                assertThat(plan.certificate().orElseThrow().acceptedNames())
                    .containsExactly("smtp.partner.example", "mx1.partner.example", "partner.example");
            }),

            new Attack("a DANE host whose TLSA records are at its own name behind an alias is sent the alias target in SNI", fixture -> {
                fixture.secure.aliases.put("mx1.partner.example", "smtp.partner.example");
                fixture.secure.tlsa.put("mx1.partner.example", tlsa(EE));
                return fixture.defaults(OutboundLevel.DANE);
            }, (route, fixture) -> assertThat(route.targets().get(0).plan().sniHost()).isEqualTo("mx1.partner.example")),

            new Attack("a bogus TLSA answer at an alias's target is passed over for the alias's own records", fixture -> {
                fixture.secure.aliases.put("mx1.partner.example", "smtp.partner.example");
                fixture.secure.tlsa.put("smtp.partner.example", DnsAnswer.bogus("signature expired"));
                fixture.secure.tlsa.put("mx1.partner.example", tlsa(EE));
                return fixture.defaults(OutboundLevel.DANE);
            }, all(hostsTried("mx2.partner.example"), (route, fixture) -> assertThat(route.skipped())
                .extracting(s -> s.target().host().ascii() + " " + s.type()).containsExactly("mx1.partner.example dnssec-invalid"))),

            new Attack("a bogus TLSA answer on the only MX host delivers as may", fixture -> {
                fixture.secure.mx = DnsAnswer.secure(List.of(new MxRecord(10, "mx1.partner.example")), Duration.ofMinutes(5));
                fixture.secure.tlsa.put("mx1.partner.example", DnsAnswer.bogus("signature expired"));
                return fixture.defaults(OutboundLevel.DANE);
            }, deferred(TlsRptResultType.DNSSEC_INVALID)),

            new Attack("a bogus address answer for one MX host suppresses the domain's MTA-STS enforce policy", fixture -> {
                fixture.secure.addresses.put("mx1.partner.example", DnsAnswer.bogus("RRSIG does not verify"));
                fixture.discovery = policy(StsMode.ENFORCE, "*.partner.example");
                return fixture.defaults(OutboundLevel.DANE);
            }, all(hostsTried("mx2.partner.example"), everyHostMandatoryTls(),
                (route, fixture) -> assertThat(route.skipped()).extracting(s -> s.target().host().ascii() + " " + s.type())
                    .containsExactly("mx1.partner.example dnssec-invalid"))),

            new Attack("a bogus TLSA answer for one MX host suppresses the domain's MTA-STS enforce policy", fixture -> {
                fixture.secure.tlsa.put("mx2.partner.example", DnsAnswer.bogus("RRSIG does not verify"));
                fixture.discovery = policy(StsMode.ENFORCE, "mx1.partner.example", "mx2.partner.example");
                return fixture.defaults(OutboundLevel.DANE);
            }, all(hostsTried("mx1.partner.example"), everyHostMandatoryTls(),
                (route, fixture) -> assertThat(route.targets()).extracting(DestinationRouting.PlannedTarget::source)
                    .containsOnly(PolicySource.MTA_STS))),

            new Attack("after a failed lookup, an MX host the MTA-STS enforce policy does not list is tried", fixture -> {
                fixture.secure.mx = DnsAnswer.secure(List.of(new MxRecord(10, "mx1.partner.example"),
                    new MxRecord(20, "mx.elsewhere.example")), Duration.ofMinutes(5));
                fixture.secure.addresses.put("mx1.partner.example", DnsAnswer.bogus("RRSIG does not verify"));
                fixture.discovery = policy(StsMode.ENFORCE, "mx1.partner.example");
                return fixture.defaults(OutboundLevel.DANE);
            }, deferred(TlsRptResultType.DNSSEC_INVALID)),

            new Attack("an MTA-STS enforce policy lets a failing DANE host be authenticated by WebPKI instead", fixture -> {
                fixture.secure.tlsa.put("mx1.partner.example", tlsa(EE));
                fixture.discovery = policy(StsMode.ENFORCE, "*.partner.example");
                return fixture.defaults(OutboundLevel.DANE);
            }, (route, fixture) -> {
                DestinationRouting.PlannedTarget first = route.targets().get(0);
                assertThat(first.source()).isEqualTo(PolicySource.DANE);
                assertThat(first.plan().certificate().orElseThrow().tlsa()).containsExactly(EE);
                assertThat(first.plan().tlsMandatory()).isTrue();
            }),

            new Attack("an MX host injected by unsigned DNS is used under MTA-STS enforce", fixture -> {
                fixture.jamesMx.add(0, "mx.attacker.example");
                fixture.discovery = policy(StsMode.ENFORCE, "*.partner.example");
                return fixture.defaults(OutboundLevel.MAY);
            }, all(hostsTried("mx1.partner.example", "mx2.partner.example"), everyHostMandatoryTls(),
                (route, fixture) -> assertThat(route.skipped()).extracting(s -> s.target().host().ascii())
                    .containsExactly("mx.attacker.example"))),

            new Attack("an MTA-STS policy in testing mode lowers the defaults' encrypt to may", fixture -> {
                fixture.discovery = policy(StsMode.TESTING, "*.partner.example");
                return fixture.route(defaultsAt(OutboundLevel.ENCRYPT, Mode.ENFORCE, List.of()), true);
            }, everyHostMandatoryTls()),

            new Attack("an MTA-STS policy in testing mode stops the defaults' verify from being enforced", fixture -> {
                fixture.discovery = policy(StsMode.TESTING, "mx9.partner.example");
                return fixture.route(defaultsAt(OutboundLevel.VERIFY, Mode.ENFORCE, List.of()), true);
            }, all(everyHostMandatoryTls(), hostsTried("mx1.partner.example", "mx2.partner.example"),
                (route, fixture) -> assertThat(route.targets()).extracting(t -> t.plan().level()).containsOnly(OutboundLevel.VERIFY))),

            new Attack("an MTA-STS enforce policy replaces the defaults' secure names with the MX name from DNS", fixture -> {
                fixture.discovery = policy(StsMode.ENFORCE, "*.partner.example");
                return fixture.route(defaultsAt(OutboundLevel.SECURE, Mode.ENFORCE, List.of(MatchName.parse("dot-nexthop"))), true);
            }, all(everyHostMandatoryTls(), (route, fixture) -> assertThat(route.targets())
                .allSatisfy(target -> assertThat(target.plan().certificate().orElseThrow().acceptedNames())
                    .containsExactly(".partner.example")))),

            new Attack("an MTA-STS fetch failure (attacker on the policy host's path) turns an explicit verify rule into may",
                fixture -> {
                    fixture.discovery = new StsDiscovery(DestinationRoutingTest.DOMAIN, Optional.empty(),
                        Optional.of(new StsProblem(TlsRptResultType.STS_POLICY_FETCH_ERROR, "connection reset")));
                    return fixture.route(DestinationRoutingTest.resolution(RuleKind.CONNECTOR, OutboundLevel.VERIFY), true);
                }, all(everyHostMandatoryTls(), (route, fixture) -> assertThat(fixture.stsAsked).isEmpty())),

            new Attack("a connection kept from an unsigned host's may attempt serves the DANE host at the same address", fixture -> {
                fixture.secure.tlsa.put("mx1.partner.example", tlsa(EE));
                fixture.secure.addresses.put("mx2.partner.example", DnsAnswer.insecure(List.of(DANE_HOST_IP), Duration.ofMinutes(5)));
                return fixture.defaults(OutboundLevel.DANE);
            }, (route, fixture) -> {
                // DeliveryRound keys kept connections by rule, plan and endpoint: the plans must differ.
                assertThat(route.targets()).hasSize(2);
                assertThat(route.targets().get(0).addresses()).isEqualTo(route.targets().get(1).addresses());
                assertThat(route.targets().get(0).plan()).isNotEqualTo(route.targets().get(1).plan());
            }),

            new Attack("a connection authenticated under one TLSA RRset serves the host after its records changed", fixture -> {
                fixture.secure.tlsa.put("mx1.partner.example", tlsa(EE));
                DestinationRouting.Route before = fixture.defaults(OutboundLevel.DANE);
                fixture.secure.tlsa.put("mx1.partner.example", tlsa(OTHER_EE));
                DestinationRouting.Route after = fixture.defaults(OutboundLevel.DANE);
                assertThat(before.targets().get(0).plan()).isNotEqualTo(after.targets().get(0).plan());
                // The same records in fresh arrays are the same plan: the key holds the content, not the instance.
                fixture.secure.tlsa.put("mx1.partner.example", tlsa(new TlsaRecord(3, 1, 1, new byte[32])));
                assertThat(fixture.defaults(OutboundLevel.DANE).targets().get(0).plan()).isEqualTo(before.targets().get(0).plan());
                return after;
            }, (route, fixture) -> assertThat(route.targets().get(0).plan().certificate().orElseThrow().tlsa()).containsExactly(OTHER_EE)),

            new Attack("an MTA-STS policy in testing mode is kept apart from enforce for the same host", fixture -> {
                fixture.discovery = policy(StsMode.TESTING, "*.partner.example");
                DestinationRouting.Route testing = fixture.defaults(OutboundLevel.MAY);
                fixture.discovery = policy(StsMode.ENFORCE, "*.partner.example");
                DestinationRouting.Route enforce = fixture.defaults(OutboundLevel.MAY);
                assertThat(testing.targets().get(0).plan()).isNotEqualTo(enforce.targets().get(0).plan());
                assertThat(testing.targets()).extracting(t -> t.plan().tlsMandatory()).containsOnly(false);
                return enforce;
            }, everyHostMandatoryTls())
        );
    }

    static Stream<Attack> attacksOverSignedDns() {
        return Stream.of(
            new Attack("a broken MX signature under dane falls back to MTA-STS or may", fixture -> {
                fixture.discovery = policy(StsMode.ENFORCE, "*.partner.example");
                return fixture.overSignedDns("bogusmx.example", OutboundLevel.DANE);
            }, all(deferred(TlsRptResultType.DNSSEC_INVALID), (route, fixture) -> assertThat(fixture.stsAsked).isEmpty())),

            new Attack("an expired TLSA signature turns the DANE host into a may host", fixture ->
                fixture.overSignedDns("oldtlsa.example", OutboundLevel.DANE),
                (route, fixture) -> {
                    assertThat(route.targets()).extracting(t -> t.target().host().ascii()).doesNotContain("mx1.oldtlsa.example");
                    assertThat(route.skipped()).extracting(s -> s.target().host().ascii() + " " + s.type())
                        .containsExactly("mx1.oldtlsa.example dnssec-invalid");
                }),

            new Attack("a broken address signature of one MX host switches the MTA-STS enforce policy off", fixture -> {
                fixture.discovery = policy(StsMode.ENFORCE, "*.partner.example");
                return fixture.overSignedDns("bogusa.example", OutboundLevel.DANE);
            }, all(hostsTried("mx2.bogusa.example"), everyHostMandatoryTls())),

            new Attack("an MX host that is an alias loses the TLSA records of its signed target", fixture ->
                fixture.overSignedDns("alias.example", OutboundLevel.DANE),
                (route, fixture) -> {
                    DestinationRouting.PlannedTarget only = route.targets().get(0);
                    assertThat(only.source()).isEqualTo(PolicySource.DANE);
                    assertThat(only.plan().tlsMandatory()).isTrue();
                    assertThat(only.plan().certificate().orElseThrow().tlsa()).extracting(TlsaRecord::usage).containsExactly(3);
                    // The alias target is the TLSA base domain: sent in SNI (RFC 7672 §8.1) and the first name DANE-TA
                    // accepts, the MX name and the next-hop domain still accepted (RFC 7672 §3.2.3).
                    assertThat(only.plan().sniHost()).isEqualTo("smtp.dane.example");
                    assertThat(only.plan().certificate().orElseThrow().acceptedNames())
                        .containsExactly("smtp.dane.example", "mail.alias.example", "alias.example");
                }),

            new Attack("an MX alias into an unsigned zone carries that zone's TLSA records into DANE", fixture ->
                fixture.overSignedDns("outside.example", OutboundLevel.DANE_ONLY),
                deferred(TlsRptResultType.DANE_REQUIRED)),

            new Attack("a DANE host's records are replaced by an MTA-STS policy naming it", fixture -> {
                fixture.discovery = policy(StsMode.ENFORCE, "*.partner.example");
                return fixture.overSignedDns("dane.example", OutboundLevel.DANE);
            }, (route, fixture) -> {
                assertThat(route.targets().get(0).source()).isEqualTo(PolicySource.DANE);
                assertThat(route.targets().get(0).plan().certificate().orElseThrow().tlsa()).hasSize(1);
            })
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"attacks", "attacksOverSignedDns"})
    void theAttackFails(Attack attack) throws Exception {
        Fixture fixture = new Fixture();

        DestinationRouting.Route route = attack.scenario().route(fixture);

        attack.holds().verify(route, fixture);
    }
}
