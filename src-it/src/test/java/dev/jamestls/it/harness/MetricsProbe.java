package dev.jamestls.it.harness;

import javax.inject.Inject;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.utils.GuiceProbe;

/** Reads counters of the running James's {@link MetricFactory}. */
public class MetricsProbe implements GuiceProbe {
    private final MetricFactory metrics;

    @Inject
    public MetricsProbe(MetricFactory metrics) {
        this.metrics = metrics;
    }

    public long count(String name) {
        return metrics.generate(name).getCount();
    }
}
