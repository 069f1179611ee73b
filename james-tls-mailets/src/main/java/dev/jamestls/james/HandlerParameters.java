package dev.jamestls.james;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * Strict reading of an SMTP handler's configuration ({@code <handler class="…"><name>value</name></handler>}):
 * unknown child elements are errors naming the handler and the accepted names.
 */
public final class HandlerParameters {
    private final String component;
    private final Configuration configuration;

    private HandlerParameters(String component, Configuration configuration) {
        this.component = component;
        this.configuration = configuration;
    }

    public static HandlerParameters of(String component, Configuration configuration, Set<String> accepted)
        throws ConfigurationException {
        List<String> unknown = new ArrayList<>();
        Iterator<String> keys = configuration.getKeys();
        while (keys.hasNext()) {
            String key = keys.next();
            // Attributes of the <handler> element itself ([@class]) belong to James.
            if (!key.startsWith("[@") && !accepted.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigurationException(component + ": unknown parameter" + (unknown.size() > 1 ? "s " : " ")
                + String.join(", ", unknown) + "; accepted: " + String.join(", ", new TreeSet<>(accepted)));
        }
        return new HandlerParameters(component, configuration);
    }

    public Optional<String> string(String name) {
        return Optional.ofNullable(configuration.getString(name, null)).map(String::trim).filter(v -> !v.isEmpty());
    }

    public ConfigurationException invalid(String name, String value, String problem) {
        return new ConfigurationException(component + ": invalid " + name + " '" + value + "': " + problem);
    }
}
