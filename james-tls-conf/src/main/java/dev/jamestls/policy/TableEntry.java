package dev.jamestls.policy;

import java.util.Objects;

/**
 * One line of a domain table.
 *
 * @param key the key as written ({@code partner.example}, {@code .partner.example}, {@code [mx.partner.example]:25})
 * @param mode the table's mode
 * @param requirement what delivery must achieve
 * @param table the table's name (its file name), shared by all entries
 * @param line the line of the entry in the table, 0 when not read from a text file
 */
public record TableEntry(String key, Mode mode, OutboundRequirement requirement, String table, int line) {
    public TableEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(requirement, "requirement");
        Objects.requireNonNull(table, "table");
    }

    /** Where the entry was read: {@code table:line}, or the table name alone. */
    public String source() {
        return line > 0 ? table + ":" + line : table;
    }
}
