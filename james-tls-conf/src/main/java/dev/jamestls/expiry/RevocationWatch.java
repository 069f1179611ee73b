package dev.jamestls.expiry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.revocation.EndpointResult;

/**
 * The revocation status of our own certificates, as their CRL distribution points and OCSP responders last
 * answered, and what changed since the check before. A problem is told once when it appears or changes (an
 * endpoint that stops answering, a certificate revoked), and once when every endpoint answers well again; a
 * problem that stays is not told at every check. Keyed by the certificate's SHA-256, like the expiry watch: a
 * renewed certificate starts afresh. Thread-safe.
 */
public final class RevocationWatch {
    /** What the endpoints of {@code certificate} answered at one check ({@link dev.jamestls.revocation.RevocationEndpoints}). */
    public record Checked(WatchedCertificate certificate, List<EndpointResult> results) {
        public Checked {
            Objects.requireNonNull(certificate, "certificate");
            results = List.copyOf(results);
        }
    }

    /**
     * A change worth a log line.
     *
     * @param certificate the certificate
     * @param health its health now
     * @param problems the endpoints that gave no good answer, empty when the certificate has recovered
     */
    public record Notice(WatchedCertificate certificate, RevocationHealth health, List<EndpointResult> problems) {
        public Notice {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(health, "health");
            problems = List.copyOf(problems);
        }

        public boolean recovered() {
            return problems.isEmpty();
        }
    }

    private record State(RevocationHealth health, Map<String, EndpointResult.Outcome> problems) {
    }

    private final Map<String, State> states = new HashMap<>();

    /**
     * Takes the results of a check of all our certificates; certificates no longer among them are forgotten.
     *
     * @return the notices due, in the order of {@code checks}
     */
    public synchronized List<Notice> update(List<Checked> checks) {
        Map<String, State> fresh = new LinkedHashMap<>();
        List<Notice> notices = new ArrayList<>();
        for (Checked check : checks) {
            List<EndpointResult> problems = check.results().stream().filter(r -> !r.healthy()).toList();
            Map<String, EndpointResult.Outcome> byEndpoint = new LinkedHashMap<>();
            problems.forEach(problem -> byEndpoint.put(problem.type() + " " + problem.url(), problem.outcome()));
            State now = new State(RevocationHealth.of(check.results()), byEndpoint);
            State before = states.get(check.certificate().sha256());
            Map<String, EndpointResult.Outcome> previous = before == null ? Map.of() : before.problems();
            if (!byEndpoint.isEmpty() && !byEndpoint.equals(previous)) {
                notices.add(new Notice(check.certificate(), now.health(), problems));
            } else if (byEndpoint.isEmpty() && !previous.isEmpty()) {
                notices.add(new Notice(check.certificate(), now.health(), List.of()));
            }
            fresh.put(check.certificate().sha256(), now);
        }
        states.clear();
        states.putAll(fresh);
        return notices;
    }

    /** The health of the certificate with this SHA-256 (hex) at the last check, if it was checked. */
    public synchronized Optional<RevocationHealth> health(String sha256) {
        return Optional.ofNullable(states.get(sha256)).map(State::health);
    }
}
