package dev.jamestls.tlsrpt;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.tls.Spelled;

/**
 * One report we send: the counts of one policy domain on one finished UTC day, made once and kept until every
 * destination took it or was given up (RFC 8460 §4.1 daily reports, §5 delivery).
 *
 * @param domain the policy domain
 * @param day the UTC day the report covers
 * @param reportId its {@code report-id}
 * @param json the report as sent
 * @param created when it was made; retries are bounded from here
 * @param phase where it is
 * @param lookups how many times {@code _smtp._tls.<domain>} was asked
 * @param next when the next lookup is due ({@link Phase#LOOKING_UP})
 * @param detail what the last lookup found, when no destination came of it
 * @param deliveries one per published {@code rua} destination, in published order
 */
public record OutgoingReport(String domain, LocalDate day, String reportId, String json, Instant created, Phase phase,
                             int lookups, Instant next, String detail, List<Delivery> deliveries) {
    public OutgoingReport {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(detail, "detail");
        deliveries = List.copyOf(deliveries);
        if (lookups < 0) {
            throw new IllegalArgumentException("lookups must not be negative: " + lookups);
        }
    }

    /** Where a report is. */
    public enum Phase implements Spelled {
        /** The domain's reporting policy is still to be found. */
        LOOKING_UP,
        /** Sent, or being sent, to the destinations its policy lists. */
        DELIVERING,
        /** The domain publishes no usable reporting policy: nothing is sent. */
        NO_POLICY,
        /** The lookup kept failing for the whole retry period. */
        GAVE_UP;

        @Override
        public String toString() {
            return spelling();
        }
    }

    /** Where the report is for one destination. */
    public enum State implements Spelled {
        PENDING,
        SENT,
        GAVE_UP;

        @Override
        public String toString() {
            return spelling();
        }
    }

    /**
     * The report's way to one {@code rua} destination.
     *
     * @param uri the destination as published
     * @param state where it is
     * @param attempts how many times it was tried
     * @param next when the next attempt is due ({@link State#PENDING})
     * @param last when it was last tried
     * @param detail what the last attempt said
     */
    public record Delivery(String uri, State state, int attempts, Instant next, Optional<Instant> last, String detail) {
        public Delivery {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(last, "last");
            Objects.requireNonNull(detail, "detail");
            if (attempts < 0) {
                throw new IllegalArgumentException("attempts must not be negative: " + attempts);
            }
        }

        /** Not tried yet, due at {@code at}. */
        public static Delivery pending(String uri, Instant at) {
            return new Delivery(uri, State.PENDING, 0, at, Optional.empty(), "");
        }
    }

    /** A report just made: its policy to be looked up now. */
    public static OutgoingReport made(String domain, LocalDate day, String reportId, String json, Instant now) {
        return new OutgoingReport(domain, day, reportId, json, now, Phase.LOOKING_UP, 0, now, "", List.of());
    }

    /** Whether nothing is left to do: no policy, given up, or every destination sent or given up. */
    public boolean finished() {
        return switch (phase) {
            case LOOKING_UP -> false;
            case NO_POLICY, GAVE_UP -> true;
            case DELIVERING -> deliveries.stream().noneMatch(delivery -> delivery.state() == State.PENDING);
        };
    }

    OutgoingReport lookedUp(Phase phase, Instant next, String detail, List<Delivery> deliveries) {
        return new OutgoingReport(domain, day, reportId, json, created, phase, lookups + 1, next, detail, deliveries);
    }

    OutgoingReport withDelivery(int index, Delivery delivery) {
        List<Delivery> updated = new ArrayList<>(deliveries);
        updated.set(index, delivery);
        return new OutgoingReport(domain, day, reportId, json, created, phase, lookups, next, detail, updated);
    }
}
