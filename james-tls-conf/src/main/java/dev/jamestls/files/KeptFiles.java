package dev.jamestls.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading back a file we keep: losing what it held never stops mail. No file is nothing kept; a file that cannot be
 * read is logged; a file that does not parse is set aside as {@code <name>.corrupt} (for a look, and so the next write
 * starts afresh), with a warning. Each case gives the caller's empty value.
 */
public final class KeptFiles {
    private static final Logger LOG = LoggerFactory.getLogger(KeptFiles.class);

    private KeptFiles() {
    }

    /** Reads a kept file's text into a value; any exception means the text is not such a file. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(String text) throws Exception;
    }

    /**
     * What {@code file} holds, read by {@code reader}, or {@code empty}.
     *
     * @param what names the file in log lines ("TLS ledger", "TLS report counters")
     */
    public static <T> T readOrSetAside(Path file, String what, T empty, Reader<T> reader) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return empty;
        } catch (IOException e) {
            LOG.warn("{}: cannot read {} ({}); starting empty", what, file, e.toString());
            return empty;
        }
        try {
            return reader.read(text);
        } catch (Exception e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
            LOG.warn("{}: {} does not read back ({}); set aside as {}, starting empty", what, file, e.getMessage(), aside);
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                LOG.warn("{}: cannot set {} aside: {}", what, file, moveFailed.toString());
            }
            return empty;
        }
    }
}
