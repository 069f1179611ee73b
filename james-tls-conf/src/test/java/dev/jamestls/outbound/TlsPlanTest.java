package dev.jamestls.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.policy.CipherPolicy;
import dev.jamestls.policy.ContentDigest;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.MatchName;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.TrustAnchorFile;
import dev.jamestls.tls.ClientIdentity;
import dev.jamestls.tls.TlsProtocol;
import dev.jamestls.verify.CertificatePurpose;
import dev.jamestls.verify.VerifyingTrustManager.OnFailure;

/** What one attempt must do, per level and mode (SPEC §1.3, §1.5). */
class TlsPlanTest {
    static final String PIN = "r/mIkG3eEpVdm+u/ko/cwxzOMo1bk4TyHIlByibiA5E=";
    static final DomainName DOMAIN = DomainName.parse("partner.example");
    static final DeliveryTarget MX = new DeliveryTarget(DomainName.parse("mx1.partner.example"), 25, TargetSource.MX, 0);
    static final X509Certificate DEFAULT_ANCHOR = CertificateAuthority.root("CN=Default Root", Instant.now()).certificate().certificate();
    static final X509Certificate RULE_ANCHOR = CertificateAuthority.root("CN=Rule Root", Instant.now()).certificate().certificate();

    static OutboundRequirement requirement(OutboundLevel level) {
        List<MatchName> match = level == OutboundLevel.SECURE ? List.of(MatchName.parse("mail.partner.example")) : List.of();
        List<String> pins = level == OutboundLevel.FINGERPRINT ? List.of(PIN) : List.of();
        return new OutboundRequirement(level, match, pins, TlsProtocol.TLS_1_2, CipherPolicy.DEFAULT, List.of(), Failure.TEMPORARY);
    }

    /** The same requirement with the rule's own anchors and client identity. */
    static OutboundRequirement requirement(OutboundLevel level, Optional<TrustAnchorFile> anchors, Optional<ClientIdentity> identity) {
        OutboundRequirement plain = requirement(level);
        return new OutboundRequirement(plain.level(), plain.match(), plain.pins(), plain.minimumProtocol(), plain.ciphers(),
            plain.smartHosts(), plain.failure(), anchors, identity);
    }

    static TlsPlan plan(OutboundLevel level, Mode mode) {
        return TlsPlan.forTarget(requirement(level), mode, DOMAIN, MX, List.of(DEFAULT_ANCHOR));
    }

    static ClientIdentity identity(String subject) {
        IssuedCertificate leaf = CertificateAuthority.root("CN=Client CA", Instant.now()).leaf(subject)
            .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();
        return new ClientIdentity(subject, leaf.keyPair().getPrivate(), leaf.presentedChain());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        // level | mode | STARTTLS | TLS mandatory | certificate check | on failure  | names checked | chain validated | demanded by the rule
        "none        | enforce | false | false | false | record-only    | -                    | -     | false",
        "may         | enforce | true  | false | true  | record-only    | mx1.partner.example  | true  | false",
        "encrypt     | enforce | true  | true  | true  | record-only    | mx1.partner.example  | true  | false",
        "verify      | enforce | true  | true  | true  | fail-handshake | mx1.partner.example  | true  | true",
        "secure      | enforce | true  | true  | true  | fail-handshake | mail.partner.example | true  | true",
        "fingerprint | enforce | true  | true  | true  | fail-handshake | -                    | false | true",
        // testing (SPEC §1.5): the same requirement, nothing enforced, so it behaves as may
        "encrypt     | testing | true  | false | true  | record-only    | mx1.partner.example  | true  | false",
        "verify      | testing | true  | false | true  | record-only    | mx1.partner.example  | true  | true",
        "secure      | testing | true  | false | true  | record-only    | mail.partner.example | true  | true",
        "fingerprint | testing | true  | false | true  | record-only    | -                    | false | true",
    })
    void eachLevelAndModeGivesItsPlan(String level, String mode, boolean startTls, boolean mandatory, boolean checked, String enforcement,
                                      String names, String chain, boolean required) {
        TlsPlan plan = plan(OutboundLevel.parse(level), Mode.parse(mode));

        assertThat(plan.level()).isEqualTo(OutboundLevel.parse(level));
        assertThat(plan.mode()).isEqualTo(Mode.parse(mode));
        assertThat(plan.startTls()).isEqualTo(startTls);
        assertThat(plan.tlsMandatory()).isEqualTo(mandatory);
        assertThat(plan.certificate().isPresent()).isEqualTo(checked);
        assertThat(plan.onCertificateFailure()).hasToString(enforcement);
        assertThat(plan.certificateRequired()).isEqualTo(required);
        assertThat(plan.sniHost()).isEqualTo("mx1.partner.example");
        plan.certificate().ifPresent(certificate -> {
            assertThat(certificate.purpose()).isEqualTo(CertificatePurpose.SERVER_AUTH);
            assertThat(certificate.acceptedNames()).isEqualTo(names.equals("-") ? List.of() : List.of(names));
            assertThat(certificate.chainValidation()).isEqualTo(Boolean.parseBoolean(chain));
            assertThat(certificate.trustAnchors()).isEqualTo(certificate.chainValidation() ? List.of(DEFAULT_ANCHOR) : List.of());
            assertThat(certificate.pins()).isEqualTo(level.equals("fingerprint") ? java.util.Set.of(PIN) : java.util.Set.of());
        });
    }

    @ParameterizedTest(name = "minimum {0}")
    @CsvSource({
        "TLSv1.2, TLSv1.2;TLSv1.3",
        "TLSv1.3, TLSv1.3",
    })
    void protocolsRunFromTheRulesMinimumToTls13(String minimum, String expected) {
        OutboundRequirement requirement = new OutboundRequirement(OutboundLevel.ENCRYPT, List.of(), List.of(), TlsProtocol.parse(minimum),
            CipherPolicy.DEFAULT, List.of(), Failure.TEMPORARY);

        assertThat(TlsPlan.forTarget(requirement, Mode.ENFORCE, DOMAIN, MX, List.of(DEFAULT_ANCHOR)).protocols())
            .containsExactly(expected.split(";"));
    }

    @Test
    void theRulesOwnAnchorsReplaceTheDefaultOnes() {
        TrustAnchorFile anchors = new TrustAnchorFile(Path.of("partner-ca.pem"), ContentDigest.of(new byte[] {1}), List.of(RULE_ANCHOR));
        OutboundRequirement requirement = requirement(OutboundLevel.VERIFY, Optional.of(anchors), Optional.empty());

        TlsPlan plan = TlsPlan.forTarget(requirement, Mode.ENFORCE, DOMAIN, MX, List.of(DEFAULT_ANCHOR));

        assertThat(plan.certificate().orElseThrow().trustAnchors()).containsExactly(RULE_ANCHOR);
    }

    @Test
    void theRulesClientIdentityReplacesTheDefaultOneAndLevelNonePresentsNone() {
        ClientIdentity ours = identity("CN=mx.example.com");
        ClientIdentity rules = identity("CN=partner-only.example.com");

        assertThat(TlsPlan.forTarget(requirement(OutboundLevel.VERIFY), Mode.ENFORCE, DOMAIN, MX, List.of(DEFAULT_ANCHOR), Optional.of(ours))
            .clientIdentity()).contains(ours);
        assertThat(TlsPlan.forTarget(requirement(OutboundLevel.VERIFY, Optional.empty(), Optional.of(rules)), Mode.ENFORCE, DOMAIN, MX,
            List.of(DEFAULT_ANCHOR), Optional.of(ours)).clientIdentity()).contains(rules);
        assertThat(TlsPlan.forTarget(requirement(OutboundLevel.NONE), Mode.ENFORCE, DOMAIN, MX, List.of(DEFAULT_ANCHOR), Optional.of(ours))
            .clientIdentity()).as("no TLS, no certificate").isEmpty();
    }

    @Test
    void onlyAPlanWithoutMandatoryTlsFallsBackToClearText() {
        TlsPlan may = plan(OutboundLevel.MAY, Mode.ENFORCE);

        TlsPlan fallback = may.clearTextFallback();

        assertThat(fallback.startTls()).isFalse();
        assertThat(fallback.tlsMandatory()).isFalse();
        assertThat(fallback.onCertificateFailure()).isEqualTo(OnFailure.RECORD_ONLY);
        assertThat(fallback.level()).isEqualTo(OutboundLevel.MAY);
        assertThat(plan(OutboundLevel.VERIFY, Mode.TESTING).clearTextFallback().startTls()).as("testing never blocks delivery").isFalse();
        assertThatThrownBy(() -> plan(OutboundLevel.ENCRYPT, Mode.ENFORCE).clearTextFallback())
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("level encrypt in mode enforce never falls back to clear text (SPEC §2)");
    }

    @Test
    void describeShowsWhatTheRuleExpects() {
        assertThat(plan(OutboundLevel.MAY, Mode.ENFORCE).describe()).isEqualTo("level may");
        assertThat(plan(OutboundLevel.ENCRYPT, Mode.ENFORCE).describe()).isEqualTo("level encrypt, STARTTLS required, TLSv1.2/TLSv1.3");
        assertThat(plan(OutboundLevel.SECURE, Mode.TESTING).describe()).isEqualTo("level secure (testing), STARTTLS required, TLSv1.2/TLSv1.3, "
            + "purpose serverAuth, names [mail.partner.example], chain to 1 trust anchor(s)");
        assertThat(plan(OutboundLevel.FINGERPRINT, Mode.ENFORCE).describe()).isEqualTo("level fingerprint, STARTTLS required, TLSv1.2/TLSv1.3, "
            + "purpose serverAuth, any name, pins [" + PIN + "], no chain validation");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // reason | level | match | names checked
        "no match: the host connected to | verify | - | mx1.partner.example",
        "hostname: the host connected to (verify only) | verify | hostname;partner.example | mx1.partner.example;partner.example",
        "parent and one-label names keep their form | secure | .partner.example;*.partner.example | .partner.example;*.partner.example",
        "nexthop and dot-nexthop: the recipient domain on an MX route | secure | nexthop;dot-nexthop | partner.example;.partner.example",
        "a name given twice is checked once | secure | nexthop;partner.example | partner.example",
    })
    void namesCheckedResolveTheMatchNames(String reason, String level, String match, String expected) {
        OutboundRequirement requirement = new OutboundRequirement(OutboundLevel.parse(level),
            match.equals("-") ? List.of() : Arrays.stream(match.split(";")).map(MatchName::parse).toList(), List.of(), TlsProtocol.TLS_1_2,
            CipherPolicy.DEFAULT, List.of(), Failure.TEMPORARY);

        assertThat(TlsPlan.namesChecked(requirement, DOMAIN, MX.host().ascii())).as(reason).containsExactly(expected.split(";"));
    }

    @Test
    void aPlanCannotPromiseWhatItCannotKeep() {
        CipherPolicy ciphers = CipherPolicy.DEFAULT;
        assertThatThrownBy(() -> new TlsPlan(OutboundLevel.ENCRYPT, Mode.ENFORCE, false, true, Optional.empty(), OnFailure.RECORD_ONLY,
            List.of("TLSv1.2"), ciphers, "mx")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("a plan cannot make TLS mandatory without STARTTLS");
        assertThatThrownBy(() -> new TlsPlan(OutboundLevel.VERIFY, Mode.ENFORCE, true, false, Optional.empty(), OnFailure.FAIL_HANDSHAKE,
            List.of("TLSv1.2"), ciphers, "mx")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("certificate enforcement needs mandatory TLS: a certificate failure must not end in clear text");
        assertThatThrownBy(() -> new TlsPlan(OutboundLevel.ENCRYPT, Mode.ENFORCE, true, true, Optional.empty(), OnFailure.RECORD_ONLY,
            List.of("TLSv1.1", "TLSv1.2"), ciphers, "mx")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("protocol TLSv1.1 is never enabled (RFC 8996)");
    }

    @Test
    void daneSendsTheTlsaBaseDomainInSniAndEveryOtherLevelTheHostName() {
        DomainName alias = DomainName.parse("smtp.partner.example");
        TlsPlan atAlias = dane(Optional.of(alias), alias);
        TlsPlan atHost = dane(Optional.of(alias), MX.host());
        // RFC 7672 §8.1: SNI is the TLSA base domain; §3.2.3: the MX name and the next-hop domain stay accepted.
        assertThat(atAlias.sniHost()).isEqualTo("smtp.partner.example");
        assertThat(atAlias.certificate().orElseThrow().acceptedNames())
            .containsExactly("smtp.partner.example", "mx1.partner.example", "partner.example");
        assertThat(atHost.sniHost()).isEqualTo("mx1.partner.example");
        assertThat(atHost.certificate().orElseThrow().acceptedNames())
            .containsExactly("mx1.partner.example", "smtp.partner.example", "partner.example");
        // The plan is part of the connection pool's key: a different SNI never shares a kept connection.
        assertThat(atAlias).isNotEqualTo(atHost);
        for (OutboundLevel level : OutboundLevel.values()) {
            if (!level.usesDane()) {
                assertThat(plan(level, Mode.ENFORCE).sniHost()).as("level %s", level).isEqualTo("mx1.partner.example");
            }
        }
    }

    @Test
    void theTlsaBaseDomainIsTheHostOrItsAliasTarget() {
        DomainName other = DomainName.parse("mx.elsewhere.example");
        assertThatThrownBy(() -> dane(Optional.empty(), other)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dane(Optional.of(DomainName.parse("smtp.partner.example")), other))
            .isInstanceOf(IllegalArgumentException.class);
    }

    static TlsPlan dane(Optional<DomainName> aliasTarget, DomainName baseDomain) {
        return TlsPlan.dane(requirement(OutboundLevel.DANE), Mode.ENFORCE, DOMAIN, MX, aliasTarget, baseDomain,
            List.of(DestinationRoutingTest.EE), Optional.empty());
    }
}
