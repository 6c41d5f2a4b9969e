package io.weir.cluster.controller;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.weir.cluster.zk.TopicAssignment;
import io.weir.cluster.zk.ZkMultiOp;

/**
 * The brain's {@link ZkWrite}s as {@link ZkMultiOp}s of the ZooKeeper layer (which knows nothing
 * of the controller's types). Stateless.
 */
final class ZkWriteTranslation {

    private ZkWriteTranslation() {
    }

    static List<ZkMultiOp> toMultiOps(List<ZkWrite> writes) {
        return writes.stream().map(ZkWriteTranslation::toMultiOp).toList();
    }

    static ZkMultiOp toMultiOp(ZkWrite write) {
        if (write instanceof ZkWrite.CreatePartitionState c) {
            return new ZkMultiOp.CreatePartitionState(c.partition(), c.state());
        } else if (write instanceof ZkWrite.UpdatePartitionState u) {
            return new ZkMultiOp.SetPartitionState(u.partition(), u.state(), u.expectedZkVersion());
        } else if (write instanceof ZkWrite.UpdateTopicAssignment t) {
            return new ZkMultiOp.SetTopic(topicAssignment(t));
        } else if (write instanceof ZkWrite.DeleteTopic d) {
            return new ZkMultiOp.DeleteTopic(d.topic());
        }
        throw new IllegalArgumentException("Unknown write " + write);
    }

    /** The topic znode's content: replicas of every partition, adding/removing of those being reassigned. */
    private static TopicAssignment topicAssignment(ZkWrite.UpdateTopicAssignment t) {
        Map<Integer, List<Integer>> replicas = new TreeMap<>();
        Map<Integer, List<Integer>> adding = new TreeMap<>();
        Map<Integer, List<Integer>> removing = new TreeMap<>();
        t.partitions().forEach((p, a) -> {
            replicas.put(p, a.replicas());
            if (!a.addingReplicas().isEmpty()) {
                adding.put(p, a.addingReplicas());
            }
            if (!a.removingReplicas().isEmpty()) {
                removing.put(p, a.removingReplicas());
            }
        });
        return new TopicAssignment(t.topic().name(), t.topic().topicId(), replicas, adding, removing,
            t.expectedZkVersion());
    }
}
