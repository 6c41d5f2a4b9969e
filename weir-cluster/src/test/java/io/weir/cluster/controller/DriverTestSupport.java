package io.weir.cluster.controller;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import io.weir.cluster.zk.TestCloser;
import io.weir.cluster.zk.BrokerRegistration;
import io.weir.cluster.zk.EmbeddedZooKeeper;
import io.weir.cluster.zk.EndpointInfo;
import io.weir.cluster.zk.LeaderAndIsr;
import io.weir.cluster.zk.ZkStore;
import io.weir.common.MockScheduler;
import io.weir.common.MockTime;

/**
 * An embedded ZooKeeper per test, brokers registered through their own {@link ZkStore}s (closing
 * one makes the broker die), controller drivers with {@link RecordingChannel}s and a mock clock,
 * and a polling {@link #await}. Everything opened is closed after the test, even on failure.
 */
abstract class DriverTestSupport {

    static final int SESSION_TIMEOUT_MS = 10_000;
    static final int CONNECTION_TIMEOUT_MS = 10_000;
    static final long AWAIT_MS = 10_000;

    /** A driver with the channel it talks to and the ZooKeeper session of its broker. */
    record Node(int id, ZkStore store, ControllerDriver driver, RecordingChannel channel) {
    }

    @TempDir
    Path tempDir;

    EmbeddedZooKeeper zk;
    ZkStore admin;
    final MockTime time = new MockTime();
    final MockScheduler scheduler = new MockScheduler(time);
    private final TestCloser closer = new TestCloser();

    @BeforeEach
    void startZooKeeper() throws IOException {
        zk = closeLater(EmbeddedZooKeeper.start(tempDir.resolve("zk"), "127.0.0.1", 0));
        admin = connect();
    }

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
    }

    <T extends AutoCloseable> T closeLater(T closeable) {
        return closer.add(closeable);
    }

    ZkStore connect() {
        return closeLater(ZkStore.connect(zk.connectString(), SESSION_TIMEOUT_MS, CONNECTION_TIMEOUT_MS));
    }

    /** Registers broker {@code id} on a session of its own. */
    ZkStore registerBroker(int id) {
        ZkStore store = connect();
        store.registerBroker(new BrokerRegistration(id,
            List.of(new EndpointInfo("PLAINTEXT", "PLAINTEXT", "127.0.0.1", 9000 + id)), Optional.empty()));
        return store;
    }

    static ControllerDriverConfig config(boolean autoRebalance) {
        return new ControllerDriverConfig(ControllerConfig.strict(), autoRebalance, 1_000L, 5, 10_000L);
    }

    /** Registers broker {@code id} and starts its controller driver. */
    Node startNode(int id) {
        return startNode(registerBroker(id), id, config(false));
    }

    Node startNode(ZkStore store, int id, ControllerDriverConfig config) {
        return startNode(store, id, config, controllerId -> { });
    }

    Node startNode(ZkStore store, int id, ControllerDriverConfig config, IntConsumer controllerChangeListener) {
        RecordingChannel channel = new RecordingChannel();
        ControllerDriver driver = new ControllerDriver(store, id, config, channel, time, scheduler);
        driver.setControllerChangeListener(controllerChangeListener);
        closeLater(driver::shutdown);
        driver.startup();
        return new Node(id, store, driver, channel);
    }

    /** Waits until {@code condition} holds, polling, or fails after {@link #AWAIT_MS}. */
    static void await(String what, BooleanSupplier condition) {
        long deadlineNs = System.nanoTime() + AWAIT_MS * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError("timed out after " + AWAIT_MS + " ms waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** Waits until {@code supplier} returns a present value, and returns it. */
    static <T> T awaitValue(String what, Supplier<Optional<T>> supplier) {
        @SuppressWarnings("unchecked")
        T[] found = (T[]) new Object[1];
        await(what, () -> {
            Optional<T> v = supplier.get();
            v.ifPresent(x -> found[0] = x);
            return v.isPresent();
        });
        return found[0];
    }

    Node awaitActive(Node... nodes) {
        return awaitValue("an active controller", () -> Arrays.stream(nodes)
            .filter(n -> n.driver().isActive()).findFirst());
    }

    LeaderAndIsr awaitState(TopicPartition tp, Predicate<LeaderAndIsr> condition) {
        return awaitValue("state of " + tp + " matching", () -> admin.getPartitionState(tp).filter(condition));
    }

    /** A raw client, for what ZkStore does not offer (forging a newer controller epoch). */
    CuratorFramework rawClient() throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100));
        client.start();
        client.blockUntilConnected();
        closeLater(client::close);
        return client;
    }

    int controllerEpoch(CuratorFramework raw) throws Exception {
        return Integer.parseInt(new String(raw.getData().forPath("/controller_epoch"), StandardCharsets.UTF_8));
    }
}
