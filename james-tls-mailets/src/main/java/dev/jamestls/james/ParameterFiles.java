package dev.jamestls.james;

import java.io.FileNotFoundException;
import java.nio.file.Path;

import org.apache.james.filesystem.api.FileSystem;

import dev.jamestls.wiring.ConfiguredParameters;

/** File locations of init parameters ({@code file://conf/...}) resolved by James's {@link FileSystem}. */
public final class ParameterFiles {
    private ParameterFiles() {
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
