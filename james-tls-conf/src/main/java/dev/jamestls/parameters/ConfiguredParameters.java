package dev.jamestls.parameters;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The configured init parameters of one component, read strictly with its {@link ParameterSpec}s: unknown
 * names are errors, values are parsed exactly, and every message names the component, the parameter, the
 * bad value and the accepted forms (James wraps init errors twice, so the message must stand on its own).
 * The James adapters turn its {@link IllegalArgumentException}s into their host's exception.
 */
public final class ConfiguredParameters {
    private final String component;
    private final Function<String, String> lookup;

    private ConfiguredParameters(String component, Function<String, String> lookup) {
        this.component = component;
        this.lookup = lookup;
    }

    /**
     * @param component e.g. {@code "mailet AddTlsHeader"}
     * @param names the parameter names the configuration holds
     * @param lookup reads one parameter's value, null when absent
     * @param accepted the component's parameters
     * @throws IllegalArgumentException naming the unknown parameters and the accepted ones
     */
    public static ConfiguredParameters of(String component, Iterator<String> names, Function<String, String> lookup,
                                          List<ParameterSpec<?>> accepted) {
        TreeSet<String> known = new TreeSet<>();
        accepted.forEach(spec -> known.add(spec.name()));
        List<String> unknown = new ArrayList<>();
        names.forEachRemaining(name -> {
            if (!known.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(component + ": unknown parameter" + (unknown.size() > 1 ? "s " : " ")
                + String.join(", ", unknown) + "; accepted: " + (known.isEmpty() ? "none" : String.join(", ", known)));
        }
        return new ConfiguredParameters(component, lookup);
    }

    /** The configured text, trimmed; empty when the parameter is absent. */
    public Optional<String> text(ParameterSpec<?> spec) {
        return Optional.ofNullable(lookup.apply(spec.name())).map(String::trim);
    }

    /** Whether the parameter is configured (an empty element of a parameter that is unset when blank is not). */
    public boolean isSet(ParameterSpec<?> spec) {
        return spec.isSet(text(spec));
    }

    /**
     * The configured value, else the default; empty for an absent parameter without a default.
     *
     * @throws IllegalArgumentException {@code <component>: invalid <name> '<value>': ...; accepted: ...}
     */
    public <T> Optional<T> optional(ParameterSpec<T> spec) {
        try {
            return spec.resolve(text(spec));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(component + ": " + e.getMessage(), e);
        }
    }

    /** The configured value, else the default, of a parameter that has one. */
    public <T> T value(ParameterSpec<T> spec) {
        return optional(spec).orElseThrow(() -> new IllegalStateException(spec.name() + " has no default"));
    }

    /** A value the spec accepts but the component cannot use (a file that does not exist, ...). */
    public IllegalArgumentException invalid(ParameterSpec<?> spec, String value, String detail) {
        return new IllegalArgumentException(component + ": " + spec.problem(value, detail));
    }

    /** A refusal that is not about one value's form, e.g. two parameters that exclude each other. */
    public IllegalArgumentException invalid(String name, String value, String accepted) {
        return refusal(component, name, value, accepted);
    }

    /** {@code <component>: invalid <name> '<value>'; accepted: <accepted>}, for what a component finds when it opens files. */
    public static IllegalArgumentException refusal(String component, String name, String value, String accepted) {
        return new IllegalArgumentException(component + ": invalid " + name + " '" + value + "'; accepted: " + accepted);
    }

    public String component() {
        return component;
    }
}
