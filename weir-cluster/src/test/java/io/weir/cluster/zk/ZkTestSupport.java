package io.weir.cluster.zk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Starts an embedded ZooKeeper per test and closes everything a test opened, even on failure. */
abstract class ZkTestSupport {

    static final int SESSION_TIMEOUT_MS = 10_000;
    static final int CONNECTION_TIMEOUT_MS = 10_000;
    static final long AWAIT_SECONDS = 15;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tempDir;

    EmbeddedZooKeeper zk;
    private final TestCloser closer = new TestCloser();

    @BeforeEach
    void startZooKeeper() throws IOException {
        zk = closeLater(EmbeddedZooKeeper.start(tempDir.resolve("zk"), "127.0.0.1", 0));
    }

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
    }

    <T extends AutoCloseable> T closeLater(T closeable) {
        return closer.add(closeable);
    }

    ZkStore connect() {
        return connect(zk.connectString());
    }

    ZkStore connect(String connectString) {
        return closeLater(ZkStore.connect(connectString, SESSION_TIMEOUT_MS, CONNECTION_TIMEOUT_MS));
    }

    /** The raw JSON of a znode, read through {@code store}'s own client. */
    static JsonNode rawJson(ZkStore store, String path) throws Exception {
        byte[] data = store.curator().getData().forPath(path);
        return JSON.readTree(new String(data, StandardCharsets.UTF_8));
    }

    static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
        return next(queue, AWAIT_SECONDS);
    }

    static <T> T next(BlockingQueue<T> queue, long seconds) throws InterruptedException {
        T value = queue.poll(seconds, TimeUnit.SECONDS);
        if (value == null) {
            throw new AssertionError("no event within " + seconds + " s");
        }
        return value;
    }
}
