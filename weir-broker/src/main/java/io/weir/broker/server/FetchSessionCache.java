package io.weir.broker.server;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;

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
 * <p>A follower's session, given {@link SessionPartitions}, is read by what has news: a partition
 * is at rest once an answer told the follower everything (it is at the leader's end and knows
 * the high watermark and log start), and until a change marks it again an incremental fetch does
 * not read it. Every {@link #FULL_READ_INTERVAL_MS} one fetch reads the whole session, which
 * catches what no event marks (a log start moved by retention) and refreshes the follower's
 * fetch state. Kafka's incremental fetch reads every partition of the session on every request;
 * on a broker with hundreds of quiet partitions per follower that was most of the fetch's cost.
 *
 * <p>Thread-safe: the cache is guarded by its own lock and each session by its own.
 */
public final class FetchSessionCache {

    /** Kafka's {@code MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS}: a session unused this long may be evicted by any. */
    public static final long EVICTION_MS = 120_000L;

    /** How often a follower's incremental fetch reads every partition of its session, not only those with news. */
    public static final long FULL_READ_INTERVAL_MS = 1_000L;

    private final int maxSlots;
    private final Time time;
    private final UnaryOperator<TopicIdPartition> canonical;
    /** Null: followers' sessions are read whole on every fetch. */
    private final SessionPartitions tracked;
    private final LinkedHashMap<Integer, FetchSession> sessions = new LinkedHashMap<>(16, 0.75f, true);

    public FetchSessionCache(int maxSlots, Time time) {
        this(maxSlots, time, UnaryOperator.identity(), null);
    }

    /**
     * @param canonical what a session keeps as a partition's key, once, when the partition joins it
     *     (ReplicaManager::hosted: the broker's own instance, which every later fetch of the session
     *     looks up by)
     * @param tracked where followers' sessions register their partitions to hear of changes
     *     (ReplicaManager.sessionPartitions); null: followers' sessions are read whole every time
     */
    public FetchSessionCache(int maxSlots, Time time, UnaryOperator<TopicIdPartition> canonical,
                             SessionPartitions tracked) {
        this.maxSlots = maxSlots;
        this.time = time;
        this.canonical = canonical;
        this.tracked = tracked;
    }

    /**
     * Kafka's {@code FetchManager.newContext}: what one Fetch's session metadata asks for. A full
     * request (epoch 0 or -1) closes the session it names, and epoch 0 opens a new one with
     * {@code requested}; an incremental one applies {@code requested} and {@code forgotten} to its
     * session and advances the epoch, or fails with FETCH_SESSION_ID_NOT_FOUND or
     * INVALID_FETCH_SESSION_EPOCH.
     *
     * @param privileged the request is a follower's (it has a replica id)
     */
    public FetchContext newContext(FetchMetadata md, LinkedHashMap<TopicIdPartition, CachedPartition> requested,
                                   Iterable<TopicIdPartition> forgotten, boolean privileged) {
        if (md.isFull()) {
            if (md.sessionId() != FetchMetadata.INVALID_SESSION_ID) {
                remove(md.sessionId());
            }
            FetchSession session = md.epoch() == FetchMetadata.INITIAL_EPOCH ? create(requested, privileged) : null;
            return new FetchContext(Errors.NONE, session, requested, false);
        }
        FetchSession session = get(md.sessionId());
        if (session == null) {
            return FetchContext.failed(Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
        synchronized (session) {
            if (session.nextEpoch() != md.epoch()) {
                return FetchContext.failed(Errors.INVALID_FETCH_SESSION_EPOCH);
            }
            long nowMs = time.milliseconds();
            session.update(requested, forgotten);
            session.advanceEpoch(nowMs);
            return new FetchContext(Errors.NONE, session, session.toRead(nowMs), true);
        }
    }

    /** A request's partitions as a session keeps them. */
    public static LinkedHashMap<TopicIdPartition, CachedPartition> cached(
            Map<TopicIdPartition, FetchRequest.PartitionData> fetchData) {
        LinkedHashMap<TopicIdPartition, CachedPartition> cached = new LinkedHashMap<>();
        fetchData.forEach((tip, pd) -> cached.put(tip, new CachedPartition(pd.fetchOffset, pd.maxBytes,
            pd.currentLeaderEpoch.orElse(-1), pd.logStartOffset)));
        return cached;
    }

    /**
     * One Fetch's view of its session: the partitions to read (all of the session's for an
     * incremental request), the session to answer under (null: sessionless), or an error.
     */
    public record FetchContext(Errors error, FetchSession session,
                               LinkedHashMap<TopicIdPartition, CachedPartition> partitions, boolean incremental) {

        static FetchContext failed(Errors error) {
            return new FetchContext(error, null, new LinkedHashMap<>(), false);
        }

        /**
         * The follower's session this fetch reads by news ({@link SessionPartitions}), or null: it
         * reads {@link #partitions()} and no more. Such a fetch waits under its session and reads
         * the partitions with news again when it completes ({@link FetchSession#positionsWithNews}).
         */
        public FetchSession readsByNews() {
            return incremental && session != null && session.tracked() ? session : null;
        }

        /** The session id the answer carries. */
        public int sessionId() {
            return session == null ? FetchMetadata.INVALID_SESSION_ID : session.id();
        }

        /**
         * Records what the answer tells the client about {@code tip} and returns whether it goes in
         * the answer: always in a full one, in an incremental one when it has news.
         */
        public boolean include(TopicIdPartition tip, FetchPartitionResult result) {
            if (session == null) {
                return true;
            }
            synchronized (session) {
                CachedPartition cp = session.partitions().get(tip);
                boolean news = cp == null || cp.maybeUpdateResponseData(result);
                if (cp != null) {
                    session.settle(cp, result);
                }
                return !incremental || news;
            }
        }
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
        FetchSession session = new FetchSession(id, partitions, privileged, nowMs, canonical,
            privileged ? tracked : null);
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
        sessions.remove(victim.id()).close();
        return true;
    }

    public synchronized FetchSession get(int sessionId) {
        return sessions.get(sessionId);
    }

    public synchronized void remove(int sessionId) {
        FetchSession removed = sessions.remove(sessionId);
        if (removed != null) {
            removed.close();
        }
    }

    public synchronized int size() {
        return sessions.size();
    }

    /**
     * One client's session: its partitions in fetch order, and the next epoch it must send. A
     * tracked (follower's) session also keeps which partitions have news, in the order they are
     * to be read.
     */
    public static final class FetchSession {
        private final int id;
        private final LinkedHashMap<TopicIdPartition, CachedPartition> partitions;
        private final boolean privileged;
        private final UnaryOperator<TopicIdPartition> canonical;
        private final SessionPartitions tracker;
        private final LinkedHashSet<CachedPartition> withNews = new LinkedHashSet<>();
        private int nextEpoch = 1;
        private long lastUsedMs;
        private long lastFullReadMs;

        FetchSession(int id, LinkedHashMap<TopicIdPartition, CachedPartition> partitions, boolean privileged,
                     long nowMs, UnaryOperator<TopicIdPartition> canonical, SessionPartitions tracker) {
            this.id = id;
            this.partitions = new LinkedHashMap<>();
            this.privileged = privileged;
            this.canonical = canonical;
            this.tracker = tracker;
            this.lastUsedMs = nowMs;
            this.lastFullReadMs = nowMs;   // the full fetch that opens it reads every partition
            partitions.forEach(this::join);
        }

        public int id() {
            return id;
        }

        /** Whether a follower opened it. */
        public boolean privileged() {
            return privileged;
        }

        /** Whether it hears of changes to its partitions and is read by news. */
        boolean tracked() {
            return tracker != null;
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
                CachedPartition gone = partitions.remove(tip);
                if (gone != null) {
                    leave(gone);
                }
            }
            for (Map.Entry<TopicIdPartition, CachedPartition> e : changed.entrySet()) {
                CachedPartition old = partitions.get(e.getKey());
                if (old != null) {
                    old.fetchOffset = e.getValue().fetchOffset;
                    old.maxBytes = e.getValue().maxBytes;
                    old.currentLeaderEpoch = e.getValue().currentLeaderEpoch;
                    old.fetcherLogStartOffset = e.getValue().fetcherLogStartOffset;
                    markNews(old);
                } else {
                    join(e.getKey(), e.getValue());
                }
            }
        }

        private void join(TopicIdPartition tip, CachedPartition cp) {
            TopicIdPartition key = canonical.apply(tip);
            cp.key = key;
            cp.session = this;
            partitions.put(key, cp);
            if (tracker != null) {
                tracker.add(key.topicPartition(), cp);
            }
            markNews(cp);
        }

        private void leave(CachedPartition cp) {
            withNews.remove(cp);
            if (tracker != null) {
                tracker.remove(cp.key.topicPartition(), cp);
            }
        }

        /** The session leaves the cache: its partitions stop hearing of changes. */
        synchronized void close() {
            partitions.values().forEach(this::leave);
        }

        /** Something the client must hear of changed in {@code cp}: it is read by the next fetch. */
        synchronized void markNews(CachedPartition cp) {
            cp.marks++;
            withNews.add(cp);
        }

        /**
         * What an incremental fetch reads on arrival: every partition (untracked, or a full read
         * is due), else the partitions with news. Each is stamped as read, see {@link #settle}.
         */
        synchronized LinkedHashMap<TopicIdPartition, CachedPartition> toRead(long nowMs) {
            if (tracker == null || nowMs - lastFullReadMs >= FULL_READ_INTERVAL_MS) {
                lastFullReadMs = nowMs;
                partitions.values().forEach(cp -> cp.readMarks = cp.marks);
                return new LinkedHashMap<>(partitions);
            }
            LinkedHashMap<TopicIdPartition, CachedPartition> read = new LinkedHashMap<>();
            for (CachedPartition cp : withNews) {
                cp.readMarks = cp.marks;
                read.put(cp.key, cp);
            }
            return read;
        }

        /**
         * Where the partitions with news read now, for a fetch that waited under this session:
         * {@code forRead} when it is answered (stamped as read), else to size what it could answer.
         * Partitions of unknown topics are left out: the fetch answered them when it arrived.
         */
        synchronized LinkedHashMap<TopicIdPartition, ReplicaManager.FetchPosition> positionsWithNews(
                boolean forRead) {
            LinkedHashMap<TopicIdPartition, ReplicaManager.FetchPosition> positions = new LinkedHashMap<>();
            for (CachedPartition cp : withNews) {
                if (cp.key.topic() != null) {
                    if (forRead) {
                        cp.readMarks = cp.marks;
                    }
                    positions.put(cp.key, cp.position());
                }
            }
            return positions;
        }

        /**
         * After an answer about {@code cp} (the caller holds the lock): it comes to rest when the
         * answer found it at its end with nothing else to tell and nothing marked it since it was
         * read; otherwise it goes to the back of those with news, so that partitions with a lot
         * to send take turns under the fetch's max bytes.
         */
        void settle(CachedPartition cp, FetchPartitionResult result) {
            if (tracker == null) {
                return;
            }
            withNews.remove(cp);
            boolean atRest = result.atEnd() && result.error() == Errors.NONE && !result.hasPreferredReadReplica()
                && cp.marks == cp.readMarks;
            if (!atRest) {
                withNews.add(cp);
            }
        }

        /** How many partitions have news; for tests. */
        synchronized int partitionsWithNews() {
            return withNews.size();
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
        /** Set when it joins a session: its key there, and the session. */
        TopicIdPartition key;
        FetchSession session;
        /** Changes marked, and how many of them the last read saw (under the session's lock). */
        long marks;
        long readMarks;

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

        FetchSession session() {
            return session;
        }

        /** Where the ReplicaManager reads this partition for the client. */
        public ReplicaManager.FetchPosition position() {
            return new ReplicaManager.FetchPosition(fetchOffset, maxBytes, currentLeaderEpoch, fetcherLogStartOffset);
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
