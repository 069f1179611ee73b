package dev.jamestls.parameters;

import java.util.Optional;

import dev.jamestls.inbound.InboundVerdict;
import dev.jamestls.policy.Connector;
import dev.jamestls.tls.TlsProtocol;

/** The conditions of our matchers ({@code match="Matcher=condition"}), declared once for the matchers and {@code check}. */
public final class MatcherConditions {
    /** The name under which a condition appears in messages. */
    public static final String NAME = "condition";

    /** {@code SentOverTls}: any TLS, or at least this protocol. */
    public static final ParameterSpec<Optional<TlsProtocol>> MINIMUM_PROTOCOL = ParameterSpec.of(NAME, "",
        MatcherConditions::minimumProtocol,
        "empty (any TLS) or " + TlsProtocol.acceptedNames(), "the lowest TLS protocol that matches");
    /** {@code InboundTlsPolicy}: the verdict recorded on the mail. */
    public static final ParameterSpec<String> VERDICT = ParameterSpec.optional(NAME, MatcherConditions::verdict,
        InboundVerdict.VIOLATION + ", " + InboundVerdict.COMPLIANT, "the inbound verdict that matches");
    /** {@code FromPartner}, {@code FromVerifiedPartner}: a connector of the policy. */
    public static final ParameterSpec<String> CONNECTOR = ParameterSpec.optional(NAME, Connector::requireValidName,
        Connector.NAME_FORMS, "the connector whose partner matches");

    private MatcherConditions() {
    }

    /** The JSSE spelling, case-insensitive ({@link TlsProtocol#parse}). */
    private static Optional<TlsProtocol> minimumProtocol(String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(TlsProtocol.parse(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown TLS protocol", e);
        }
    }

    private static String verdict(String value) {
        if (!value.equals(InboundVerdict.VIOLATION) && !value.equals(InboundVerdict.COMPLIANT)) {
            throw new IllegalArgumentException((String) null);
        }
        return value;
    }
}
