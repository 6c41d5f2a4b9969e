package io.weir.broker.server;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.common.TopicIdPartition;

import io.weir.common.Time;

/**
 * Incremental fetch sessions (KIP-227): the partitions a client fetches are remembered under a
 * session id, so later requests carry only what changed and responses only partitions with news.
 * At most {@code max.incremental.fetch.session.cache.slots} sessions. When a new one needs room,
 * as in Kafka: a session unused for {@link #EVICTION_MS} goes first; otherwise the least recently
 * used consumer session makes way; a followers' session (privileged) is never evicted by a newer
 * session while it is in use, so many consumers cannot push replication back to full fetches. With
 * nothing to evict the client gets no session and fetches sessionless.
 *
 * <p>Thread-safe: the cache is guarded by its own lock and each session by its own.
 */
public final class FetchSessionCache {

    /** Kafka's {@code MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS}: a session unused this long may be evicted by any. */
    public static final long EVICTION_MS = 120_000L;

    private final int maxSlots;
    private final Time time;
    private final LinkedHashMap<Integer, FetchSession> sessions = new LinkedHashMap<>(16, 0.75f, true);

    public FetchSessionCache(int maxSlots, Time time) {
        this.maxSlots = maxSlots;
        this.time = time;
    }

    /** Creates a consumer's session, or returns null when there is no room (see the class comment). */
    public FetchSession create(LinkedHashMap<TopicIdPartition, CachedPartition> partitions) {
        return create(partitions, false);
    }

    /**
     * Creates a session, or returns null when there is no room for it.
     *
     * @param privileged a follower's session (Fetch with a replica id), which consumers cannot evict
     */
    public synchronized FetchSession create(LinkedHashMap<TopicIdPartition, CachedPartition> partitions,
                                            boolean privileged) {
        long nowMs = time.milliseconds();
        if (sessions.size() >= maxSlots && !maybeEvict(nowMs)) {
            return null;
        }
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        FetchSession session = new FetchSession(id, partitions, privileged, nowMs);
        sessions.put(id, session);
        return session;
    }

    /** Frees one slot: the stalest session if unused for {@link #EVICTION_MS}, else the least recently used consumer's. */
    private boolean maybeEvict(long nowMs) {
        Iterator<FetchSession> byLastUse = sessions.values().iterator();
        FetchSession victim = null;
        while (byLastUse.hasNext()) {
            FetchSession s = byLastUse.next();
            if (nowMs - s.lastUsedMs() >= EVICTION_MS || !s.privileged()) {
                victim = s;
                break;
            }
        }
        if (victim == null) {
            return false;
        }
        sessions.remove(victim.id());
        return true;
    }

    public synchronized FetchSession get(int sessionId) {
        return sessions.get(sessionId);
    }

    public synchronized void remove(int sessionId) {
        sessions.remove(sessionId);
    }

    public synchronized int size() {
        return sessions.size();
    }

    /** One client's session: its partitions in fetch order, and the next epoch it must send. */
    public static final class FetchSession {
        private final int id;
        private final LinkedHashMap<TopicIdPartition, CachedPartition> partitions;
        private final boolean privileged;
        private int nextEpoch = 1;
        private long lastUsedMs;

        FetchSession(int id, LinkedHashMap<TopicIdPartition, CachedPartition> partitions, boolean privileged,
                     long nowMs) {
            this.id = id;
            this.partitions = partitions;
            this.privileged = privileged;
            this.lastUsedMs = nowMs;
        }

        public int id() {
            return id;
        }

        /** Whether a follower opened it. */
        public boolean privileged() {
            return privileged;
        }

        public synchronized int nextEpoch() {
            return nextEpoch;
        }

        public synchronized void advanceEpoch(long nowMs) {
            nextEpoch = nextEpoch == Integer.MAX_VALUE ? 1 : nextEpoch + 1;
            lastUsedMs = nowMs;
        }

        public synchronized long lastUsedMs() {
            return lastUsedMs;
        }

        /** The session's partitions; callers hold the session's lock while they use it. */
        public LinkedHashMap<TopicIdPartition, CachedPartition> partitions() {
            return partitions;
        }

        /** Adds or updates partitions from an incremental request and drops forgotten ones. */
        public synchronized void update(Map<TopicIdPartition, CachedPartition> changed,
                                        Iterable<TopicIdPartition> forgotten) {
            for (TopicIdPartition tip : forgotten) {
                partitions.remove(tip);
            }
            for (Map.Entry<TopicIdPartition, CachedPartition> e : changed.entrySet()) {
                CachedPartition old = partitions.get(e.getKey());
                if (old != null) {
                    old.fetchOffset = e.getValue().fetchOffset;
                    old.maxBytes = e.getValue().maxBytes;
                    old.currentLeaderEpoch = e.getValue().currentLeaderEpoch;
                    old.fetcherLogStartOffset = e.getValue().fetcherLogStartOffset;
                } else {
                    partitions.put(e.getKey(), e.getValue());
                }
            }
        }
    }

    /** A partition in a session: where the client reads, and what it was last told. */
    public static final class CachedPartition {
        long fetchOffset;
        int maxBytes;
        int currentLeaderEpoch;
        long fetcherLogStartOffset;
        long highWatermark = -1L;
        long logStartOffset = -1L;

        public CachedPartition(long fetchOffset, int maxBytes, int currentLeaderEpoch) {
            this(fetchOffset, maxBytes, currentLeaderEpoch, -1L);
        }

        /** @param fetcherLogStartOffset the fetching follower's log start offset (-1 from consumers) */
        public CachedPartition(long fetchOffset, int maxBytes, int currentLeaderEpoch, long fetcherLogStartOffset) {
            this.fetchOffset = fetchOffset;
            this.maxBytes = maxBytes;
            this.currentLeaderEpoch = currentLeaderEpoch;
            this.fetcherLogStartOffset = fetcherLogStartOffset;
        }

        public long fetchOffset() {
            return fetchOffset;
        }

        public int maxBytes() {
            return maxBytes;
        }

        public int currentLeaderEpoch() {
            return currentLeaderEpoch;
        }

        public long fetcherLogStartOffset() {
            return fetcherLogStartOffset;
        }

        /**
         * Records what a response tells the client; returns true if the partition has news
         * (records, an error, a preferred read replica, or a moved high watermark or log start
         * offset) and so belongs in an incremental response.
         */
        public boolean maybeUpdateResponseData(FetchPartitionResult result) {
            boolean news = result.sizeInBytes() > 0 || result.error().code() != 0 || result.hasPreferredReadReplica()
                || result.highWatermark() != highWatermark || result.logStartOffset() != logStartOffset;
            highWatermark = result.highWatermark();
            logStartOffset = result.logStartOffset();
            return news;
        }
    }
}
