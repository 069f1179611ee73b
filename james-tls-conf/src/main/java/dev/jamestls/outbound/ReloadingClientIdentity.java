package dev.jamestls.outbound;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.tls.ClientIdentity;

/**
 * The delivery's default client identity, read again when its files change. A change is a change of
 * content: at most once per {@code interval}, on the delivering thread, the files are read and their
 * SHA-256 compared with the one loaded; modification times are not trusted. A change that does not
 * load (half-written file, key and certificate out of step) keeps the previous identity and is logged
 * once per content.
 */
public final class ReloadingClientIdentity {
    private static final Logger LOGGER = LoggerFactory.getLogger("dev.jamestls.outbound");

    private record Loaded(String filesDigest, ClientIdentity identity) {
    }

    private final List<Path> files;
    private final Supplier<ClientIdentity> loader;
    private final Clock clock;
    private final Duration interval;
    private volatile Loaded loaded;
    private volatile Instant checked;
    private volatile String rejected = "";

    /**
     * Loads the identity now.
     *
     * @param files the files the loader reads (key, chain or key store)
     * @param loader reads them; throws {@link IllegalArgumentException} naming the file and the problem
     * @throws IllegalArgumentException from the loader: a broken identity stops the delivery from starting
     */
    public ReloadingClientIdentity(List<Path> files, Supplier<ClientIdentity> loader, Clock clock, Duration interval) {
        this.files = List.copyOf(files);
        this.loader = Objects.requireNonNull(loader, "loader");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.interval = Objects.requireNonNull(interval, "interval");
        ClientIdentity first = loader.get();
        this.loaded = new Loaded(filesDigest().orElse(""), first);
        this.checked = clock.instant();
    }

    /** The identity in force, after a reload when the files changed since the last check. */
    public ClientIdentity current() {
        Instant now = clock.instant();
        if (now.isBefore(checked.plus(interval))) {
            return loaded.identity();
        }
        synchronized (this) {
            if (!now.isBefore(checked.plus(interval))) {
                checked = now;
                reloadIfChanged();
            }
        }
        return loaded.identity();
    }

    /** Checks the files once; returns whether a new identity is now in force. */
    public synchronized boolean reloadIfChanged() {
        Optional<String> digest = filesDigest();
        if (digest.isEmpty() || digest.get().equals(loaded.filesDigest()) || digest.get().equals(rejected)) {
            return false;
        }
        try {
            ClientIdentity identity = loader.get();
            loaded = new Loaded(digest.get(), identity);
            rejected = "";
            LOGGER.info("outbound-tls client identity reloaded: {}", identity.describe());
            return true;
        } catch (IllegalArgumentException e) {
            rejected = digest.get();
            LOGGER.error("outbound-tls client identity files {} changed but do not load; the previous identity stays in force: {}",
                files, e.getMessage());
            return false;
        }
    }

    private Optional<String> filesDigest() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                digest.update(Files.readAllBytes(file));
                digest.update((byte) 0);
            }
            return Optional.of(HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }
}
