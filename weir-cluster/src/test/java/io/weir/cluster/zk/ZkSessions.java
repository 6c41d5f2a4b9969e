package io.weir.cluster.zk;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** Test hooks on a {@link ZkStore}'s session, for tests outside this package. */
public final class ZkSessions {

    private ZkSessions() {
    }

    /**
     * Expires the store's session server-side: a second client joins it with its id and password,
     * then closes it. The store learns of it on its next contact with the server.
     */
    public static void expire(ZkStore store, String connectString) throws Exception {
        ZooKeeper victim = store.curator().getZookeeperClient().getZooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper killer = new ZooKeeper(connectString, 10_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, victim.getSessionId(), victim.getSessionPasswd());
        // Closing before the session is attached would not close it.
        if (!connected.await(30, TimeUnit.SECONDS)) {
            killer.close();
            throw new AssertionError("second client did not join the session");
        }
        killer.close();
    }
}
