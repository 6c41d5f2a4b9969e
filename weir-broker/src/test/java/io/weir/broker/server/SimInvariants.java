package io.weir.broker.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.zk.LeaderAndIsr;
import io.weir.storage.Log;

/**
 * The invariants {@link ClusterSimulation} checks after every step (docs/replication.md,
 * "Seeded cluster simulation"):
 * <ol>
 * <li>one leader per partition per leader epoch, across ZooKeeper, every LeaderAndIsr any
 * controller sent and every broker's own view;</li>
 * <li>a replica's high watermark never goes back while it leads (including the step in which it
 * becomes leader; a restart starts a new process). A follower's may: it takes its leader's, and a
 * new leader's HW can be behind the old one's (Kafka's {@code maybeUpdateHighWatermark} does the
 * same);</li>
 * <li>committed records: whatever any replica's HW covers (zombie leaders included; a follower's
 * HW is one its leader had) is fixed, offset by offset: every replica's log below its HW agrees
 * with it, and the current leader (the one ZooKeeper names, once it knows) holds all of it, so no
 * clean election truncates an HW-covered record;</li>
 * <li>every acks=all record acknowledged is committed, at its offset; no two acknowledgements
 * name the same offset with different records.</li>
 * </ol>
 *
 * <p>Single-threaded: the simulation's thread.
 */
final class SimInvariants {

    private final ReplicationTestKit kit;
    private final SimZk zk;
    private final List<Integer> brokers;
    private final List<TopicPartition> partitions;
    private final Map<String, Integer> leaderOfEpoch = new HashMap<>();
    /** Each replica's HW at the last check; only a leader's must not go back. */
    private final Map<String, Long> highWatermarks = new HashMap<>();
    private final Map<TopicPartition, List<String>> committed = new HashMap<>();
    private final Map<TopicPartition, Map<Long, String>> acknowledged = new HashMap<>();
    private final Map<Log, Cached> values = new HashMap<>();
    private String where = "start";

    /** A log's values as of a signature: its end offset and epoch entries (a log only changes at its end). */
    private record Cached(String signature, List<String> values) {
    }

    SimInvariants(ReplicationTestKit kit, SimZk zk, List<Integer> brokers, List<TopicPartition> partitions) {
        this.kit = kit;
        this.zk = zk;
        this.brokers = brokers;
        this.partitions = partitions;
        partitions.forEach(tp -> committed.put(tp, new ArrayList<>()));
    }

    /** Every LeaderAndIsr a controller queues names one leader per epoch too. */
    void onRequest(BrokerRequest request) {
        if (request instanceof BrokerRequest.LeaderAndIsrRequest l) {
            l.partitions().forEach(p -> leaderOfEpoch(p.partition(), p.leaderEpoch(), p.leader(), "controller"));
        }
    }

    /** A new process: what the old one's partitions showed as leader HW no longer binds it. */
    void onRestart(int brokerId) {
        highWatermarks.keySet().removeIf(k -> k.startsWith(brokerId + "/"));
    }

    /** An acks=all produce was answered NONE for these records from {@code baseOffset}. */
    void onAcknowledged(TopicPartition tp, long baseOffset, List<String> values) {
        Map<Long, String> acked = acknowledged.computeIfAbsent(tp, x -> new HashMap<>());
        for (int i = 0; i < values.size(); i++) {
            String before = acked.putIfAbsent(baseOffset + i, values.get(i));
            fail(before != null && !before.equals(values.get(i)), tp + " offset " + (baseOffset + i)
                + " acknowledged twice: " + before + " and " + values.get(i));
        }
    }

    List<String> committed(TopicPartition tp) {
        return committed.get(tp);
    }

    void check(String step) {
        where = step;
        for (TopicPartition tp : partitions) {
            LeaderAndIsr state = zk.state(tp);
            if (state != null) {
                leaderOfEpoch(tp, state.leaderEpoch(), state.leader(), "ZooKeeper");
            }
            for (int b : brokers) {
                kit.rm(b).partition(tp).filter(Partition::isLeader).ifPresent(p -> checkLeader(b, p));
            }
            for (int b : brokers) {
                kit.rm(b).partition(tp).ifPresent(p -> checkReplica(b, p));
            }
            currentLeader(tp).ifPresent(p -> {
                List<String> values = valuesOf(p.log());
                List<String> c = committed.get(tp);
                fail(values.size() < c.size() || !values.subList(0, c.size()).equals(c), "leader "
                    + p.leaderId() + " of " + tp + " at epoch " + p.leaderEpoch() + " lacks committed records: has "
                    + values + ", committed " + c);
            });
            Map<Long, String> acked = acknowledged.getOrDefault(tp, Map.of());
            List<String> c = committed.get(tp);
            acked.forEach((offset, value) -> fail(offset >= c.size() || !c.get(offset.intValue()).equals(value),
                "acknowledged " + value + " at " + tp + " offset " + offset + " is not committed there: " + c));
        }
    }

    /** The broker ZooKeeper names leader, if it hosts the partition and leads at ZooKeeper's epoch. */
    Optional<Partition> currentLeader(TopicPartition tp) {
        LeaderAndIsr state = zk.state(tp);
        if (state == null || state.leader() < 0) {
            return Optional.empty();
        }
        return kit.rm(state.leader()).partition(tp)
            .filter(p -> p.isLeader() && p.leaderEpoch() == state.leaderEpoch());
    }

    private void checkLeader(int b, Partition p) {
        TopicPartition tp = p.topicPartition();
        leaderOfEpoch(tp, p.leaderEpoch(), b, "broker " + b);
        long hw = p.highWatermark();
        Long before = highWatermarks.get(b + "/" + tp);
        fail(before != null && hw < before, "HW of leader " + b + " for " + tp + " went back from " + before
            + " to " + hw);
    }

    /**
     * Whatever a replica's HW covers was committed (a follower's HW is one its leader had), so it
     * must agree with what is known to be committed, and extends it.
     */
    private void checkReplica(int b, Partition p) {
        TopicPartition tp = p.topicPartition();
        Log log = p.log();
        long hw = log.highWatermark();
        highWatermarks.put(b + "/" + tp, hw);
        fail(hw > log.logEndOffset(), "HW " + hw + " of broker " + b + " for " + tp + " above its LEO "
            + log.logEndOffset());
        if (hw == 0) {
            return;
        }
        List<String> c = committed.get(tp);
        List<String> values = valuesOf(log);
        int common = (int) Math.min(hw, c.size());
        fail(!values.subList(0, common).equals(c.subList(0, common)), "broker " + b + " (leader " + p.leaderId()
            + ", epoch " + p.leaderEpoch() + ") has below its HW " + hw + " of " + tp + " " + values
            + ", committed " + c);
        if (hw > c.size()) {
            c.addAll(values.subList(c.size(), (int) hw));
        }
    }

    /**
     * The values in the log, read again only when its end or its epochs changed: a truncation
     * and re-append to the same end within one step would come from a newer epoch.
     */
    private List<String> valuesOf(Log log) {
        String signature = log.logStartOffset() + "-" + log.logEndOffset() + " " + log.leaderEpochCache().epochEntries();
        Cached cached = values.get(log);
        if (cached == null || !cached.signature().equals(signature)) {
            cached = new Cached(signature, ReplicationTestKit.values(log));
            values.put(log, cached);
        }
        return cached.values();
    }

    private void leaderOfEpoch(TopicPartition tp, int epoch, int leader, String source) {
        if (leader < 0) {
            return;
        }
        Integer before = leaderOfEpoch.putIfAbsent(tp + "@" + epoch, leader);
        fail(before != null && !Objects.equals(before, leader), tp + " has two leaders in epoch " + epoch + ": "
            + before + " and " + leader + " (seen at " + source + ")");
    }

    private void fail(boolean broken, String message) {
        if (broken) {
            throw new AssertionError(where + ": " + message);
        }
    }
}
