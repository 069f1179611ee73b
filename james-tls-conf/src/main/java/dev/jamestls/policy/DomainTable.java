package dev.jamestls.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Outbound levels keyed by destination, with Postfix {@code smtp_tls_policy_maps}
 * key semantics: {@code domain} matches that domain only, {@code .domain} matches
 * every name below it (any depth). Postfix's next-hop keys ({@code [host]:port})
 * are not taken: we look destinations up by recipient domain only. Lookups are
 * hash lookups over the domain and its parents, never a scan.
 */
public final class DomainTable {
    private final String name;
    private final Map<String, TableEntry> exact;
    private final Map<String, TableEntry> subdomains;

    private DomainTable(Builder builder) {
        this.name = builder.name;
        this.exact = Map.copyOf(builder.exact);
        this.subdomains = Map.copyOf(builder.subdomains);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The table's name (its file name), used in explanations. */
    public String name() {
        return name;
    }

    public int size() {
        return exact.size() + subdomains.size();
    }

    /** The entry keyed exactly by {@code domain}. */
    public Optional<TableEntry> exact(DomainName domain) {
        return Optional.ofNullable(exact.get(domain.ascii()));
    }

    /** The entry keyed {@code .parent}, which covers every name below {@code parent}. */
    public Optional<TableEntry> subdomainsOf(String parentAscii) {
        return Optional.ofNullable(subdomains.get(parentAscii));
    }

    /** The most specific entry for {@code domain}: exact, then {@code .parent} from the nearest parent up. */
    /** Every entry, exact keys first. */
    public Stream<TableEntry> entries() {
        return Stream.concat(exact.values().stream(), subdomains.values().stream());
    }

    public Optional<TableEntry> lookup(DomainName domain) {
        TableEntry entry = exact.get(domain.ascii());
        if (entry != null) {
            return Optional.of(entry);
        }
        String ascii = domain.ascii();
        for (int dot = ascii.indexOf('.'); dot >= 0; dot = ascii.indexOf('.', dot + 1)) {
            entry = subdomains.get(ascii.substring(dot + 1));
            if (entry != null) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "domain table " + name + " (" + size() + " entries)";
    }

    /** Collects entries; a key may appear once. */
    public static final class Builder {
        private final String name;
        private final Map<String, TableEntry> exact = new HashMap<>();
        private final Map<String, TableEntry> subdomains = new HashMap<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** The table's name; entries share this string. */
        public String name() {
            return name;
        }

        /** Adds an exact-domain entry; returns the entry already holding the key, if any (then nothing is added). */
        public Optional<TableEntry> addExact(DomainName domain, TableEntry entry) {
            return Optional.ofNullable(exact.putIfAbsent(domain.ascii(), entry));
        }

        /** Adds a {@code .parent} entry; returns the entry already holding the key, if any. */
        public Optional<TableEntry> addSubdomains(DomainName parent, TableEntry entry) {
            return Optional.ofNullable(subdomains.putIfAbsent(parent.ascii(), entry));
        }

        public DomainTable build() {
            return new DomainTable(this);
        }
    }
}
