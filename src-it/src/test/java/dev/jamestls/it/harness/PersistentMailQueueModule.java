package dev.jamestls.it.harness;

import javax.inject.Singleton;

import org.apache.activemq.store.PersistenceAdapter;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.EmbeddedActiveMQ;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorNoop;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.ManageableMailQueue;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;

/**
 * James's ActiveMQ mail queue (james-server-queue-activemq 3.8.1) in place of the memory server's
 * in-memory queue: an embedded broker whose KahaDB store lives under the James working directory
 * ({@code var/store/activemq/brokers/KahaDB}), so queued mail outlives the James that queued it.
 *
 * <p>The bindings are those of James's own {@code ActiveMQQueueModule} (artifact
 * {@code queue-activemq-guice}, which the Maven mirror of this workplace does not serve), with
 * KahaDB as the {@link PersistenceAdapter} (James's test servers bind the in-memory adapter instead)
 * and without broker metrics. Apply it with {@code overrideWith} so that every
 * {@link MailQueueFactory} key resolves to ActiveMQ's factory.
 */
public final class PersistentMailQueueModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(PersistenceAdapter.class).to(KahaDBPersistenceAdapter.class);
        bind(KahaDBPersistenceAdapter.class).in(Scopes.SINGLETON);
        // EmbeddedActiveMQ stops its broker (and so releases the KahaDB lock) in its @PreDestroy.
        bind(EmbeddedActiveMQ.class).in(Scopes.SINGLETON);
    }

    @Provides
    @Singleton
    ActiveMQMailQueueFactory activeMQMailQueueFactory(EmbeddedActiveMQ broker, MailQueueItemDecoratorFactory decorators,
                                                      MetricFactory metrics, GaugeRegistry gauges) {
        ActiveMQMailQueueFactory factory = new ActiveMQMailQueueFactory(broker, decorators, metrics, gauges,
            new ActiveMQMetricCollectorNoop());
        // No queue MBeans: James does not run the factory's @PostConstruct that would find the MBean server.
        factory.setUseJMX(false);
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends ManageableMailQueue> manageableMailQueueFactory(ActiveMQMailQueueFactory factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<?> mailQueueFactory(ActiveMQMailQueueFactory factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends MailQueue> mailQueueFactoryOfMailQueues(ActiveMQMailQueueFactory factory) {
        return factory;
    }
}
