package dev.jamestls.outbound;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.policy.Connector;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.requiretls.SenderTlsDemand;
import dev.jamestls.verify.VerifyingTrustManager.OnFailure;

/**
 * How the sender's own TLS demand on a message (RFC 8689) changes the plan of one host, before it is connected to:
 * <ul>
 *   <li>REQUIRETLS only raises the bar (SPEC §5): a host is used only when its plan authenticates the server
 *       ({@link #authenticates}); any other host is not connected to (§4.2.1: the message only travels a path that
 *       meets every step, TLS authenticated and REQUIRETLS offered after STARTTLS). A {@code TLS-Required: No} header
 *       on the same message is ignored (the parameter takes precedence).</li>
 *   <li>{@code TLS-Required: No} (§4.2.2) lowers only what the recipient side published: a DANE or MTA-STS plan becomes the
 *       administrator's own plan for the host (STARTTLS still tried first, the policy's verdict recorded); an
 *       administrator's connector is lowered only when it says {@code honourTlsRequiredNo="true"}, to its own level in
 *       mode {@code testing} (tried, recorded, not enforced); every other rule (the defaults, a domain table entry,
 *       {@code dane-only}) is enforced as configured.</li>
 * </ul>
 */
public final class SenderDemandRules {
    private SenderDemandRules() {
    }

    /**
     * A host's plan after the sender's demand.
     *
     * @param plan the plan to connect with; for {@link SenderDemandOutcome#REQUIRETLS_UNAUTHENTICATED} the host is not
     *     connected to and this is the rule's plan, as recorded
     * @param source the policy that decided {@code plan}
     * @param outcome what the demand did, empty when the sender demanded nothing
     * @param reason one line: why, for the attempt record
     */
    public record Applied(TlsPlan plan, PolicySource source, Optional<SenderDemandOutcome> outcome, String reason) {
        public Applied {
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(reason, "reason");
        }

        /** Whether the host may be connected to. */
        public boolean attempted() {
            return outcome.filter(o -> o == SenderDemandOutcome.REQUIRETLS_UNAUTHENTICATED).isEmpty();
        }
    }

    /**
     * RFC 8689 §4.2.1 steps 2-3: TLS is mandatory and a certificate the rule or policy cannot authenticate fails the
     * handshake. True for {@code verify}, {@code secure} and {@code fingerprint} in mode {@code enforce}, for a host with
     * usable TLSA records under DNSSEC (DANE) and for an MTA-STS policy in mode {@code enforce}; false for
     * {@code none}, {@code may}, {@code encrypt}, published-but-unusable TLSA records and every rule or policy in mode
     * {@code testing} (they enforce nothing, so they cannot stand for the sender's demand).
     */
    public static boolean authenticates(TlsPlan plan) {
        return plan.tlsMandatory() && plan.mode() == Mode.ENFORCE && plan.onCertificateFailure() == OnFailure.FAIL_HANDSHAKE
            && plan.certificate().isPresent();
    }

    /** Whether the connector that applies says {@code honourTlsRequiredNo="true"}; false for every other rule. */
    public static boolean connectorOptsIn(OutboundResolution resolution) {
        return resolution.kind() == RuleKind.CONNECTOR
            && resolution.connector().flatMap(Connector::outbound).map(Connector.Outbound::honourTlsRequiredNo).orElse(false);
    }

    /**
     * What the sender's demand does under a rule, printable ({@code explain --recipient}), without asking DNS.
     *
     * @param mtaSts whether the defaults honour MTA-STS
     */
    public static List<String> explain(OutboundResolution resolution, boolean mtaSts) {
        OutboundLevel level = resolution.requirement().level();
        boolean enforced = resolution.mode() == Mode.ENFORCE;
        boolean sts = resolution.kind() == RuleKind.DEFAULTS && mtaSts && level != OutboundLevel.DANE_ONLY;
        String stsHosts = "hosts under an MTA-STS policy in mode enforce (while the policy cannot be fetched: retried, 4.7.5)";
        String requireTls = "REQUIRETLS (RFC 8689 §4.2.1): only to a host whose TLS is authenticated and that lists REQUIRETLS "
            + "after STARTTLS, passed on in MAIL FROM, else not sent (5.7.30); authenticated here: "
            + (level.usesDane() ? "hosts with usable TLSA records under DNSSEC" + (sts ? ", else " + stsHosts : "")
                : enforced && level.authenticates() ? "every host (level " + level + ")"
                : sts ? stsHosts
                : "none (level " + level + " in mode " + resolution.mode() + ")");
        String tlsOptional = "TLS-Required: No (RFC 8689 §4.2.2): "
            + (resolution.kind() == RuleKind.DEFAULTS
                ? (level == OutboundLevel.DANE_ONLY ? "level dane-only enforced as configured"
                    : "DANE and MTA-STS failures recorded, not enforced" + (sts ? ", MX hosts an MTA-STS policy leaves out tried too" : "")
                        + "; the defaults' own level "
                        + (level.usesDane() ? OutboundLevel.MAY : level) + " enforced as configured")
                : connectorOptsIn(resolution) ? "the connector says honourTlsRequiredNo=\"true\": level " + level
                    + " tried and recorded, not enforced"
                : "the rule is enforced as configured (only a connector saying honourTlsRequiredNo=\"true\" is lowered)");
        return List.of(requireTls, tlsOptional);
    }

    /**
     * @param demand the sender's demand, empty when it asked nothing
     * @param plan the host's plan as routing decided it
     * @param source the policy that decided it
     * @param ruleSource the source the administrator's own rule is recorded under ({@code connector} or {@code default})
     * @param rulePlan the administrator's own plan for this host, without the destination's published policies; empty
     *     when the rule itself demands the published policy ({@code dane-only})
     * @param connectorOptIn whether the connector that applies says {@code honourTlsRequiredNo="true"}
     */
    public static Applied apply(Optional<SenderTlsDemand> demand, TlsPlan plan, PolicySource source, PolicySource ruleSource,
                                Optional<TlsPlan> rulePlan, boolean connectorOptIn) {
        if (demand.isEmpty()) {
            return new Applied(plan, source, Optional.empty(), "");
        }
        if (demand.get() == SenderTlsDemand.REQUIRETLS) {
            if (authenticates(plan)) {
                return new Applied(plan, source, Optional.of(SenderDemandOutcome.REQUIRETLS_AUTHENTICATED),
                    "REQUIRETLS: " + source + " authenticates the server");
            }
            return new Applied(plan, source, Optional.of(SenderDemandOutcome.REQUIRETLS_UNAUTHENTICATED),
                "REQUIRETLS (RFC 8689 §4.2.1): not connected; " + source + " " + plan.describe() + " does not authenticate the "
                    + "server; accepted: level verify, secure or fingerprint in mode enforce, DANE (usable TLSA records) or an "
                    + "MTA-STS policy in mode enforce");
        }
        if (!plan.tlsMandatory()) {
            return new Applied(plan, source, Optional.of(SenderDemandOutcome.TLS_REQUIRED_NO_RULE_KEPT),
                "TLS-Required: No: " + plan.describe() + " enforces no TLS already");
        }
        if (source == PolicySource.DANE || source == PolicySource.MTA_STS) {
            if (rulePlan.isEmpty()) {
                return new Applied(plan, source, Optional.of(SenderDemandOutcome.TLS_REQUIRED_NO_RULE_KEPT),
                    "TLS-Required: No: the rule itself requires " + source + " (level " + plan.level() + "); enforced");
            }
            // RFC 8689 §4.2.2: the published policy's failures do not stop delivery; the administrator's own rule still does.
            return new Applied(rulePlan.get(), ruleSource, Optional.of(SenderDemandOutcome.TLS_REQUIRED_NO_POLICY_IGNORED),
                "TLS-Required: No (RFC 8689 §4.2.2): " + source + " (" + plan.describe() + ") recorded, not enforced; "
                    + ruleSource + " " + rulePlan.get().describe() + " applies");
        }
        if (source == PolicySource.CONNECTOR && connectorOptIn) {
            return new Applied(plan.tlsOptional(), source, Optional.of(SenderDemandOutcome.TLS_REQUIRED_NO_CONNECTOR_OPTED_IN),
                "TLS-Required: No: the connector says honourTlsRequiredNo=\"true\"; " + plan.describe() + " recorded, not enforced");
        }
        // SPEC §5: TLS-Required: No can only lower recipient-side requirements, never an administrator's rule.
        return new Applied(plan, source, Optional.of(SenderDemandOutcome.TLS_REQUIRED_NO_RULE_KEPT),
            "TLS-Required: No does not lower the administrator's " + source + " rule (" + plan.describe() + ")"
                + (source == PolicySource.CONNECTOR ? "; the connector does not say honourTlsRequiredNo=\"true\"" : ""));
    }
}
