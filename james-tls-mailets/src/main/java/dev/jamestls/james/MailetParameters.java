package dev.jamestls.james;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.mail.MessagingException;

/**
 * Strict reading of a mailet's init parameters: unknown names are errors,
 * values are parsed exactly, and every message names the component, the
 * parameter, the bad value and the accepted forms (James wraps init errors
 * twice, so the message must stand on its own).
 */
public final class MailetParameters {
    private final String component;
    private final Function<String, String> lookup;

    private MailetParameters(String component, Function<String, String> lookup) {
        this.component = component;
        this.lookup = lookup;
    }

    /**
     * @param component e.g. {@code "mailet AddTlsHeader"}
     * @param names the parameter names the configuration holds
     * @param lookup reads one parameter's value
     * @param accepted the names this component understands
     */
    public static MailetParameters of(String component, Iterable<String> names, Function<String, String> lookup,
                                      Set<String> accepted) throws MessagingException {
        List<String> unknown = new ArrayList<>();
        names.forEach(name -> {
            if (!accepted.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            throw new MessagingException(component + ": unknown parameter" + (unknown.size() > 1 ? "s " : " ")
                + String.join(", ", unknown) + "; accepted: " + String.join(", ", new TreeSet<>(accepted)));
        }
        return new MailetParameters(component, lookup);
    }

    public static List<String> names(java.util.Iterator<String> iterator) {
        List<String> result = new ArrayList<>();
        iterator.forEachRemaining(result::add);
        return Collections.unmodifiableList(result);
    }

    public Optional<String> string(String name) {
        return Optional.ofNullable(lookup.apply(name)).map(String::trim);
    }

    /** {@code true} or {@code false}, nothing else (no "yes", no substring matching). */
    public boolean bool(String name, boolean defaultValue) throws MessagingException {
        Optional<String> value = string(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(name, value.get(), "true, false");
        };
    }

    /** A parameter parsed by {@code parser}, whose exception message explains the accepted forms. */
    public <T> T parsed(String name, Function<String, T> parser, Supplier<T> defaultValue) throws MessagingException {
        Optional<String> value = string(name);
        if (value.isEmpty()) {
            return defaultValue.get();
        }
        try {
            return parser.apply(value.get());
        } catch (IllegalArgumentException e) {
            throw new MessagingException(component + ": invalid " + name + " '" + value.get() + "': " + e.getMessage(), e);
        }
    }

    public MessagingException invalid(String name, String value, String accepted) {
        return new MessagingException(component + ": invalid " + name + " '" + value + "'; accepted: " + accepted);
    }
}
