package dev.jamestls.james;

import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;

import org.apache.james.filesystem.api.FileSystem;

import dev.jamestls.parameters.ConfiguredParameters;
import dev.jamestls.parameters.ParameterSpec;


/**
 * Init parameters as James hands them over, read with our {@link dev.jamestls.parameters.ParameterSpec}s: a hook's
 * {@code <handler>} children, and file locations ({@code file://conf/...}) resolved by James's {@link FileSystem}.
 */
public final class JamesParameters {
    private JamesParameters() {
    }

    /**
     * The parameters of a hook: the child elements of its {@code <handler class="...">}.
     *
     * @throws IllegalArgumentException naming unknown parameters and the accepted ones
     */
    public static ConfiguredParameters ofHandler(String component, Configuration configuration, List<ParameterSpec<?>> accepted) {
        List<String> names = new ArrayList<>();
        configuration.getKeys().forEachRemaining(key -> {
            // Attributes of the <handler> element itself ([@class]) belong to James.
            if (!key.startsWith("[@")) {
                names.add(key);
            }
        });
        return ConfiguredParameters.of(component, names.iterator(), name -> configuration.getString(name, null), accepted);
    }

    /**
     * {@link #ofHandler} as a hook's {@code init} reports it: the same message, as the exception James expects.
     *
     * @throws ConfigurationException naming unknown parameters and the accepted ones
     */
    public static ConfiguredParameters ofHook(String component, Configuration configuration, List<ParameterSpec<?>> accepted)
        throws ConfigurationException {
        try {
            return ofHandler(component, configuration, accepted);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    /**
     * @throws IllegalArgumentException {@code <component>: invalid <parameter> '<location>'; accepted: an existing file (...)}
     */
    public static Path resolve(FileSystem fileSystem, String component, String parameter, String location) {
        try {
            return fileSystem.getFile(location).toPath();
        } catch (FileNotFoundException e) {
            throw ConfiguredParameters.refusal(component, parameter, location, "an existing file (" + e.getMessage() + ")");
        }
    }
}
