package io.weir.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchMetadata;
import org.junit.jupiter.api.Test;

import io.weir.broker.server.FetchSessionCache.CachedPartition;
import io.weir.broker.server.FetchSessionCache.FetchContext;
import io.weir.broker.server.FetchSessionCache.FetchSession;
import io.weir.common.MockTime;

class FetchSessionCacheTest {

    private final Uuid topicId = Uuid.randomUuid();
    private final TopicIdPartition p0 = new TopicIdPartition(topicId, 0, "t");
    private final TopicIdPartition p1 = new TopicIdPartition(topicId, 1, "t");
    private final TopicIdPartition p2 = new TopicIdPartition(topicId, 2, "t");

    private LinkedHashMap<TopicIdPartition, CachedPartition> partitions(TopicIdPartition... tips) {
        LinkedHashMap<TopicIdPartition, CachedPartition> m = new LinkedHashMap<>();
        for (TopicIdPartition tip : tips) {
            m.put(tip, new CachedPartition(0, 1024, -1));
        }
        return m;
    }

    @Test
    void evictsLeastRecentlyUsedSessionWhenFull() {
        FetchSessionCache cache = new FetchSessionCache(2, new MockTime());
        FetchSession a = cache.create(partitions(p0));
        FetchSession b = cache.create(partitions(p0));
        assertThat(cache.get(a.id())).isSameAs(a);
        FetchSession c = cache.create(partitions(p1));
        assertThat(cache.get(b.id())).isNull();
        assertThat(cache.get(a.id())).isSameAs(a);
        assertThat(cache.get(c.id())).isSameAs(c);
    }

    @Test
    void aConsumerCannotEvictAFollowersSessionInUse() {
        MockTime time = new MockTime();
        FetchSessionCache cache = new FetchSessionCache(1, time);
        FetchSession follower = cache.create(partitions(p0), true);

        assertThat(cache.create(partitions(p1), false)).as("no room for a consumer").isNull();
        assertThat(cache.get(follower.id())).isSameAs(follower);

        time.sleep(FetchSessionCache.EVICTION_MS);
        FetchSession consumer = cache.create(partitions(p1), false);
        assertThat(consumer).as("a session unused for the eviction time makes way").isNotNull();
        assertThat(cache.get(follower.id())).isNull();
    }

    @Test
    void aFollowerEvictsTheLeastRecentlyUsedConsumerSession() {
        FetchSessionCache cache = new FetchSessionCache(3, new MockTime());
        FetchSession consumerA = cache.create(partitions(p0), false);
        FetchSession followerA = cache.create(partitions(p0), true);
        FetchSession consumerB = cache.create(partitions(p1), false);
        cache.get(consumerA.id());

        FetchSession followerB = cache.create(partitions(p1), true);
        assertThat(cache.get(consumerB.id())).isNull();
        assertThat(cache.get(consumerA.id())).isSameAs(consumerA);
        assertThat(cache.get(followerA.id())).isSameAs(followerA);

        FetchSession followerC = cache.create(partitions(p1), true);
        assertThat(cache.get(consumerA.id())).isNull();
        assertThat(cache.create(partitions(p0), true)).as("followers do not evict followers in use").isNull();
        assertThat(List.of(followerA, followerB, followerC)).allSatisfy(f -> assertThat(cache.get(f.id())).isSameAs(f));
    }

    @Test
    void noSessionsWhenSlotsAreZero() {
        assertThat(new FetchSessionCache(0, new MockTime()).create(partitions(p0))).isNull();
    }

    @Test
    void incrementalUpdateAddsChangesAndForgets() {
        FetchSession s = new FetchSessionCache(10, new MockTime()).create(partitions(p0, p1));
        assertThat(s.nextEpoch()).isEqualTo(1);
        s.update(Map.of(p0, new CachedPartition(42, 2048, 3)), List.of(p1));
        s.advanceEpoch(0);
        assertThat(s.nextEpoch()).isEqualTo(2);
        assertThat(s.partitions()).containsOnlyKeys(p0);
        assertThat(s.partitions().get(p0).fetchOffset()).isEqualTo(42);
        assertThat(s.partitions().get(p0).maxBytes()).isEqualTo(2048);
    }

    @Test
    void aSessionKeepsEachPartitionAsTheCanonicalFunctionGivesIt() {
        TopicIdPartition hosted0 = new TopicIdPartition(topicId, 0, "t");
        TopicIdPartition hosted1 = new TopicIdPartition(topicId, 1, "t");
        FetchSessionCache cache = new FetchSessionCache(10, new MockTime(),
            tip -> tip.partition() == 0 ? hosted0 : hosted1, null);
        FetchSession s = cache.create(partitions(p0));
        s.update(Map.of(new TopicIdPartition(topicId, 1, "t"), new CachedPartition(7, 1024, -1)), List.of());

        assertThat(s.partitions().keySet()).satisfiesExactly(
            k -> assertThat(k).isSameAs(hosted0), k -> assertThat(k).isSameAs(hosted1));
    }

    @Test
    void partitionHasNewsOnlyWhenSomethingChanged() {
        CachedPartition cp = new CachedPartition(0, 1024, -1);
        FetchPartitionResult empty = new FetchPartitionResult(Errors.NONE, 10, 10, 0, MemoryRecords.EMPTY, 0L);
        assertThat(cp.maybeUpdateResponseData(empty)).isTrue();
        assertThat(cp.maybeUpdateResponseData(empty)).isFalse();
        FetchPartitionResult moved = new FetchPartitionResult(Errors.NONE, 11, 11, 0, MemoryRecords.EMPTY, 0L);
        assertThat(cp.maybeUpdateResponseData(moved)).isTrue();
        assertThat(cp.maybeUpdateResponseData(FetchPartitionResult.error(Errors.NOT_LEADER_OR_FOLLOWER))).isTrue();
    }

    // ---- followers' sessions read by news ----

    private static FetchPartitionResult atEnd(long hw) {
        return new FetchPartitionResult(Errors.NONE, hw, hw, 0, MemoryRecords.EMPTY, 0L,
            FetchPartitionResult.NO_PREFERRED_REPLICA, true);
    }

    private static FetchPartitionResult behind(long hw) {
        return new FetchPartitionResult(Errors.NONE, hw, hw, 0, MemoryRecords.EMPTY, 0L);
    }

    /** One client's session on a leader whose partitions' changes go to {@link #tracked}. */
    private final class Client {
        final MockTime time = new MockTime();
        final SessionPartitions tracked = new SessionPartitions();
        final FetchSessionCache cache = new FetchSessionCache(10, time, UnaryOperator.identity(), tracked);
        final FetchSession session;
        final List<FetchSession> woken = new ArrayList<>();
        int epoch = 1;

        Client(boolean follower, TopicIdPartition... tips) {
            FetchContext open = cache.newContext(FetchMetadata.INITIAL, partitions(tips), List.of(), follower);
            session = open.session();
            open.partitions().keySet().forEach(tip -> open.include(tip, atEnd(0)));
        }

        /** An incremental fetch that changes nothing: the partitions it reads, each answered at its end. */
        Set<TopicIdPartition> fetch() {
            return fetch(new LinkedHashMap<>(), List.of());
        }

        Set<TopicIdPartition> fetch(LinkedHashMap<TopicIdPartition, CachedPartition> changed,
                                    List<TopicIdPartition> forgotten) {
            FetchContext context = newContext(changed, forgotten);
            context.partitions().keySet().forEach(tip -> context.include(tip, atEnd(0)));
            return context.partitions().keySet();
        }

        FetchContext newContext(LinkedHashMap<TopicIdPartition, CachedPartition> changed,
                                List<TopicIdPartition> forgotten) {
            FetchContext context = cache.newContext(new FetchMetadata(session.id(), epoch++), changed, forgotten,
                session.privileged());
            assertThat(context.error()).isEqualTo(Errors.NONE);
            return context;
        }

        void change(TopicIdPartition tip) {
            tracked.onChange(tip.topicPartition(), woken::add);
        }
    }

    @Test
    void aFollowersFetchReadsOnlyThePartitionsWithNews() {
        Client follower = new Client(true, p0, p1, p2);
        assertThat(follower.fetch()).as("the opening fetch told nothing at rest yet").containsExactly(p0, p1, p2);
        assertThat(follower.fetch()).as("all at rest").isEmpty();

        follower.change(p1);
        assertThat(follower.woken).containsExactly(follower.session);
        assertThat(follower.fetch()).containsExactly(p1);
        assertThat(follower.fetch()).isEmpty();

        assertThat(follower.fetch(partitions(p2), List.of())).as("a partition the follower moved")
            .containsExactly(p2);
    }

    @Test
    void aPartitionChangedWhileItWasReadStaysWithNews() {
        Client follower = new Client(true, p0, p1);
        FetchContext context = follower.newContext(new LinkedHashMap<>(), List.of());
        follower.change(p0);
        context.partitions().keySet().forEach(tip -> context.include(tip, atEnd(0)));

        assertThat(follower.fetch()).containsExactly(p0);
    }

    @Test
    void aPartitionWithMoreToReadOrAnErrorStaysWithNews() {
        Client follower = new Client(true, p0, p1, p2);
        FetchContext context = follower.newContext(new LinkedHashMap<>(), List.of());
        context.include(p0, behind(0));
        context.include(p1, FetchPartitionResult.error(Errors.NOT_LEADER_OR_FOLLOWER));
        context.include(p2, atEnd(0));

        assertThat(follower.fetch()).containsExactlyInAnyOrder(p0, p1);
    }

    @Test
    void everyFullReadIntervalAFetchReadsTheWholeSession() {
        Client follower = new Client(true, p0, p1);
        follower.fetch();
        follower.time.sleep(FetchSessionCache.FULL_READ_INTERVAL_MS - 1);
        assertThat(follower.fetch()).isEmpty();

        follower.time.sleep(1);
        assertThat(follower.fetch()).containsExactly(p0, p1);
        assertThat(follower.fetch()).isEmpty();
    }

    @Test
    void forgottenPartitionsAndClosedSessionsHearOfNoMoreChanges() {
        Client follower = new Client(true, p0, p1, p2);
        assertThat(follower.tracked.partitions()).isEqualTo(3);
        follower.fetch(new LinkedHashMap<>(), List.of(p2));
        assertThat(follower.tracked.partitions()).isEqualTo(2);
        follower.change(p2);
        assertThat(follower.woken).isEmpty();

        follower.cache.remove(follower.session.id());
        assertThat(follower.tracked.partitions()).isZero();
    }

    @Test
    void aConsumersSessionIsReadWholeOnEveryFetch() {
        Client consumer = new Client(false, p0, p1);
        assertThat(consumer.tracked.partitions()).isZero();
        consumer.fetch();
        assertThat(consumer.fetch()).containsExactly(p0, p1);
        assertThat(consumer.newContext(new LinkedHashMap<>(), List.of()).readsByNews()).isNull();
    }
}
