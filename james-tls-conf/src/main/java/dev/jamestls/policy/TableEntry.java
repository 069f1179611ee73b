package dev.jamestls.policy;

import java.util.Objects;

/**
 * One line of a domain table.
 *
 * @param key the key as written ({@code partner.example}, {@code .partner.example}, {@code [mx.partner.example]:25})
 * @param mode the table's mode
 * @param requirement what delivery must achieve
 * @param source where it was read, {@code file:line}
 */
public record TableEntry(String key, Mode mode, OutboundRequirement requirement, String source) {
    public TableEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(requirement, "requirement");
        Objects.requireNonNull(source, "source");
    }
}
