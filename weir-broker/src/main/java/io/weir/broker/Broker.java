package io.weir.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.broker.api.BrokerContext;
import io.weir.broker.api.KafkaApis;
import io.weir.broker.metrics.BrokerMetrics;
import io.weir.broker.network.Endpoint;
import io.weir.broker.network.RequestChannel;
import io.weir.broker.network.RequestHandlerPool;
import io.weir.broker.network.SocketServer;
import io.weir.cluster.zk.BrokerRegistration;
import io.weir.cluster.zk.EmbeddedZooKeeper;
import io.weir.cluster.zk.EndpointInfo;
import io.weir.cluster.zk.ZkStore;
import io.weir.common.KafkaScheduler;
import io.weir.common.Time;
import io.weir.storage.LogManager;

/**
 * One Weir broker: starts its parts in dependency order (ZooKeeper, logs, replica manager, API
 * handlers, network, registration) and stops them in reverse, leaving a clean-shutdown marker.
 *
 * <p>Thread-safe: startup and shutdown are synchronized; shutdown may come from a signal hook.
 */
public final class Broker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final Time time;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<AutoCloseable> watches = new ArrayList<>();
    private final BrokerMetrics metrics;
    private EmbeddedZooKeeper embeddedZk;
    private ZkStore zk;
    private KafkaScheduler scheduler;
    private LogManager logManager;
    private BrokerComponents components;
    private RequestChannel requestChannel;
    private SocketServer socketServer;
    private RequestHandlerPool handlerPool;
    private String clusterId;
    private boolean started;
    private boolean shutDown;

    public Broker(BrokerConfig config) {
        this(config, Time.SYSTEM);
    }

    public Broker(BrokerConfig config, Time time) {
        this.config = config;
        this.time = time;
        this.metrics = new BrokerMetrics(time);
    }

    public synchronized void startup() {
        if (started) {
            throw new IllegalStateException("broker already started");
        }
        started = true;
        try {
            startZooKeeper();
            scheduler = new KafkaScheduler(2, "weir-scheduler");
            scheduler.startup();
            logManager = BrokerComponents.startLogManager(config, zk, scheduler, time);
            components = BrokerComponents.create(config, clusterId, zk, logManager, metrics.topicStats(), scheduler,
                time);
            startNetwork(components.context());
            startMetrics(components.context());
            registerAndLoad(components.context());
            LOG.info("Weir broker {} started on {} (cluster {})", config.brokerId(), bootstrapServers(), clusterId);
            metrics.markReady();
        } catch (RuntimeException e) {
            LOG.error("Broker start-up failed: {}", e.getMessage());
            shutdown();
            throw e;
        }
    }

    private void startZooKeeper() {
        Optional<String> connect = config.zookeeperConnect();
        String connectString;
        if (connect.isPresent()) {
            connectString = connect.get();
        } else {
            try {
                embeddedZk = EmbeddedZooKeeper.start(config.embeddedZooKeeperDir(), "127.0.0.1", 0);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded ZooKeeper: " + e.getMessage(), e);
            }
            connectString = embeddedZk.connectString();
            LOG.info("Embedded ZooKeeper on {} (data in {})", connectString, config.embeddedZooKeeperDir());
        }
        zk = ZkStore.connect(connectString, config.zkSessionTimeoutMs(), config.zkConnectionTimeoutMs());
        clusterId = zk.getOrCreateClusterId(Uuid.randomUuid().toString());
    }

    private void startNetwork(BrokerContext ctx) {
        KafkaApis apis = ApiRegistry.create(ctx);
        requestChannel = new RequestChannel(config.getInt(BrokerConfig.QUEUED_MAX_REQUESTS));
        handlerPool = new RequestHandlerPool(config.numIoThreads(), requestChannel,
            metrics.requestMetrics().meter(apis), time);
        socketServer = new SocketServer(config.socketServerConfig(), requestChannel, apis, time);
        socketServer.startup();
    }

    /** Binds the gauges and serves /metrics and /health on metrics.port, on the first listener's host. */
    private void startMetrics(BrokerContext ctx) {
        metrics.bind(ctx.replicaManager(), ctx.metadataCache(), config.brokerId(), requestChannel::size);
        metrics.bindGroups(ctx.groups().coordinator(), ctx.replicaManager());
        metrics.startServer(config.listeners().get(0).host(), config.metricsPort());
    }

    private void registerAndLoad(BrokerContext ctx) {
        List<EndpointInfo> endpoints = new ArrayList<>();
        for (Endpoint e : config.advertisedListeners()) {
            int port = e.port() == 0 ? socketServer.boundPort(e.listenerName()) : e.port();
            String host = "0.0.0.0".equals(e.host()) ? "127.0.0.1" : e.host();
            endpoints.add(new EndpointInfo(e.listenerName(), "PLAINTEXT", host, port));
        }
        zk.registerBroker(new BrokerRegistration(config.brokerId(), endpoints, config.rack()));
        ctx.metadataCache().setControllerId(config.brokerId());
        ctx.metadataLoader().loadAll();
        watches.add(zk.watchBrokers(new ZkWatchers.Brokers(ctx.metadataLoader())));
        watches.add(zk.watchTopics(new ZkWatchers.Topics(ctx.metadataLoader())));
        watches.add(zk.watchTopicConfigs(new ZkWatchers.Configs(ctx.metadataLoader())));
    }

    /** Stops everything started, in reverse order; safe to call more than once. */
    public synchronized void shutdown() {
        if (shutDown) {
            return;
        }
        shutDown = true;
        LOG.info("Weir broker {} shutting down", config.brokerId());
        closeQuietly(metrics);
        closeQuietly(socketServer);
        closeQuietly(handlerPool);
        watches.forEach(Broker::closeQuietly);
        if (components != null) {
            closeQuietly(components);
        }
        if (logManager != null) {
            closeQuietly(logManager::shutdown);
        }
        if (scheduler != null) {
            closeQuietly(scheduler);
        }
        closeQuietly(zk);
        closeQuietly(embeddedZk);
        stopped.countDown();
        LOG.info("Weir broker {} stopped", config.brokerId());
    }

    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        shutdown();
    }

    public int boundPort() {
        return socketServer.boundPort(config.listeners().get(0).listenerName());
    }

    public String bootstrapServers() {
        Endpoint first = config.listeners().get(0);
        String host = "0.0.0.0".equals(first.host()) ? "127.0.0.1" : first.host();
        return host + ":" + boundPort();
    }

    public String clusterId() {
        return clusterId;
    }

    public BrokerConfig config() {
        return config;
    }

    /** The broker's meters and the /metrics endpoint. */
    public BrokerMetrics metrics() {
        return metrics;
    }

    /** The broker's parts, for tests and tools in the same process. */
    public BrokerContext context() {
        return components.context();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Error while stopping {}: {}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
