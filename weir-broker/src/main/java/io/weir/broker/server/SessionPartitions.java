package io.weir.broker.server;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;

import io.weir.broker.server.FetchSessionCache.CachedPartition;
import io.weir.broker.server.FetchSessionCache.FetchSession;

/**
 * Which followers' fetch sessions hold each partition. A change to a partition that a follower
 * must hear of (an append, a moved high watermark or log start, a new leader or epoch, the
 * partition gone) marks it as having news in those sessions and wakes their parked fetch, so a
 * follower's fetch reads the partitions with news and leaves the rest of its session, most of it
 * in a cluster with many quiet partitions, untouched.
 *
 * <p>Thread-safe: sessions join and leave from request threads, changes come from any thread.
 */
public final class SessionPartitions {

    private static final CachedPartition[] NONE = new CachedPartition[0];

    private final Map<TopicPartition, CachedPartition[]> byPartition = new ConcurrentHashMap<>();

    /** {@code cp}, a partition of a follower's session, hears of changes to {@code tp} from now on. */
    void add(TopicPartition tp, CachedPartition cp) {
        byPartition.compute(tp, (k, held) -> {
            CachedPartition[] before = held == null ? NONE : held;
            CachedPartition[] now = Arrays.copyOf(before, before.length + 1);
            now[now.length - 1] = cp;
            return now;
        });
    }

    /** {@code cp} left its session (forgotten, or the session closed or was evicted). */
    void remove(TopicPartition tp, CachedPartition cp) {
        byPartition.computeIfPresent(tp, (k, held) -> {
            CachedPartition[] now = Arrays.stream(held).filter(c -> c != cp).toArray(CachedPartition[]::new);
            return now.length == 0 ? null : now;
        });
    }

    /**
     * Marks {@code tp} as having news in every session that holds it, and hands each such session
     * to {@code wake} (the fetch purgatory, where a session's parked fetch is watched).
     */
    void onChange(TopicPartition tp, Consumer<FetchSession> wake) {
        CachedPartition[] held = byPartition.get(tp);
        if (held == null) {
            return;
        }
        for (CachedPartition cp : held) {
            cp.session().markNews(cp);
            wake.accept(cp.session());
        }
    }

    /** Partitions with at least one session holding them; for tests. */
    int partitions() {
        return byPartition.size();
    }
}
