package dev.jamestls.outbound;

import static dev.jamestls.outbound.TlsPlanTest.plan;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.requiretls.SenderTlsDemand;

/** What the sender's TLS demand (RFC 8689) makes of a host's plan, one row per rule. */
class SenderDemandRulesTest {
    record Authenticates(String reason, TlsPlan plan, boolean expected) {
        @Override
        public String toString() {
            return reason;
        }
    }

    static Stream<Authenticates> plans() {
        return Stream.of(
            new Authenticates("none: no TLS", plan(OutboundLevel.NONE, Mode.ENFORCE), false),
            new Authenticates("may: clear-text fallback", plan(OutboundLevel.MAY, Mode.ENFORCE), false),
            new Authenticates("encrypt: TLS, any certificate", plan(OutboundLevel.ENCRYPT, Mode.ENFORCE), false),
            new Authenticates("verify enforced", plan(OutboundLevel.VERIFY, Mode.ENFORCE), true),
            new Authenticates("verify in testing enforces nothing", plan(OutboundLevel.VERIFY, Mode.TESTING), false),
            new Authenticates("secure enforced", plan(OutboundLevel.SECURE, Mode.ENFORCE), true),
            new Authenticates("fingerprint enforced", plan(OutboundLevel.FINGERPRINT, Mode.ENFORCE), true),
            new Authenticates("verify lowered for TLS-Required: No", plan(OutboundLevel.VERIFY, Mode.ENFORCE).tlsOptional(), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void onlyAnEnforcedCertificateCheckAuthenticatesForRequireTls(Authenticates row) {
        assertThat(SenderDemandRules.authenticates(row.plan())).isEqualTo(row.expected());
    }

    /**
     * @param expectedPlan the plan connected with
     * @param attempted whether the host is connected to at all
     */
    record Row(String reason, Optional<SenderTlsDemand> demand, TlsPlan plan, PolicySource source, Optional<TlsPlan> rulePlan,
               boolean optIn, Optional<SenderDemandOutcome> outcome, TlsPlan expectedPlan, PolicySource expectedSource,
               boolean attempted) {
        @Override
        public String toString() {
            return reason;
        }
    }

    static Stream<Row> rows() {
        Optional<SenderTlsDemand> requireTls = Optional.of(SenderTlsDemand.REQUIRETLS);
        Optional<SenderTlsDemand> tlsOptional = Optional.of(SenderTlsDemand.TLS_OPTIONAL);
        TlsPlan verify = plan(OutboundLevel.VERIFY, Mode.ENFORCE);
        TlsPlan encrypt = plan(OutboundLevel.ENCRYPT, Mode.ENFORCE);
        TlsPlan may = plan(OutboundLevel.MAY, Mode.ENFORCE);
        return Stream.of(
            new Row("no demand: the plan as routed", Optional.empty(), encrypt, PolicySource.CONNECTOR, Optional.empty(), false,
                Optional.empty(), encrypt, PolicySource.CONNECTOR, true),
            new Row("REQUIRETLS under verify: connected", requireTls, verify, PolicySource.CONNECTOR, Optional.empty(), false,
                Optional.of(SenderDemandOutcome.REQUIRETLS_AUTHENTICATED), verify, PolicySource.CONNECTOR, true),
            new Row("REQUIRETLS under encrypt: not connected", requireTls, encrypt, PolicySource.CONNECTOR, Optional.empty(), false,
                Optional.of(SenderDemandOutcome.REQUIRETLS_UNAUTHENTICATED), encrypt, PolicySource.CONNECTOR, false),
            new Row("REQUIRETLS under an opted-in connector is not lowered", requireTls, verify, PolicySource.CONNECTOR,
                Optional.empty(), true, Optional.of(SenderDemandOutcome.REQUIRETLS_AUTHENTICATED), verify, PolicySource.CONNECTOR, true),
            new Row("TLS-Required: No under MTA-STS enforce: the defaults' may applies", tlsOptional, verify, PolicySource.MTA_STS,
                Optional.of(may), false, Optional.of(SenderDemandOutcome.TLS_REQUIRED_NO_POLICY_IGNORED), may, PolicySource.DEFAULT, true),
            new Row("TLS-Required: No under DANE with defaults that enforce encrypt: encrypt stays", tlsOptional, verify,
                PolicySource.DANE, Optional.of(encrypt), false, Optional.of(SenderDemandOutcome.TLS_REQUIRED_NO_POLICY_IGNORED), encrypt,
                PolicySource.DEFAULT, true),
            new Row("TLS-Required: No under dane-only: the rule demands DANE itself", tlsOptional, verify, PolicySource.DANE,
                Optional.empty(), false, Optional.of(SenderDemandOutcome.TLS_REQUIRED_NO_RULE_KEPT), verify, PolicySource.DANE, true),
            new Row("TLS-Required: No never lowers a connector that does not opt in", tlsOptional, encrypt, PolicySource.CONNECTOR,
                Optional.of(encrypt), false, Optional.of(SenderDemandOutcome.TLS_REQUIRED_NO_RULE_KEPT), encrypt, PolicySource.CONNECTOR,
                true),
            new Row("TLS-Required: No lowers an opted-in connector to testing", tlsOptional, verify, PolicySource.CONNECTOR,
                Optional.of(verify), true, Optional.of(SenderDemandOutcome.TLS_REQUIRED_NO_CONNECTOR_OPTED_IN), verify.tlsOptional(),
                PolicySource.CONNECTOR, true),
            new Row("TLS-Required: No never lowers the defaults", tlsOptional, encrypt, PolicySource.DEFAULT, Optional.of(encrypt),
                true, Optional.of(SenderDemandOutcome.TLS_REQUIRED_NO_RULE_KEPT), encrypt, PolicySource.DEFAULT, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void theSendersDemandOnlyRaisesTheBarOrLowersWhatWasPublished(Row row) {
        SenderDemandRules.Applied applied = SenderDemandRules.apply(row.demand(), row.plan(), row.source(), PolicySource.of(
            row.expectedSource() == PolicySource.CONNECTOR ? dev.jamestls.policy.RuleKind.CONNECTOR : dev.jamestls.policy.RuleKind.DEFAULTS),
            row.rulePlan(), row.optIn());

        assertThat(applied.outcome()).isEqualTo(row.outcome());
        assertThat(applied.plan()).isEqualTo(row.expectedPlan());
        assertThat(applied.source()).isEqualTo(row.expectedSource());
        assertThat(applied.attempted()).isEqualTo(row.attempted());
    }
}
