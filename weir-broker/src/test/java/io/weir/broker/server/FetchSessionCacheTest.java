package io.weir.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;

import io.weir.broker.server.FetchSessionCache.CachedPartition;
import io.weir.broker.server.FetchSessionCache.FetchSession;
import io.weir.common.MockTime;

class FetchSessionCacheTest {

    private final Uuid topicId = Uuid.randomUuid();
    private final TopicIdPartition p0 = new TopicIdPartition(topicId, 0, "t");
    private final TopicIdPartition p1 = new TopicIdPartition(topicId, 1, "t");

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
            tip -> tip.partition() == 0 ? hosted0 : hosted1);
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
}
