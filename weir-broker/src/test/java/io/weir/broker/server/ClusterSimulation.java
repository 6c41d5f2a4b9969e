package io.weir.broker.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;

import io.weir.broker.replica.LeaderEndpoint;
import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.ControllerEvent;
import io.weir.cluster.controller.ControllerTopic;
import io.weir.cluster.controller.PartitionAssignment;
import io.weir.cluster.controller.TopicDescription;
import io.weir.cluster.zk.LeaderAndIsr;
import io.weir.storage.LogManagerConfig;

/**
 * A seeded simulation of a cluster: the real controller brain ({@link SimController}) over an
 * in-memory ZooKeeper with sessions ({@link SimZk}), and four brokers with the real
 * ReplicaManager, Partition, fetchers and logs on disk ({@link ReplicationTestKit}), all on one
 * {@code MockTime} and on the test's thread. The network between them loses, delays and
 * partitions: follower fetches and their answers are lost or held while other things happen;
 * controller requests wait in their per-broker queues and are resent when an answer is lost; a
 * broker can be cut off from everyone (ZooKeeper included, so its session expires and the
 * controller sees it die while it runs on as a zombie), links between brokers can be cut, and the
 * controller can move (the old one keeps sending until it notices). After every step
 * {@link SimInvariants} are checked; at the end the network heals and every replica must converge.
 *
 * <p>Everything comes from one seed: a failure replays exactly.
 */
final class ClusterSimulation {

    static final String TOPIC = "sim";
    static final List<Integer> BROKERS = List.of(1, 2, 3, 4);
    static final long SESSION_TIMEOUT_MS = 6_000L;
    private static final int LOSS_PERCENT = 10;
    private static final int TRACE = Integer.getInteger("weir.sim.trace", 40);

    private record Produced(TopicPartition tp, List<String> values, CompletableFuture<ProducePartitionResult> result) {
    }

    private final long seed;
    private final Random random;
    private final Set<Integer> isolated = new TreeSet<>();
    /** Crashed brokers (also in {@link #isolated}): they start again once their session expired. */
    private final Set<Integer> down = new TreeSet<>();
    /** Brokers cut off from ZooKeeper only: they still serve clients and other brokers. */
    private final Set<Integer> zkCut = new TreeSet<>();
    /** Since when each broker cannot reach ZooKeeper (cut off or isolated): its session expires after the timeout. */
    private final Map<Integer, Long> disconnectedSinceMs = new TreeMap<>();
    /** Cut links between brokers, as {@link #linkKey} keys. */
    private final Set<Integer> cutLinks = new TreeSet<>();
    private final SimZk zk = new SimZk(id -> zkReachable(id));
    private final ReplicationTestKit kit;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final SimInvariants invariants;
    private final List<SimController> controllers = new ArrayList<>();
    private final List<Produced> produced = new ArrayList<>();
    private final Deque<String> trace = new ArrayDeque<>();
    private int step;
    private int next;
    private boolean inFetch;
    /** Set once the network heals for good: nothing is lost or held any more. */
    private boolean healed;
    private int acknowledged;
    /** How the produces were answered, by error name: shown when a run fails. */
    private final Map<String, Integer> outcomes = new TreeMap<>();

    ClusterSimulation(long seed, Path dir) {
        this.seed = seed;
        this.random = new Random(seed);
        this.kit = ReplicationTestKit.builder(dir).brokers(BROKERS.stream().mapToInt(Integer::intValue).toArray())
            .isrWriters(zk::isrWriter).leaderLinks(this::link).logManagerConfigs(ClusterSimulation::fewerCheckpoints)
            .build();
        Map<Integer, PartitionAssignment> assignment = new TreeMap<>();
        for (int p = 0; p < 3; p++) {
            assignment.put(p, PartitionAssignment.of(List.of(BROKERS.get(p), BROKERS.get(p + 1),
                BROKERS.get((p + 2) % BROKERS.size()))));
            partitions.add(new TopicPartition(TOPIC, p));
        }
        zk.createTopic(new TopicDescription(new ControllerTopic(TOPIC, new Uuid(seed, 1L), 0, false), assignment));
        kit.setMinInsyncReplicas(TOPIC, 2);
        BROKERS.forEach(b -> {
            zk.register(kit.broker(b).live());
            fenceByRegistration(b);
        });
        invariants = new SimInvariants(kit, zk, BROKERS, partitions);
        controllers.add(new SimController(zk, invariants::onRequest));
    }

    /** As the real broker does, it refuses controller requests built for an earlier registration. */
    private void fenceByRegistration(int b) {
        kit.rm(b).setBrokerEpoch(() -> zk.registeredEpoch(b));
    }

    /**
     * Only the HW checkpoint matters to a crashed broker's restart (recovery scans from the start
     * without a recovery point, which for these small logs is cheap); the other checkpoints would
     * only cost fsyncs over minutes of simulated time.
     */
    private static LogManagerConfig fewerCheckpoints(Path logDir) {
        LogManagerConfig d = LogManagerConfig.defaults(List.of(logDir));
        long never = Long.MAX_VALUE;
        return new LogManagerConfig(d.logDirs(), d.topicDefaults(), d.numRecoveryThreadsPerDataDir(),
            d.retentionCheckIntervalMs(), never, never, never, d.highWatermarkCheckpointIntervalMs(),
            d.fileDeleteDelayMs(), d.producerIdExpirationMs(), d.producerIdExpirationCheckIntervalMs());
    }

    /** Runs {@code steps} random steps, then heals the network and checks that the replicas converge. */
    void run(int steps) {
        try {
            for (step = 0; step < steps; step++) {
                randomStep();
            }
            settle();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + " (rerun: -Dweir.sim.seed=" + seed + "), step " + step
                + ": " + e.getMessage() + "\nlast steps:\n  " + String.join("\n  ", trace) + "\n" + dump(), e);
        }
    }

    private String dump() {
 StringBuilder sb = new StringBuilder("produce answers " + outcomes + "\nregistered " + zk.registeredBrokers().stream()
            .map(b -> b.id() + "@" + b.epoch()).toList() + ", isolated " + isolated + ", cut from ZooKeeper " + zkCut + ", controller "
            + controller().epoch() + " sees live " + controller().state().liveBrokers().keySet());
        for (TopicPartition tp : partitions) {
            sb.append("\n").append(tp).append(": zk ").append(zk.state(tp)).append(", controller ")
                .append(controller().state().partitionState(tp)).append(' ')
                .append(controller().state().leadership(tp).orElse(null));
            for (int b : BROKERS) {
                kit.rm(b).partition(tp).ifPresent(p -> sb.append("\n  broker ").append(b).append(": ").append(p)
                    .append(" LEO ").append(p.log().logEndOffset()).append(" HW ").append(p.highWatermark()));
            }
        }
        return sb.toString();
    }

    int acknowledged() {
        return acknowledged;
    }

    void close() {
        kit.close();
    }

    private SimController controller() {
        return controllers.get(controllers.size() - 1);
    }

    private void randomStep() {
        int op = random.nextInt(200);
        if (op < 50) {
            produce();
        } else if (op < 116) {
            fetcherTurn(pick(BROKERS));
        } else if (op < 144) {
            deliverControlRequest();
        } else if (op < 160) {
            did("controller reads ZooKeeper notifications");
            controller().onZkNotifications();
        } else if (op < 176) {
            advanceTime(random.nextInt(5) == 0 ? random.nextInt(20_000) : random.nextInt(2_000));
        } else if (op < 178) {
            isolate(pick(BROKERS));
        } else if (op < 180) {
            cutFromZk(pick(BROKERS));
        } else if (op < 186) {
            Set<Integer> cut = disconnected();
            if (!cut.isEmpty()) {
                heal(pick(cut));
            }
        } else if (op < 187) {
            restart(pick(BROKERS));
        } else if (op < 188) {
            crash(pick(BROKERS));
        } else if (op < 192) {
            int a = pick(BROKERS);
            int b = pick(BROKERS);
            did("cut link " + a + " - " + b);
            cutLinks.add(linkKey(a, b));
        } else if (op < 196) {
            did("heal links");
            cutLinks.clear();
        } else if (op < 198) {
            did("controller moves");
            controller().depose();
            controllers.add(new SimController(zk, invariants::onRequest));
        } else if (op < 199) {
            controllers.stream().filter(c -> c != controller() && c.isDeposed()).findFirst().ifPresent(c -> {
                did("deposed controller " + c.epoch() + " notices");
                c.resign();
            });
        } else {
            did("auto preferred leader rebalance");
            controller().onEvent(new ControllerEvent.AutoPreferredLeaderRebalance());
        }
        check();
    }

    /** One bounded turn of a broker's fetchers (not from inside another one: a fetcher thread does one thing at a time). */
    private void fetcherTurn(int b) {
        if (inFetch || down.contains(b)) {
            return;
        }
        did("fetcher turn of " + b);
        inFetch = true;
        try {
            kit.rm(b).replicaFetcherManager().doWork();
        } finally {
            inFetch = false;
        }
    }

    private void check() {
        for (Produced p : produced) {
            if (p.result().isDone()) {
                outcomes.merge(p.result().join().error().name(), 1, Integer::sum);
            }
            if (p.result().isDone() && p.result().join().error() == Errors.NONE) {
                invariants.onAcknowledged(p.tp(), p.result().join().baseOffset(), p.values());
                acknowledged++;
            }
        }
        produced.removeIf(p -> p.result().isDone());
        invariants.check("after " + trace.peekLast());
    }

    private void did(String what) {
        trace.add(step + (inFetch ? " (during a fetch)" : "") + " t=" + kit.time.milliseconds() % 1_000_000 + ": "
            + what);
        if (trace.size() > TRACE) {
            trace.removeFirst();
        }
    }

    // ---- clients ----

    /** acks=all to the leader ZooKeeper names, or to any broker that believes it leads (a client with old metadata). */
    private void produce() {
        TopicPartition tp = pick(partitions);
        LeaderAndIsr state = zk.state(tp);
        List<Integer> believers = BROKERS.stream()
            .filter(b -> kit.rm(b).partition(tp).map(Partition::isLeader).orElse(false)).toList();
        int target = random.nextInt(10) < 7 && state != null && state.leader() >= 0 ? state.leader()
            : believers.isEmpty() ? pick(BROKERS) : pick(believers);
        if (isolated.contains(target)) {
            return;
        }
        List<String> values = new ArrayList<>();
        for (int i = random.nextInt(3); i >= 0; i--) {
            values.add(tp.partition() + ":" + next++);
        }
        did("produce " + values + " to " + target);
        produced.add(new Produced(tp, values, kit.produce(target, tp, (short) -1, values.toArray(new String[0]))));
    }

    // ---- control plane ----

    private void deliverControlRequest() {
        List<SimController> senders = controllers.stream().filter(c -> !c.idle()).toList();
        if (senders.isEmpty()) {
            return;
        }
        SimController c = pick(senders);
        int b = pick(c.brokersWithRequests());
        if (isolated.contains(b)) {
            return;
        }
        boolean answered = random.nextInt(100) >= LOSS_PERCENT;
        c.deliver(b, answered, random.nextBoolean()).ifPresent(r -> {
            did("controller " + c.epoch() + " -> broker " + b + ": " + describe(r) + (answered ? "" : " (answer lost)"));
            apply(b, r);
        });
    }

    private void apply(int b, BrokerRequest r) {
        if (r instanceof BrokerRequest.LeaderAndIsrRequest l) {
            kit.rm(b).becomeLeaderOrFollower(l, kit::topicConfig);
        } else if (r instanceof BrokerRequest.StopReplicaRequest s) {
            kit.rm(b).stopReplicas(s);
        }
        // UpdateMetadata feeds the metadata cache, which the simulation does not build.
    }

    private static String describe(BrokerRequest r) {
        if (r instanceof BrokerRequest.LeaderAndIsrRequest l) {
            return "LeaderAndIsr(epoch " + l.controllerEpoch() + ") " + l.partitions().stream()
                .map(p -> p.partition().partition() + ":leader=" + p.leader() + ",epoch=" + p.leaderEpoch() + ",isr="
                    + p.isr() + ",v" + p.partitionEpoch()).toList();
        }
        return r.getClass().getSimpleName() + "(epoch " + r.controllerEpoch() + ")";
    }

    // ---- network and time ----

    private void isolate(int b) {
        if (isolated.add(b)) {
            did("isolate broker " + b);
            disconnectedSinceMs.putIfAbsent(b, kit.time.milliseconds());
        }
    }

    /** Only ZooKeeper is out of reach: the broker's session expires while it goes on serving (a zombie). */
    private void cutFromZk(int b) {
        if (zkCut.add(b)) {
            did("cut broker " + b + " from ZooKeeper");
            disconnectedSinceMs.putIfAbsent(b, kit.time.milliseconds());
        }
    }

    private boolean zkReachable(int b) {
        return !isolated.contains(b) && !zkCut.contains(b);
    }

    private Set<Integer> disconnected() {
        Set<Integer> cut = new TreeSet<>(isolated);
        cut.addAll(zkCut);
        return cut;
    }

    /** The broker is reachable again; if its session expired meanwhile it registers anew (a new epoch). */
    private void heal(int b) {
        if (down.contains(b)) {
            if (!zk.isRegistered(b)) {
                did("start crashed broker " + b);
                down.remove(b);
                kit.start(b);
                fenceByRegistration(b);
                heal(b);
            }
            return;
        }
        if (isolated.remove(b) | zkCut.remove(b)) {
            did("heal broker " + b);
            disconnectedSinceMs.remove(b);
            if (!zk.isRegistered(b)) {
                zk.register(kit.broker(b).live());
            }
        }
    }

    /**
     * A clean restart, sometimes after a controlled shutdown: the shutdown closes the session, the
     * new process registers anew once it can reach ZooKeeper.
     */
    private void restart(int b) {
        if (inFetch || down.contains(b)) {
            return;
        }
        if (!isolated.contains(b) && zk.isRegistered(b) && random.nextBoolean()) {
            // The broker asks the controller to move its leaderships first; it does not wait for
            // the moves to reach the other brokers (the real one retries until it leads nothing).
            did("controlled shutdown of broker " + b);
            controller().onEvent(new ControllerEvent.ControlledShutdown(b, zk.registeredEpoch(b)));
        }
        did("restart broker " + b);
        kit.stop(b, false);
        kit.start(b);
        fenceByRegistration(b);
        invariants.onRestart(b);
        zk.expireSession(b);
        if (zkReachable(b)) {
            zk.register(kit.broker(b).live());
        }
    }

    /** The process dies; its session expires after the timeout, then it can start again (see {@link #heal}). */
    private void crash(int b) {
        if (inFetch || down.contains(b)) {
            return;
        }
        did("crash broker " + b);
        kit.stop(b, true);
        invariants.onRestart(b);
        isolate(b);
        down.add(b);
    }

    private void advanceTime(long ms) {
        did("time +" + ms + " ms");
        kit.time.sleep(ms);
        disconnectedSinceMs.forEach((b, since) -> {
            if (kit.time.milliseconds() - since >= SESSION_TIMEOUT_MS && zk.isRegistered(b)) {
                did("session of broker " + b + " expires");
                zk.expireSession(b);
            }
        });
    }

    private boolean reachable(int from, int to) {
        return !isolated.contains(from) && !isolated.contains(to) && !cutLinks.contains(linkKey(from, to));
    }

    private static int linkKey(int a, int b) {
        return Math.min(a, b) * 1000 + Math.max(a, b);
    }

    /** A follower's connection to a leader: requests and answers are lost, or held while other steps run. */
    private LeaderEndpoint link(int follower, int leader, LeaderEndpoint inMemory) {
        return new LeaderEndpoint() {
            @Override
            public <T> T fetch(FetchRequest.Builder request, Function<FetchResponseData, T> onResponse)
                    throws IOException {
                return onResponse.apply(exchange(() -> inMemory.fetch(request, response -> response)));
            }

            @Override
            public OffsetForLeaderEpochResponseData offsetsForLeaderEpoch(OffsetsForLeaderEpochRequest.Builder request)
                    throws IOException {
                return exchange(() -> inMemory.offsetsForLeaderEpoch(request));
            }

            private <T> T exchange(Call<T> call) throws IOException {
                transit(follower, leader, "request");
                T response = call.call();
                transit(leader, follower, "answer");
                return response;
            }

            @Override
            public void close() {
            }
        };
    }

    private void transit(int from, int to, String what) throws IOException {
        if (healed) {
            return;
        }
        int delaySteps = random.nextInt(4) == 0 ? 1 + random.nextInt(4) : 0;
        for (int i = 0; i < delaySteps; i++) {
            randomStep();
        }
        if (!reachable(from, to) || random.nextInt(100) < LOSS_PERCENT) {
            did(what + " " + from + " -> " + to + " lost");
            throw new IOException(what + " from " + from + " to " + to + " lost");
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T call() throws IOException;
    }

    // ---- the end: heal and converge ----

    private void settle() {
        did("heal everything");
        healed = true;
        down.forEach(zk::expireSession);
        disconnected().forEach(this::heal);
        cutLinks.clear();
        controllers.stream().filter(SimController::isDeposed).forEach(SimController::resign);
        for (int round = 0; round < 200 && !converged(); round++) {
            controller().onZkNotifications();
            for (SimController c : controllers) {
                for (int b : c.brokersWithRequests()) {
                    c.deliver(b, true, true).ifPresent(r -> apply(b, r));
                }
            }
            for (int b : BROKERS) {
                kit.rm(b).replicaFetcherManager().doWork();
            }
            kit.time.sleep(kit.config.replicaFetchBackoffMs());
            invariants.check("settling, round " + round);
        }
        check();
        assertConverged();
    }

    private boolean converged() {
        try {
            assertConverged();
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    private void assertConverged() {
        if (zk.hasNotifications() || controllers.stream().anyMatch(c -> !c.idle())) {
            throw new AssertionError("the controller still has work");
        }
        for (TopicPartition tp : partitions) {
            Optional<Partition> leader = invariants.currentLeader(tp);
            if (leader.isEmpty()) {
                throw new AssertionError(tp + " has no leader: " + zk.state(tp));
            }
            Partition l = leader.get();
            List<Integer> replicas = controller().state().assignment(tp).orElseThrow().replicas();
            if (!new TreeSet<>(zk.state(tp).isr()).equals(new TreeSet<>(replicas))) {
                throw new AssertionError(tp + " ISR " + zk.state(tp).isr() + " is not all of " + replicas);
            }
            long end = l.log().logEndOffset();
            if (l.highWatermark() != end) {
                throw new AssertionError(tp + " leader HW " + l.highWatermark() + " below its LEO " + end);
            }
            List<String> values = ReplicationTestKit.values(l.log());
            List<Integer> epochs = ReplicationTestKit.epochs(l.log());
            for (int b : replicas) {
                Partition p = kit.rm(b).partition(tp).orElseThrow(() -> new AssertionError(b + " lacks " + tp));
                if (!ReplicationTestKit.values(p.log()).equals(values)
                        || !ReplicationTestKit.epochs(p.log()).equals(epochs) || p.highWatermark() != end) {
                    throw new AssertionError(tp + " on broker " + b + " differs from leader " + l.leaderId() + ": "
                        + ReplicationTestKit.values(p.log()) + " HW " + p.highWatermark() + " vs " + values);
                }
            }
        }
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private <T> T pick(Set<T> set) {
        return pick(new ArrayList<>(set));
    }
}
