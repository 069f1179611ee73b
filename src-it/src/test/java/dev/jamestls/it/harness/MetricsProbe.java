package dev.jamestls.it.harness;

import javax.inject.Inject;

import java.util.Optional;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.utils.GuiceProbe;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;

/** Reads counters of the running James's {@link MetricFactory} and gauges of its (Dropwizard) registry. */
public class MetricsProbe implements GuiceProbe {
    private final MetricFactory metrics;
    private final MetricRegistry registry;

    @Inject
    public MetricsProbe(MetricFactory metrics, MetricRegistry registry) {
        this.metrics = metrics;
        this.registry = registry;
    }

    /** The current value of the gauge registered under {@code name}, if there is one. */
    public Optional<Object> gauge(String name) {
        Gauge<?> gauge = registry.getGauges().get(name);
        return gauge == null ? Optional.empty() : Optional.ofNullable(gauge.getValue());
    }

    public long count(String name) {
        return metrics.generate(name).getCount();
    }
}
