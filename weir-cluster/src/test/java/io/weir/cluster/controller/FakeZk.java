package io.weir.cluster.controller;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

import io.weir.cluster.zk.LeaderAndIsr;

/**
 * ZooKeeper as far as the controller's writes go: topic znodes and partition state znodes with
 * versions; a result's writes apply all or none. Test-only; single-threaded.
 */
final class FakeZk {

    final Map<String, ControllerTopic> topics = new TreeMap<>();
    final Map<String, Map<Integer, PartitionAssignment>> assignments = new TreeMap<>();
    final Map<TopicPartition, LeaderAndIsr> states = new HashMap<>();

    void createTopic(String name, Map<Integer, List<Integer>> replicas, boolean unclean) {
        topics.put(name, new ControllerTopic(name, Uuid.randomUuid(), 0, unclean));
        Map<Integer, PartitionAssignment> a = new TreeMap<>();
        replicas.forEach((p, r) -> a.put(p, PartitionAssignment.of(r)));
        assignments.put(name, a);
    }

    TopicDescription describe(String name) {
        return new TopicDescription(topics.get(name), assignments.get(name));
    }

    List<TopicDescription> describeAll() {
        return topics.keySet().stream().map(this::describe).toList();
    }

    /** Apply the writes if every condition holds; otherwise change nothing and return false. */
    boolean apply(List<ZkWrite> writes) {
        for (ZkWrite w : writes) {
            if (!conditionHolds(w)) {
                return false;
            }
        }
        writes.forEach(this::write);
        return true;
    }

    private boolean conditionHolds(ZkWrite w) {
        if (w instanceof ZkWrite.CreatePartitionState c) {
            return !states.containsKey(c.partition());
        } else if (w instanceof ZkWrite.UpdatePartitionState u) {
            LeaderAndIsr cur = states.get(u.partition());
            return cur != null && cur.zkVersion() == u.expectedZkVersion();
        } else if (w instanceof ZkWrite.UpdateTopicAssignment t) {
            ControllerTopic cur = topics.get(t.topic().name());
            return cur != null && cur.zkVersion() == t.expectedZkVersion();
        }
        return true;
    }

    private void write(ZkWrite w) {
        if (w instanceof ZkWrite.CreatePartitionState c) {
            states.put(c.partition(), c.state().withZkVersion(0));
        } else if (w instanceof ZkWrite.UpdatePartitionState u) {
            states.put(u.partition(), u.state().withZkVersion(u.expectedZkVersion() + 1));
        } else if (w instanceof ZkWrite.UpdateTopicAssignment t) {
            topics.put(t.topic().name(), t.topic().withZkVersion(t.expectedZkVersion() + 1));
            assignments.put(t.topic().name(), new TreeMap<>(t.partitions()));
        } else if (w instanceof ZkWrite.DeleteTopic d) {
            topics.remove(d.topic());
            assignments.remove(d.topic());
            states.keySet().removeIf(tp -> tp.topic().equals(d.topic()));
        }
    }

    /** A leader's conditional ISR update (leader and epoch kept); returns the state as read back. */
    LeaderAndIsr leaderUpdatesIsr(TopicPartition tp, List<Integer> isr) {
        LeaderAndIsr cur = states.get(tp);
        LeaderAndIsr next = new LeaderAndIsr(cur.leader(), cur.leaderEpoch(), isr, cur.controllerEpoch(),
            cur.zkVersion() + 1);
        states.put(tp, next);
        return next;
    }
}
