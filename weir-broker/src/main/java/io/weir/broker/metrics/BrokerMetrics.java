package io.weir.broker.metrics;

import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.weir.broker.network.ProcessorIdleStats;
import io.weir.broker.server.MetadataCache;
import io.weir.broker.server.ReplicaManager;
import io.weir.cluster.controller.ControllerDriver;
import io.weir.coordinator.group.GroupCoordinator;
import io.weir.common.Time;

/**
 * The broker's metrics: one Prometheus registry, the meter groups that fill it, the health state,
 * and the HTTP endpoint serving both. Lifecycle: created with the broker; {@link #bind} once the
 * replica manager and the request queue exist; {@link #startServer} after the network is up;
 * {@link #markReady()} when start-up completed; {@link #close()} first thing at shutdown.
 *
 * <p>Thread-safe: the meters are recorded from any thread; the lifecycle methods are called by
 * the broker's lifecycle thread and are synchronized.
 */
public final class BrokerMetrics implements AutoCloseable {

    /** What {@code /health} reports. */
    public enum Health {
        STARTING("starting"), READY("ok"), SHUTTING_DOWN("shutting down");

        private final String text;

        Health(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final BrokerTopicStats topicStats = new BrokerTopicStats(registry);
    private final RequestMetrics requestMetrics;
    private final Time time;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private volatile Health health = Health.STARTING;
    private volatile PartitionMetrics partitionMetrics;
    private MetricsHttpServer server;

    private volatile GroupMetrics groupMetrics;

    public BrokerMetrics(Time time) {
        this.time = time;
        this.requestMetrics = new RequestMetrics(registry, time);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public BrokerTopicStats topicStats() {
        return topicStats;
    }

    public RequestMetrics requestMetrics() {
        return requestMetrics;
    }

    /** Registers the gauges that read the broker's partitions, metadata and request queue. */
    public synchronized void bind(ReplicaManager replicaManager, MetadataCache metadataCache, int brokerId,
                                  IntSupplier requestQueueSize) {
        if (partitionMetrics != null) {
            throw new IllegalStateException("broker metrics already bound");
        }
        partitionMetrics = new PartitionMetrics(registry, replicaManager::allPartitions, metadataCache, brokerId);
        requestMetrics.bindRequestQueue(requestQueueSize);
        PartitionMetrics isr = partitionMetrics;
        replicaManager.setIsrChangeListener((partition, expanded) -> {
            if (expanded) {
                isr.onIsrExpand();
            } else {
                isr.onIsrShrink();
            }
        });
    }

    /** Registers the network processors' idle time counters and their mean idle ratio gauge. */
    public synchronized void bindNetwork(ProcessorIdleStats processorIdle) {
        new NetworkProcessorMetrics(registry, processorIdle, time); // its meters hold it
    }

    /**
     * The controller's gauges and its event queue time (Kafka's {@code EventQueueTimeMs}): how long
     * events wait before the controller thread takes them.
     */
    public synchronized void bindController(ControllerDriver controller) {
        Gauge.builder("weir_controller_event_queue_size", controller::eventQueueSize)
            .description("Events waiting for the controller thread").register(registry);
        Timer queueTime = Timer.builder("weir_controller_event_queue_time")
            .description("Time controller events waited in the queue").publishPercentiles(0.5, 0.99)
            .register(registry);
        controller.setEventQueueTimeObserver(ns -> queueTime.record(ns, TimeUnit.NANOSECONDS));
    }

    /** Registers the consumer group gauges (groups by state, lag per group and partition). */
    public synchronized void bindGroups(GroupCoordinator coordinator, ReplicaManager replicaManager) {
        groupMetrics = new GroupMetrics(registry, coordinator, replicaManager);
    }

    /** The partition gauges and ISR counters; null before {@link #bind}. */
    public PartitionMetrics partitionMetrics() {
        return partitionMetrics;
    }

    /** Serves {@code /metrics} and {@code /health} on {@code host:port}; port 0 means no server. */
    public synchronized void startServer(String host, int port) {
        if (port == 0 || health == Health.SHUTTING_DOWN) {
            return;
        }
        if (server != null) {
            throw new IllegalStateException("metrics server already started");
        }
        server = MetricsHttpServer.start(host, port, this::scrape, this::health);
    }

    /** The bound port of the metrics server, or -1 when there is none. */
    public synchronized int boundPort() {
        return server == null ? -1 : server.port();
    }

    /** The broker finished start-up: {@code /health} answers 200 from now until shutdown. */
    public void markReady() {
        if (health == Health.STARTING) {
            health = Health.READY;
        }
    }

    public Health health() {
        return health;
    }

    /** Every meter in Prometheus text format 0.0.4. */
    public String scrape() {
        PartitionMetrics pm = partitionMetrics;
        if (pm != null) {
            pm.refreshLogSizes();
        }
        GroupMetrics gm = groupMetrics;
        if (gm != null) {
            gm.refresh();
        }
        return registry.scrape();
    }

    /** Marks the broker as shutting down and stops the HTTP server; the registry stays readable. */
    @Override
    public synchronized void close() {
        health = Health.SHUTTING_DOWN;
        if (server != null) {
            server.close();
            server = null;
        }
        gcMetrics.close();
    }
}
