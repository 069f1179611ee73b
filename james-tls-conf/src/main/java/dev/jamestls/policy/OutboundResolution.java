package dev.jamestls.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outbound rule that applies to a recipient domain, and how it was chosen.
 *
 * @param recipientDomain the recipient domain
 * @param kind connector, domain table or defaults
 * @param rule the connector name, {@code table:line key}, or {@code defaults}
 * @param mode the rule's mode
 * @param requirement what delivery must achieve
 * @param connector the connector, when one applies
 * @param tableEntry the table entry, when one applies
 * @param trail every rule considered, the applied one last
 */
public record OutboundResolution(
    DomainName recipientDomain,
    RuleKind kind,
    String rule,
    Mode mode,
    OutboundRequirement requirement,
    Optional<Connector> connector,
    Optional<TableEntry> tableEntry,
    List<TrailStep> trail) {

    public OutboundResolution {
        Objects.requireNonNull(recipientDomain, "recipientDomain");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(requirement, "requirement");
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(tableEntry, "tableEntry");
        trail = List.copyOf(trail);
    }
}
