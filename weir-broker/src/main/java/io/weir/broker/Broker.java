package io.weir.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.broker.api.BrokerContext;
import io.weir.broker.api.KafkaApis;
import io.weir.broker.control.ControlPlane;
import io.weir.broker.control.ControlPlaneClient;
import io.weir.broker.control.ControlPlaneServer;
import io.weir.broker.control.ControlledShutdownRequest;
import io.weir.broker.metrics.BrokerMetrics;
import io.weir.broker.network.ApiRequestHandler;
import io.weir.broker.network.Endpoint;
import io.weir.broker.network.InlineHandling;
import io.weir.broker.network.RequestChannel;
import io.weir.broker.network.RequestHandlerPool;
import io.weir.broker.network.SocketServer;
import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.ControllerDriver;
import io.weir.cluster.controller.ControllerResponse;
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
    private StartupGate startupGate;
    private ControlPlaneServer controlPlane;
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
            startControlPlane(components.context());
            startNetwork(components.context());
            startMetrics(components.context());
            registerAndJoin(components.context());
            startupGate.open();
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
        ApiRequestHandler metered = metrics.requestMetrics().meter(apis);
        startupGate = new StartupGate(metered);
        handlerPool = new RequestHandlerPool(config.numIoThreads(), requestChannel, startupGate, time);
        InlineHandling inline = config.getBoolean(BrokerConfig.NETWORK_INLINE_REQUESTS_ENABLE)
            ? new InlineHandling(EnumSet.of(ApiKeys.PRODUCE, ApiKeys.FETCH), metered, startupGate::isOpen)
            : InlineHandling.NONE;
        socketServer = new SocketServer(config.socketServerConfig(), requestChannel, apis, time,
            metrics.requestMetrics(), inline);
        socketServer.startup();
    }

    /** Binds the gauges and serves /metrics and /health on metrics.port, on the first listener's host. */
    private void startMetrics(BrokerContext ctx) {
        metrics.bind(ctx.replicaManager(), ctx.metadataCache(), config.brokerId(), requestChannel::size);
        metrics.bindNetwork(socketServer.processorIdle());
        metrics.bindGroups(ctx.groups().coordinator(), ctx.replicaManager());
        metrics.bindController(ctx.controller());
        metrics.startServer(config.listeners().get(0).host(), config.metricsPort());
    }

    /** The controller's channel to this broker: a port of its own on the first listener's host. */
    private void startControlPlane(BrokerContext ctx) {
        controlPlane = new ControlPlaneServer(controlPlaneHost(),
            config.getInt(ClusterConfigs.CONTROL_PLANE_PORT),
            new BrokerControlHandler(ctx.metadataLoader(), ctx.controller()),
            config.getInt(BrokerConfig.SOCKET_REQUEST_MAX_BYTES));
        controlPlane.startup();
    }

    private String controlPlaneHost() {
        String host = config.listeners().get(0).host();
        return "0.0.0.0".equals(host) ? "127.0.0.1" : host;
    }

    /**
     * Registers in /brokers/ids, joins the controller election and waits (bounded) for the
     * controller's first metadata, so a broker that says it started knows the cluster.
     */
    private void registerAndJoin(BrokerContext ctx) {
        List<EndpointInfo> endpoints = new ArrayList<>();
        for (Endpoint e : config.advertisedListeners()) {
            int port = e.port() == 0 ? socketServer.boundPort(e.listenerName()) : e.port();
            String host = "0.0.0.0".equals(e.host()) ? "127.0.0.1" : e.host();
            endpoints.add(new EndpointInfo(e.listenerName(), "PLAINTEXT", host, port));
        }
        endpoints.add(ControlPlane.endpoint(controlPlaneHost(), controlPlane.boundPort()));
        watches.add(zk.watchTopicConfigs(new ZkWatchers.Configs(ctx.metadataLoader())));
        zk.registerBroker(new BrokerRegistration(config.brokerId(), endpoints, config.rack()));
        // Learn this registration's epoch now: until then controller requests naming one are refused.
        if (ctx.replicaManager().brokerEpoch() == BrokerRequest.UNKNOWN_BROKER_EPOCH) {
            LOG.warn("Cannot read the epoch of this broker's registration; controller requests wait for it");
        }
        ctx.controller().setControllerChangeListener(ctx.metadataCache()::setControllerId);
        ctx.replicaManager().startup();
        ctx.controller().startup();
        int id = config.brokerId();
        long timeoutMs = Math.max(30_000L, 3L * config.zkSessionTimeoutMs());
        if (!ctx.metadataCache().await(s -> s.brokers().containsKey(id), timeoutMs).join()) {
            LOG.warn("No metadata from a controller after {} ms; serving what this broker knows", timeoutMs);
        }
    }

    /**
     * Kafka's controlled shutdown: asks the controller to move this broker's leaderships away and
     * waits until none is left (or retries run out), so producers see no errors.
     */
    private void controlledShutdown() {
        BrokerContext ctx = components.context();
        int id = config.brokerId();
        if (ctx.metadataCache().aliveBrokers().stream().noneMatch(b -> b.id() != id)) {
            return;
        }
        OptionalLong epoch = registrationEpoch();
        if (epoch.isEmpty()) {
            return;
        }
        int retries = config.getInt(ClusterConfigs.CONTROLLED_SHUTDOWN_MAX_RETRIES);
        long backoffMs = config.getLong(ClusterConfigs.CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS);
        int timeoutMs = config.getInt(ClusterConfigs.CONTROLLER_SOCKET_TIMEOUT_MS);
        for (int attempt = 0; attempt <= retries; attempt++) {
            int controllerId = ctx.controller().activeControllerId();
            Optional<EndpointInfo> endpoint = ctx.metadataCache().snapshot().brokers().values().stream()
                .filter(b -> b.id() == controllerId).findFirst().flatMap(b -> ControlPlane.find(b.endpoints()));
            try {
                if (endpoint.isPresent()) {
                    ControllerResponse.ControlledShutdownResponse r = ControlPlaneClient.controlledShutdown(
                        endpoint.get(), new ControlledShutdownRequest(id, epoch.getAsLong()), timeoutMs);
                    if (r.error() == Errors.NONE && r.partitionsRemaining().isEmpty()) {
                        LOG.info("Controlled shutdown succeeded");
                        return;
                    }
                    LOG.info("Controlled shutdown: {} (partitions still led here: {})", r.error(),
                        r.partitionsRemaining());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Controlled shutdown attempt failed: {}", e.getMessage());
            }
            if (attempt < retries) {
                time.sleep(backoffMs);
            }
        }
        LOG.warn("Controlled shutdown did not move every leadership; shutting down anyway");
    }

    /**
     * The epoch of this broker's registration, read once for every attempt of a controlled shutdown;
     * empty, with a warning, when ZooKeeper stays unreachable for a session timeout. No controller
     * can move leadership without ZooKeeper, and once this broker's session has expired the
     * controller treats it as gone, so waiting out retries would only delay the stop.
     */
    private OptionalLong registrationEpoch() {
        int waitMs = config.zkSessionTimeoutMs();
        try {
            if (zk.awaitConnected(waitMs)) {
                return OptionalLong.of(zk.brokerEpoch(config.brokerId()));
            }
            LOG.warn("Controlled shutdown skipped: ZooKeeper unreachable for {} ms (zookeeper.session.timeout.ms), "
                + "so no controller can move this broker's leaderships", waitMs);
        } catch (RuntimeException e) {
            LOG.warn("Controlled shutdown skipped: this broker's registration cannot be read: {}", e.getMessage());
        }
        return OptionalLong.empty();
    }

    /**
     * Stops everything started, in reverse order, after a controlled shutdown when
     * {@code controlled.shutdown.enable}; safe to call more than once.
     */
    public void shutdown() {
        shutdown(config.getBoolean(ClusterConfigs.CONTROLLED_SHUTDOWN_ENABLE));
    }

    /**
     * Stops everything started; {@code controlled} first asks the controller to move this
     * broker's leaderships away (false: the cluster sees this broker vanish, as after a crash).
     */
    public synchronized void shutdown(boolean controlled) {
        if (shutDown) {
            return;
        }
        shutDown = true;
        LOG.info("Weir broker {} shutting down", config.brokerId());
        if (startupGate != null) {
            startupGate.open(); // handler threads held by it must get to their next poll to stop
        }
        if (controlled && components != null && controlPlane != null) {
            controlledShutdown();
        }
        closeQuietly(metrics);
        closeQuietly(socketServer);
        closeQuietly(handlerPool);
        if (components != null) {
            closeQuietly(components.context().controller()::shutdown);
        }
        closeQuietly(controlPlane);
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

    /** This broker's controller driver (active or not). */
    public ControllerDriver controller() {
        return components.context().controller();
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
