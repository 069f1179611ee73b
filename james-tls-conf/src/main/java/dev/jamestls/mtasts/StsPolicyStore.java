package dev.jamestls.mtasts;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.files.AtomicFiles;
import dev.jamestls.policy.DomainName;

/**
 * The MTA-STS policies kept across restarts (RFC 8461 §5.1: a cached policy is used until it expires), in one
 * properties file: {@code format=1}, then one line per domain,
 * {@code policy.<domain>=<id> <mode> <max_age seconds> <fetched at, ISO-8601> <mx,mx,...>}.
 * Written whole to a temporary file in the same directory, then moved over the old one, so a crash leaves the
 * old file or the new one. A file that cannot be read (corrupted, another format) gives an empty cache with a
 * warning; an entry that cannot be read is skipped with a warning.
 */
public final class StsPolicyStore {
    /** The file's name in the directory the caller gives. */
    public static final String FILE_NAME = "mta-sts-policies.properties";
    private static final Logger LOGGER = LoggerFactory.getLogger(StsPolicyStore.class);
    private static final String FORMAT_KEY = "format";
    private static final String FORMAT = "1";
    private static final String PREFIX = "policy.";

    private final Path file;

    /**
     * @param directory where the file lives; created when missing
     * @throws IllegalArgumentException naming the directory when it cannot be created
     */
    public StsPolicyStore(Path directory) {
        Objects.requireNonNull(directory, "directory");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IllegalArgumentException("MTA-STS cache directory " + directory + " cannot be created: " + e, e);
        }
        this.file = directory.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /** The stored policies by domain, oldest fetch first; empty (with a warning) when the file is unreadable. */
    public Map<DomainName, StsPolicy> load() {
        java.util.Properties properties = new java.util.Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | IllegalArgumentException e) {
            LOGGER.warn("MTA-STS cache file {} cannot be read, starting with an empty cache: {}", file, e.toString());
            return Map.of();
        }
        if (!FORMAT.equals(properties.getProperty(FORMAT_KEY))) {
            LOGGER.warn("MTA-STS cache file {} is not in format {} (format={}), starting with an empty cache",
                file, FORMAT, properties.getProperty(FORMAT_KEY));
            return Map.of();
        }
        List<Map.Entry<DomainName, StsPolicy>> entries = new ArrayList<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.equals(FORMAT_KEY)) {
                continue;
            }
            String value = properties.getProperty(key);
            try {
                if (!key.startsWith(PREFIX)) {
                    throw new IllegalArgumentException("unknown key");
                }
                entries.add(Map.entry(DomainName.parse(key.substring(PREFIX.length())), decode(value)));
            } catch (RuntimeException e) {
                LOGGER.warn("MTA-STS cache file {}: entry '{}' skipped ({}); accepted: {}<domain>=<id> <mode> <max_age> <fetched-at> <mx,...>",
                    file, key, e.getMessage(), PREFIX);
            }
        }
        entries.sort(Comparator.comparing(entry -> entry.getValue().fetchedAt()));
        Map<DomainName, StsPolicy> policies = new LinkedHashMap<>();
        entries.forEach(entry -> policies.put(entry.getKey(), entry.getValue()));
        return policies;
    }

    /** Replaces the file's content with {@code policies}; a failure is logged, the cache goes on in memory. */
    public void save(Map<DomainName, StsPolicy> policies) {
        StringBuilder text = new StringBuilder(FORMAT_KEY + "=" + FORMAT + "\n");
        for (Map.Entry<DomainName, StsPolicy> entry : policies.entrySet()) {
            text.append(PREFIX).append(entry.getKey().ascii()).append('=').append(encode(entry.getValue())).append('\n');
        }
        try {
            AtomicFiles.writeString(file, text.toString());
        } catch (IOException e) {
            LOGGER.warn("MTA-STS cache file {} cannot be written, policies stay cached in memory only: {}", file, e.toString());
        }
    }

    /** Every part is from a validated policy: letters, digits, '.', '-', '*', ':', ',' only; no escaping needed. */
    private static String encode(StsPolicy policy) {
        return policy.id() + " " + policy.mode().spelling() + " " + policy.maxAge().toSeconds() + " " + policy.fetchedAt()
            + " " + String.join(",", policy.mx());
    }

    private static StsPolicy decode(String value) {
        String[] parts = value.split(" ", -1);
        if (parts.length != 5) {
            throw new IllegalArgumentException("expected 5 parts separated by spaces, found " + parts.length);
        }
        List<String> mx = parts[4].isEmpty() ? List.of() : Arrays.asList(parts[4].split(",", -1));
        for (String pattern : mx) {
            StsPolicyParser.mxProblem(pattern).ifPresent(problem -> {
                throw new IllegalArgumentException("mx '" + pattern + "': " + problem);
            });
        }
        String id = new StsTxtRecord(parts[0]).id();
        return new StsPolicy(StsMode.parse(parts[1]), mx, Duration.ofSeconds(Long.parseLong(parts[2])), id, Instant.parse(parts[3]));
    }
}
