package dev.jamestls.parameters;

import java.util.List;

/**
 * The init parameters of the inbound components, {@code InboundTlsPolicyHook} and {@code EnforceInboundTlsPolicy},
 * declared once for the components and {@code check}.
 */
public final class InboundParameters {
    /** Where the policy is read from when a component does not say. */
    public static final String DEFAULT_POLICY_FILE = "file://conf/tls-policy.xml";
    /** The accepted forms of a file location. */
    public static final String LOCATION_FORMS = "a file location James resolves, e.g. " + DEFAULT_POLICY_FILE;
    public static final String DEFAULT_VIOLATION_REPOSITORY = "file://var/mail/tls-violations/";

    public static final ParameterSpec<String> POLICY_FILE = ParameterSpec.of("policyFile", DEFAULT_POLICY_FILE,
        ParameterSpec::nonBlank, LOCATION_FORMS, "the TLS policy (docs/policy-reference.md), re-read when it changes");
    public static final ParameterSpec<String> TRUST_ANCHORS = ParameterSpec.optional("trustAnchors", ParameterSpec::nonBlank,
        LOCATION_FORMS, "PEM file of the CAs partner certificates are verified against when their connector names none, "
            + "re-read when it changes; absent: the JDK's");
    public static final ParameterSpec<String> VIOLATION_PROCESSOR = ParameterSpec.processor("violationProcessor",
        "processor that receives mail violating an enforced rule, instead of violationRepository");
    public static final ParameterSpec<String> VIOLATION_REPOSITORY = ParameterSpec.repository("violationRepository",
        DEFAULT_VIOLATION_REPOSITORY, "mail repository that keeps mail violating an enforced rule");

    /** {@code InboundTlsPolicyHook}. */
    public static final List<ParameterSpec<?>> HOOK = List.of(POLICY_FILE, TRUST_ANCHORS);
    /** {@code EnforceInboundTlsPolicy}. */
    public static final List<ParameterSpec<?>> MAILET = List.of(POLICY_FILE, TRUST_ANCHORS, VIOLATION_PROCESSOR, VIOLATION_REPOSITORY);

    private InboundParameters() {
    }
}
