package dev.jamestls.james.outbound;

import java.time.Clock;
import java.time.Duration;

import javax.inject.Inject;

/**
 * The time {@code TlsRemoteDelivery} runs on, and how often its background work (writing the TLS report counters,
 * sending the reports of finished days) runs. Production uses this class as is (Guice creates it just in time): the
 * system's UTC clock, every minute. Test-only seam: integration tests bind a subclass with a clock they move, so a UTC
 * day can end without waiting for it; it is not an admin-facing parameter.
 */
public class DeliveryClock {
    /** How often the background work runs in production. */
    public static final Duration BACKGROUND_INTERVAL = Duration.ofMinutes(1);

    @Inject
    public DeliveryClock() {
    }

    public Clock clock() {
        return Clock.systemUTC();
    }

    public Duration backgroundInterval() {
        return BACKGROUND_INTERVAL;
    }
}
