package dev.jamestls.it.harness;

/** {@code tls-policy.xml} contents shared by tests. */
public final class TestPolicies {
    /** No rule: inbound TLS optional, outbound level {@code may} for every destination. */
    public static final String OUTBOUND_MAY = """
        <tlsPolicy>
          <defaults>
            <inbound requireTls="false" minimumProtocol="TLSv1.2"/>
            <outbound level="may"/>
          </defaults>
        </tlsPolicy>
        """;

    private TestPolicies() {
    }
}
