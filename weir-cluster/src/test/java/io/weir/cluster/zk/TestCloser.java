package io.weir.cluster.zk;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Closes what a test opened, newest first, even when one close fails (the first failure is
 * rethrown after all were tried). Not thread-safe: used from the test thread.
 */
public final class TestCloser {

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    public <T extends AutoCloseable> T add(T closeable) {
        toClose.push(closeable);
        return closeable;
    }

    public void closeAll() throws Exception {
        Exception first = null;
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
