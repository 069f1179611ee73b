package dev.jamestls.it.harness;

/** {@code tls-policy.xml} contents shared by tests. */
public final class TestPolicies {
    /** No rule: inbound TLS optional, outbound level {@code may} for every destination. */
    public static final String OUTBOUND_MAY = PolicyXml.opportunistic().xml();

    private TestPolicies() {
    }
}
