package dev.jamestls.wiring;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.jamestls.outbound.ConnectionReuse;
import dev.jamestls.outbound.RetrySchedule;
import dev.jamestls.policy.Connector;
import dev.jamestls.policy.DomainName;
import dev.jamestls.tls.TlsProtocol;

/**
 * Every James component we ship, with its kind, accepted init parameters and
 * matcher condition, so {@code check} can validate {@code mailetcontainer.xml}
 * and {@code smtpserver.xml} before James starts. The adapters' own
 * {@code init()} apply the same checks at startup.
 */
public final class ComponentCatalog {
    /** Our package: every class named under it must be in the catalog. */
    public static final String OUR_PACKAGE = "dev.jamestls.";
    public static final String DEFAULT_POLICY_FILE = "conf/tls-policy.xml";

    /** Where a component plugs into James. */
    public enum Kind {
        /** An SMTP hook in smtpserver.xml {@code <handlerchain>}. */
        HOOK("hook"),
        /** A matcher in mailetcontainer.xml {@code match="..."}. */
        MATCHER("matcher"),
        /** A mailet in mailetcontainer.xml {@code class="..."}. */
        MAILET("mailet");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Validates one configured value; throws {@link IllegalArgumentException} naming the value and the accepted forms. */
    @FunctionalInterface
    public interface ValueCheck {
        void check(String value);
    }

    /**
     * An init parameter.
     *
     * @param name the parameter (child element) name
     * @param defaultValue the value when absent, if optional
     * @param check the value's validator
     */
    public record Parameter(String name, Optional<String> defaultValue, ValueCheck check) {
        public Parameter {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(defaultValue, "defaultValue");
            Objects.requireNonNull(check, "check");
        }
    }

    /**
     * A component.
     *
     * @param className fully-qualified class name
     * @param kind hook, matcher or mailet
     * @param parameters accepted init parameters by name
     * @param condition the matcher condition's validator; empty = the matcher takes no condition
     */
    public record Component(String className, Kind kind, Map<String, Parameter> parameters, Optional<ValueCheck> condition) {
        public Component {
            Objects.requireNonNull(className, "className");
            Objects.requireNonNull(kind, "kind");
            parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
            Objects.requireNonNull(condition, "condition");
        }

        public String simpleName() {
            return className.substring(className.lastIndexOf('.') + 1);
        }

        /** Accepted parameter names, comma-separated, or "none". */
        public String acceptedParameters() {
            return parameters.isEmpty() ? "none" : String.join(", ", parameters.keySet());
        }
    }

    private final Map<String, Component> components;

    public ComponentCatalog(List<Component> components) {
        this.components = components.stream().collect(Collectors.toMap(Component::className, c -> c, (a, b) -> {
            throw new IllegalArgumentException("component listed twice: " + a.className());
        }, LinkedHashMap::new));
    }

    /** The components of this release. */
    public static ComponentCatalog builtIn() {
        return new ComponentCatalog(List.of(
            new Component("dev.jamestls.james.smtp.TlsFactsHook", Kind.HOOK, Map.of(), Optional.empty()),
            new Component("dev.jamestls.james.smtp.InboundTlsPolicyHook", Kind.HOOK,
                parameters(new Parameter("policyFile", Optional.of(DEFAULT_POLICY_FILE), ComponentCatalog::path),
                    new Parameter("trustAnchors", Optional.empty(), ComponentCatalog::path)), Optional.empty()),
            new Component("dev.jamestls.james.matchers.SentOverTls", Kind.MATCHER, Map.of(),
                Optional.of(ComponentCatalog::protocolCondition)),
            new Component("dev.jamestls.james.matchers.HasClientCertificate", Kind.MATCHER, Map.of(), Optional.empty()),
            new Component("dev.jamestls.james.matchers.InboundTlsPolicy", Kind.MATCHER, Map.of(),
                Optional.of(ComponentCatalog::verdictCondition)),
            new Component("dev.jamestls.james.matchers.FromPartner", Kind.MATCHER, Map.of(),
                Optional.of(Connector::requireValidName)),
            new Component("dev.jamestls.james.matchers.FromVerifiedPartner", Kind.MATCHER, Map.of(),
                Optional.of(Connector::requireValidName)),
            new Component("dev.jamestls.james.mailets.AddTlsHeader", Kind.MAILET, parameters(
                new Parameter("header", Optional.of("X-James-TLS"), ComponentCatalog::headerName),
                new Parameter("includeClientIdentity", Optional.of("false"), ComponentCatalog::strictBoolean)), Optional.empty()),
            new Component("dev.jamestls.james.mailets.EnforceInboundTlsPolicy", Kind.MAILET, parameters(
                new Parameter("policyFile", Optional.of(DEFAULT_POLICY_FILE), ComponentCatalog::path),
                new Parameter("trustAnchors", Optional.empty(), ComponentCatalog::path),
                new Parameter("violationProcessor", Optional.empty(), ComponentCatalog::processorName),
                new Parameter("violationRepository", Optional.of("file://var/mail/tls-violations/"), ComponentCatalog::path)),
                Optional.empty()),
            new Component("dev.jamestls.james.mailets.TlsRemoteDelivery", Kind.MAILET, parameters(
                new Parameter("policyFile", Optional.of(DEFAULT_POLICY_FILE), ComponentCatalog::path),
                new Parameter("trustAnchors", Optional.empty(), ComponentCatalog::path),
                new Parameter("outgoingQueue", Optional.of("outgoing-tls"), ComponentCatalog::processorName),
                new Parameter("delayTime", Optional.of("6 hours"), value -> RetrySchedule.parse(value, Integer.MAX_VALUE)),
                new Parameter("maxRetries", Optional.of("5"), value -> wholeNumber(value, 0)),
                new Parameter("bounceProcessor", Optional.empty(), ComponentCatalog::processorName),
                new Parameter("heloName", Optional.empty(), DomainName::parse),
                new Parameter("deliveryThreads", Optional.of("4"), value -> wholeNumber(value, 1)),
                new Parameter("connectionTimeout", Optional.of("60000"), value -> wholeNumber(value, 1)),
                new Parameter("timeout", Optional.of("180000"), value -> wholeNumber(value, 1)),
                new Parameter("connectionPoolSize", Optional.of("32"), value -> wholeNumber(value, 0)),
                new Parameter("connectionsPerDestination", Optional.of("4"), value -> wholeNumber(value, 1)),
                new Parameter("connectionIdleTimeout", Optional.of("30 seconds"), ConnectionReuse::parseDuration),
                new Parameter("clientCertificates", Optional.empty(), ComponentCatalog::path),
                new Parameter("clientPrivateKey", Optional.empty(), ComponentCatalog::path),
                new Parameter("clientKeystore", Optional.empty(), ComponentCatalog::path),
                new Parameter("clientKeystoreType", Optional.of("PKCS12"), ComponentCatalog::keystoreType),
                new Parameter("clientSecret", Optional.empty(), value -> { })),
                Optional.empty())));
    }

    public Optional<Component> find(String className) {
        return Optional.ofNullable(components.get(className));
    }

    public List<Component> components() {
        return List.copyOf(components.values());
    }

    /** Our class names of {@code kind}, for "accepted:" lists. */
    public String namesOf(Kind kind) {
        return components.values().stream().filter(c -> c.kind() == kind).map(Component::className).collect(Collectors.joining(", "));
    }

    private static Map<String, Parameter> parameters(Parameter... parameters) {
        Map<String, Parameter> map = new LinkedHashMap<>();
        Arrays.stream(parameters).forEach(p -> map.put(p.name(), p));
        return map;
    }

    /** Empty (any TLS) or a JSSE protocol name used as a minimum (any known version may be matched on). */
    static void protocolCondition(String value) {
        if (value.isEmpty()) {
            return;
        }
        if (TlsProtocol.fromJsseName(value).isEmpty()) {
            throw new IllegalArgumentException("unknown TLS protocol '" + value + "'; accepted: empty (any TLS) or " + TlsProtocol.acceptedNames());
        }
    }

    static void verdictCondition(String value) {
        if (!value.equals("violation") && !value.equals("compliant")) {
            throw new IllegalArgumentException("unknown verdict '" + value + "'; accepted: violation, compliant");
        }
    }

    /** RFC 5322 §3.6.8: field-name = 1*ftext, printable US-ASCII except colon. */
    static void headerName(String value) {
        if (!value.matches("[!-9;-~]+")) {
            throw new IllegalArgumentException("not a header field name '" + value
                + "'; accepted: printable US-ASCII without spaces or ':' (RFC 5322 §3.6.8), e.g. X-James-TLS");
        }
    }

    static void strictBoolean(String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("not a boolean '" + value + "'; accepted: true, false");
        }
    }

    static void path(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("empty path; accepted: a file path relative to James's working directory, e.g. " + DEFAULT_POLICY_FILE);
        }
    }

    static void keystoreType(String value) {
        if (!value.equals("PKCS12") && !value.equals("JKS")) {
            throw new IllegalArgumentException("unknown key store type '" + value + "'; accepted: PKCS12, JKS");
        }
    }

    static void wholeNumber(String value, int minimum) {
        try {
            if (Integer.parseInt(value.trim()) >= minimum) {
                return;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("not a whole number >= " + minimum + ": '" + value + "'");
    }

    static void processorName(String value) {
        if (!value.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("not a processor name '" + value + "'; accepted: letters, digits, '.', '_', '-'");
        }
    }
}
