package dev.jamestls.james;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;

import dev.jamestls.inbound.InboundVerdict;

/**
 * Counts inbound decisions in James's metrics as {@code jamestls.inbound.<rule>.<verdict>}
 * ({@code compliant} or {@code violation}). Each counter is looked up in the
 * {@link MetricFactory} once and then kept, not named and looked up again per decision. The
 * rules are the policy's connectors and {@code defaults}, so the counters stay few.
 */
public final class InboundDecisionMetrics {
    private final MetricFactory factory;
    private final Map<Key, Metric> counters = new ConcurrentHashMap<>();

    private record Key(String rule, String verdict) {
    }

    public InboundDecisionMetrics(MetricFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    public void count(InboundVerdict verdict) {
        counters.computeIfAbsent(new Key(verdict.rule(), verdict.verdictName()),
            key -> factory.generate("jamestls.inbound." + key.rule() + "." + key.verdict())).increment();
    }
}
