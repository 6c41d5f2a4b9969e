package io.weir.broker.server;

import static io.weir.broker.server.ReplicationTestKit.epochs;
import static io.weir.broker.server.ReplicationTestKit.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.weir.cluster.zk.LeaderAndIsr;

/**
 * A seeded simulation of three replicas: random produces (acks=all and 1), fetcher turns, clock
 * jumps (ISR shrinks, produce timeouts), broker deaths (the controller removes the broker from the
 * ISR, or elects a new leader from the ISR) and restarts. Whatever the seed: every acks=all record
 * acknowledged is in the final log at the offset it was acknowledged with, and once everything
 * runs again all replicas hold the same records with the same leader epochs. A failing seed
 * replays exactly.
 */
class ReplicationSimulationTest {

    private static final TopicPartition TP = new TopicPartition("simulated", 0);
    private static final List<Integer> BROKERS = List.of(1, 2, 3);

    @TempDir
    Path dir;

    @AutoClose
    private ReplicationTestKit kit;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 25);
    }

    private record Produced(short acks, List<String> values, CompletableFuture<ProducePartitionResult> result) {
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @Timeout(60)
    void acknowledgedRecordsSurviveAndReplicasConverge(long seed) {
        Random random = new Random(seed);
        kit = ReplicationTestKit.builder(dir).brokers(1, 2, 3).build();
        kit.createPartition(TP, BROKERS, 2);
        TreeSet<Integer> alive = new TreeSet<>(BROKERS);
        List<Produced> produced = new ArrayList<>();
        int next = 0;
        for (int step = 0; step < 300; step++) {
            int op = random.nextInt(100);
            if (op < 30) {
                int leader = kit.zk.state(TP).leader();
                if (alive.contains(leader)) {
                    short acks = random.nextBoolean() ? (short) -1 : (short) 1;
                    List<String> values = new ArrayList<>();
                    for (int i = random.nextInt(3); i >= 0; i--) {
                        values.add("v" + next++);
                    }
                    produced.add(new Produced(acks, values,
                        kit.produce(leader, TP, acks, values.toArray(new String[0]))));
                }
            } else if (op < 80) {
                int b = pick(random, alive);
                kit.rm(b).replicaFetcherManager().doWork();
            } else if (op < 88) {
                kit.time.sleep(random.nextInt(20_000));
            } else if (op < 94) {
                kill(pick(random, alive), alive, random);
            } else {
                List<Integer> dead = new ArrayList<>(BROKERS);
                dead.removeAll(alive);
                if (!dead.isEmpty()) {
                    restart(dead.get(random.nextInt(dead.size())), alive);
                }
            }
        }
        for (int b : BROKERS) {
            if (!alive.contains(b)) {
                restart(b, alive);
            }
        }
        for (int round = 0; round < 40; round++) {
            kit.replicate(1);
            kit.time.sleep(kit.config.replicaFetchBackoffMs());
        }

        int leader = kit.zk.state(TP).leader();
        List<String> leaderValues = values(kit.log(leader, TP));
        for (int b : BROKERS) {
            assertThat(values(kit.log(b, TP))).as("seed %d: values on broker %d (leader %d)", seed, b, leader)
                .isEqualTo(leaderValues);
            assertThat(epochs(kit.log(b, TP))).as("seed %d: epochs on broker %d", seed, b)
                .isEqualTo(epochs(kit.log(leader, TP)));
        }
        assertThat(kit.partition(leader, TP).highWatermark()).as("seed %d: HW", seed)
            .isEqualTo(kit.log(leader, TP).logEndOffset());
        int acked = 0;
        for (Produced p : produced) {
            if (p.acks() != -1 || !p.result().isDone() || p.result().join().error() != Errors.NONE) {
                continue;
            }
            long base = p.result().join().baseOffset();
            for (int i = 0; i < p.values().size(); i++) {
                assertThat(leaderValues.get((int) base + i)).as("seed %d: acknowledged record at %d", seed, base + i)
                    .isEqualTo(p.values().get(i));
            }
            acked++;
        }
        assertThat(acked).as("seed %d: some acks=all produces succeeded", seed).isPositive();
    }

    private static int pick(Random random, TreeSet<Integer> from) {
        List<Integer> list = new ArrayList<>(from);
        return list.get(random.nextInt(list.size()));
    }

    /**
     * A broker dies: the controller takes it out of the ISR, electing a new leader from the ISR if
     * it led (no death that would leave the partition without an in-sync leader).
     */
    private void kill(int b, TreeSet<Integer> alive, Random random) {
        LeaderAndIsr s = kit.zk.state(TP);
        List<Integer> isr = new ArrayList<>(s.isr());
        isr.remove(Integer.valueOf(b));
        if (s.leader() == b) {
            List<Integer> candidates = new ArrayList<>(isr);
            candidates.retainAll(alive);
            if (candidates.isEmpty()) {
                return;
            }
            int leader = candidates.get(random.nextInt(candidates.size()));
            kit.zk.controllerWrite(TP, new LeaderAndIsr(leader, s.leaderEpoch() + 1, isr, kit.controllerEpoch, 0));
        } else if (s.isr().contains(b)) {
            kit.zk.controllerWrite(TP, new LeaderAndIsr(s.leader(), s.leaderEpoch(), isr, kit.controllerEpoch, 0));
        }
        alive.remove(b);
        kit.broker(b).unreachable = true;
        for (int id : alive) {
            kit.sendLeaderAndIsr(id, kit.partitionInfo(TP));
        }
    }

    private void restart(int b, TreeSet<Integer> alive) {
        alive.add(b);
        kit.broker(b).unreachable = false;
        kit.sendLeaderAndIsr(b, kit.partitionInfo(TP));
    }
}
