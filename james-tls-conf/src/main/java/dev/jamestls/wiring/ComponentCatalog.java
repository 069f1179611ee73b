package dev.jamestls.wiring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.jamestls.parameters.DeliveryParameters;
import dev.jamestls.parameters.HeaderParameters;
import dev.jamestls.parameters.InboundParameters;
import dev.jamestls.parameters.MatcherConditions;
import dev.jamestls.parameters.ParameterSpec;
import dev.jamestls.parameters.ReportParameters;

/**
 * Every James component we ship, with its kind, accepted init parameters and
 * matcher condition, so {@code check} can validate {@code mailetcontainer.xml}
 * and {@code smtpserver.xml} before James starts. The adapters' own
 * {@code init()} read their parameters with the same {@link ParameterSpec}s.
 */
public final class ComponentCatalog {
    /** Our package: every class named under it must be in the catalog. */
    public static final String OUR_PACKAGE = "dev.jamestls.";

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

    /**
     * A component.
     *
     * @param className fully-qualified class name
     * @param kind hook, matcher or mailet
     * @param parameters accepted init parameters by name, the very specifications the component reads them with
     * @param condition the matcher condition's specification; empty = the matcher takes no condition
     */
    public record Component(String className, Kind kind, Map<String, ParameterSpec<?>> parameters,
                            Optional<ParameterSpec<?>> condition) {
        public Component {
            Objects.requireNonNull(className, "className");
            Objects.requireNonNull(kind, "kind");
            parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
            Objects.requireNonNull(condition, "condition");
        }

        Component(String className, Kind kind, List<ParameterSpec<?>> parameters, Optional<ParameterSpec<?>> condition) {
            this(className, kind, byName(parameters), condition);
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
            new Component("dev.jamestls.james.smtp.TlsFactsHook", Kind.HOOK, List.of(), Optional.empty()),
            new Component("dev.jamestls.james.smtp.InboundTlsPolicyHook", Kind.HOOK, InboundParameters.HOOK, Optional.empty()),
            new Component("dev.jamestls.james.smtp.RequireTlsHook", Kind.HOOK, List.of(), Optional.empty()),
            new Component("dev.jamestls.james.matchers.SentOverTls", Kind.MATCHER, List.of(),
                Optional.of(MatcherConditions.MINIMUM_PROTOCOL)),
            new Component("dev.jamestls.james.matchers.HasClientCertificate", Kind.MATCHER, List.of(), Optional.empty()),
            new Component("dev.jamestls.james.matchers.InboundTlsPolicy", Kind.MATCHER, List.of(), Optional.of(MatcherConditions.VERDICT)),
            new Component("dev.jamestls.james.matchers.FromPartner", Kind.MATCHER, List.of(), Optional.of(MatcherConditions.CONNECTOR)),
            new Component("dev.jamestls.james.matchers.FromVerifiedPartner", Kind.MATCHER, List.of(),
                Optional.of(MatcherConditions.CONNECTOR)),
            new Component("dev.jamestls.james.mailets.AddTlsHeader", Kind.MAILET, HeaderParameters.ALL, Optional.empty()),
            new Component("dev.jamestls.james.mailets.EnforceInboundTlsPolicy", Kind.MAILET, InboundParameters.MAILET, Optional.empty()),
            new Component("dev.jamestls.james.mailets.TlsRemoteDelivery", Kind.MAILET, DeliveryParameters.ALL, Optional.empty()),
            new Component("dev.jamestls.james.mailets.ReceiveTlsReports", Kind.MAILET, ReportParameters.ALL, Optional.empty())));
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

    private static Map<String, ParameterSpec<?>> byName(List<ParameterSpec<?>> parameters) {
        Map<String, ParameterSpec<?>> map = new LinkedHashMap<>();
        parameters.forEach(p -> {
            if (map.put(p.name(), p) != null) {
                throw new IllegalArgumentException("parameter listed twice: " + p.name());
            }
        });
        return map;
    }
}
