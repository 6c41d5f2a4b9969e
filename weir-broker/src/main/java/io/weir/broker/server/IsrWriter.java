package io.weir.broker.server;

import java.util.OptionalInt;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.zk.LeaderAndIsr;

/**
 * Where a partition leader writes an ISR change (Kafka's ZooKeeper-mode {@code updateIsr}): a
 * conditional update of the partition state znode plus an ISR change notification for the
 * controller. Blocking; {@link ReplicaManager} calls it on its scheduler, never under a lock.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface IsrWriter {

    /**
     * Writes {@code newState} if the znode is still at {@code expectedZkVersion}.
     *
     * @return the znode's new version, or empty when the version did not match (someone else,
     *     normally the controller, changed the state; its LeaderAndIsr brings the truth)
     */
    OptionalInt writeIsr(TopicPartition tp, LeaderAndIsr newState, int expectedZkVersion);
}
