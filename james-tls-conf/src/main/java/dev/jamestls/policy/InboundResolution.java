package dev.jamestls.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The inbound rule that applies to a sender domain, and how it was chosen.
 *
 * @param senderDomain the sender domain; empty for the null reverse-path ({@code MAIL FROM:<>})
 * @param kind connector or defaults (domain tables are outbound only)
 * @param rule the connector name, or {@code defaults}
 * @param mode the rule's mode
 * @param requirement what the mail must show
 * @param connector the connector, when one applies
 * @param trail every rule considered, the applied one last
 */
public record InboundResolution(
    Optional<DomainName> senderDomain,
    RuleKind kind,
    String rule,
    Mode mode,
    InboundRequirement requirement,
    Optional<Connector> connector,
    List<TrailStep> trail) {

    public InboundResolution {
        Objects.requireNonNull(senderDomain, "senderDomain");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(requirement, "requirement");
        Objects.requireNonNull(connector, "connector");
        trail = List.copyOf(trail);
    }

    /** The sender domain for display, {@code <>} for the null sender. */
    public String senderLabel() {
        return senderDomain.map(DomainName::ascii).orElse("<>");
    }
}
