package dev.jamestls.admin;

import java.time.Duration;
import java.util.Objects;

/**
 * One step of an SMTP probe, reported as it finishes.
 *
 * @param name connect, greeting, EHLO, STARTTLS, handshake, EHLO (TLS), QUIT
 * @param ok whether the step succeeded
 * @param detail what the server said or what failed
 * @param elapsed how long the step took
 */
public record ProbeStep(String name, boolean ok, String detail, Duration elapsed) {
    public ProbeStep {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
