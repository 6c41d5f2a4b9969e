package io.weir.broker.replica;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.broker.server.Partition;
import io.weir.broker.server.ReplicaConfig;
import io.weir.common.Time;

/**
 * The follower fetchers of this broker (Kafka's ReplicaFetcherManager): {@code
 * num.replica.fetchers} fetchers per source broker, a partition always on the same one
 * ({@code abs(31 * hash(topic) + partition) % num.replica.fetchers}). A fetcher whose leader
 * moved to another address is replaced. With {@code runThreads} false no thread starts and
 * {@link #doWork()} runs the fetchers on the caller's thread (deterministic tests).
 *
 * <p>Thread-safe: all methods synchronize on the manager; fetcher threads never take its lock.
 */
public final class ReplicaFetcherManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcherManager.class);

    private record FetcherKey(int brokerId, int fetcherId) {
    }

    private record Handle(ReplicaFetcher fetcher, ReplicaFetcherThread thread) {
        void shutdown() {
            if (thread != null) {
                thread.shutdown();
            } else {
                fetcher.initiateShutdown();
            }
        }
    }

    private final int localBrokerId;
    private final ReplicaConfig config;
    private final LeaderEndpoint.Factory endpoints;
    private final Function<TopicPartition, Optional<Partition>> partitions;
    private final Consumer<TopicPartition> onHighWatermarkMoved;
    private final Time time;
    private final boolean runThreads;
    private final Map<FetcherKey, Handle> fetchers = new HashMap<>();
    private boolean closed;

    public ReplicaFetcherManager(int localBrokerId, ReplicaConfig config, LeaderEndpoint.Factory endpoints,
                                 Function<TopicPartition, Optional<Partition>> partitions, Time time,
                                 boolean runThreads) {
        this(localBrokerId, config, endpoints, partitions, tp -> {
        }, time, runThreads);
    }

    /**
     * @param onHighWatermarkMoved told (on a fetcher thread, no lock held) of each partition whose
     *     high watermark a fetch moved, so consumers fetching from this follower are answered
     */
    public ReplicaFetcherManager(int localBrokerId, ReplicaConfig config, LeaderEndpoint.Factory endpoints,
                                 Function<TopicPartition, Optional<Partition>> partitions,
                                 Consumer<TopicPartition> onHighWatermarkMoved, Time time, boolean runThreads) {
        this.localBrokerId = localBrokerId;
        this.config = config;
        this.endpoints = endpoints;
        this.partitions = partitions;
        this.onHighWatermarkMoved = onHighWatermarkMoved;
        this.time = time;
        this.runThreads = runThreads;
    }

    /** Kafka's fetcher id of a partition. */
    public static int fetcherId(TopicPartition tp, int numFetchers) {
        return Utils.abs(31 * tp.topic().hashCode() + tp.partition()) % numFetchers;
    }

    /**
     * Follows the partitions from their leaders. A partition fetched from another leader (or
     * fetcher) before is moved; one already fetched at the same leader and epoch keeps its
     * position.
     */
    public synchronized void addFetcherForPartitions(Map<TopicPartition, InitialFetchState> initial) {
        if (closed) {
            return;
        }
        Map<FetcherKey, Map<TopicPartition, InitialFetchState>> byFetcher = new LinkedHashMap<>();
        initial.forEach((tp, init) -> byFetcher.computeIfAbsent(
            new FetcherKey(init.leader().id(), fetcherId(tp, config.numReplicaFetchers())),
            k -> new LinkedHashMap<>()).put(tp, init));
        byFetcher.forEach((key, group) -> {
            BrokerEndpoint leader = group.values().iterator().next().leader();
            Handle handle = fetchers.get(key);
            if (handle != null && !handle.fetcher().leader().equals(leader)) {
                LOG.info("Leader {} moved to {}; replacing {}", key.brokerId(), leader, handle.fetcher().name());
                handle.shutdown();
                fetchers.remove(key);
                handle = null;
            }
            if (handle == null) {
                handle = create(key, leader);
                fetchers.put(key, handle);
            }
            for (Map.Entry<FetcherKey, Handle> other : fetchers.entrySet()) {
                if (!other.getKey().equals(key)) {
                    other.getValue().fetcher().removePartitions(group.keySet());
                }
            }
            handle.fetcher().addPartitions(group);
        });
    }

    private Handle create(FetcherKey key, BrokerEndpoint leader) {
        String name = "ReplicaFetcherThread-" + key.fetcherId() + "-" + key.brokerId();
        LeaderEndpoint endpoint = endpoints.create(leader, "broker-" + localBrokerId + "-fetcher-" + key.fetcherId());
        ReplicaFetcher fetcher = new ReplicaFetcher(name, localBrokerId, leader, endpoint, config, partitions,
            onHighWatermarkMoved, time);
        ReplicaFetcherThread thread = null;
        if (runThreads) {
            thread = new ReplicaFetcherThread(fetcher, config.replicaFetchBackoffMs());
            thread.start();
        }
        return new Handle(fetcher, thread);
    }

    /** Stops following the partitions; when this returns no fetcher touches their logs any more. */
    public synchronized void removeFetcherForPartitions(Collection<TopicPartition> tps) {
        if (tps.isEmpty()) {
            return;
        }
        for (Handle handle : fetchers.values()) {
            handle.fetcher().removePartitions(tps);
        }
    }

    /** Stops the fetchers left without partitions. */
    public synchronized void shutdownIdleFetcherThreads() {
        Iterator<Handle> it = fetchers.values().iterator();
        while (it.hasNext()) {
            Handle handle = it.next();
            if (handle.fetcher().partitionCount() == 0) {
                handle.shutdown();
                it.remove();
            }
        }
    }

    /** Whether {@code tp} is fetched from {@code leaderId} at {@code leaderEpoch}. */
    public synchronized boolean isFetching(TopicPartition tp, int leaderId, int leaderEpoch) {
        for (Map.Entry<FetcherKey, Handle> e : fetchers.entrySet()) {
            Optional<PartitionFetchState> state = e.getValue().fetcher().fetchState(tp);
            if (state.isPresent()) {
                return e.getKey().brokerId() == leaderId && state.get().currentLeaderEpoch() == leaderEpoch;
            }
        }
        return false;
    }

    /** The fetch state of {@code tp}, if a fetcher follows it. */
    public synchronized Optional<PartitionFetchState> fetchState(TopicPartition tp) {
        for (Handle handle : fetchers.values()) {
            Optional<PartitionFetchState> state = handle.fetcher().fetchState(tp);
            if (state.isPresent()) {
                return state;
            }
        }
        return Optional.empty();
    }

    public synchronized List<ReplicaFetcher> fetchers() {
        List<ReplicaFetcher> list = new ArrayList<>();
        fetchers.values().forEach(h -> list.add(h.fetcher()));
        return list;
    }

    /**
     * One turn of every fetcher on the caller's thread (for a manager without threads).
     *
     * @return the sum of the fetchers' {@link ReplicaFetcher#doWork()}
     */
    public int doWork() {
        if (runThreads) {
            throw new IllegalStateException("the fetchers run on their own threads");
        }
        int work = 0;
        for (ReplicaFetcher fetcher : fetchers()) {
            work += fetcher.doWork();
        }
        return work;
    }

    @Override
    public synchronized void close() {
        closed = true;
        fetchers.values().forEach(Handle::shutdown);
        fetchers.clear();
    }
}
