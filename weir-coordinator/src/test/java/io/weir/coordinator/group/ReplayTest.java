package io.weir.coordinator.group;

import static io.weir.coordinator.group.GroupCoordinatorShardTestContext.joinRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.group.record.GroupCoordinatorRecordSerde;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.junit.jupiter.api.Test;

/** A broker that loads the history after failover has the state the old leader had. */
class ReplayTest {

    @Test
    void replayingTheHistoryThroughTheSerdeRebuildsTheSameState() {
        GroupCoordinatorShardTestContext ctx = new GroupCoordinatorShardTestContext.Builder()
                .withTopic("orders", 4).build();
        var a = ctx.join(joinRequest("classic", "", "i-1", "range"), 5);
        var b = ctx.join(joinRequest("classic", "", null, "range"), 3);
        ctx.sleep(3000);
        ctx.sleep(3000);
        JoinGroupResponseData ja = a.join();
        JoinGroupResponseData jb = b.join();
        ctx.sync(new SyncGroupRequestData().setGroupId("classic").setMemberId(jb.memberId()).setGenerationId(1));
        ctx.sync(new SyncGroupRequestData().setGroupId("classic").setMemberId(ja.memberId()).setGenerationId(1)
                .setAssignments(List.of(new SyncGroupRequestData.SyncGroupRequestAssignment()
                        .setMemberId(ja.memberId()).setAssignment(new byte[] {1}))));
        ctx.commitOffset("classic", 1, ja.memberId(), "orders", 0, 100);
        ctx.commitOffset("simple", -1, "", "orders", 1, 7);
        for (String m : List.of("m1", "m2")) {
            ctx.consumerHeartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId("modern").setMemberId(m)
                    .setMemberEpoch(0).setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of("orders"))
                    .setTopicPartitions(List.of()));
        }
        ctx.consumerHeartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId("modern").setMemberId("m1")
                .setMemberEpoch(1).setTopicPartitions(List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                        .setTopicId(ctx.topicId("orders")).setPartitions(List.of(0, 1, 2, 3)))));
        ctx.commitOffset("modern", 2, "m2", "orders", 2, 9);

        GroupCoordinatorShardTestContext fresh = new GroupCoordinatorShardTestContext.Builder().build();
        fresh.shard.onNewMetadataImage(ctx.shard.image());
        GroupCoordinatorRecordSerde serde = new GroupCoordinatorRecordSerde();
        for (CoordinatorRecord r : ctx.history()) {
            byte[] value = serde.serializeValue(r.value());
            fresh.shard.replay(serde.deserialize(ByteBuffer.wrap(serde.serializeKey(r.key())),
                    value == null ? null : ByteBuffer.wrap(value)));
        }

        List<String> ids = List.of("classic", "simple", "modern", "none");
        assertThat(fresh.shard.describeGroups(ids)).isEqualTo(ctx.shard.describeGroups(ids));
        assertThat(fresh.shard.consumerGroupDescribe(ids)).isEqualTo(ctx.shard.consumerGroupDescribe(ids));
        assertThat(Set.copyOf(fresh.shard.listGroups(new ListGroupsRequestData())))
                .isEqualTo(Set.copyOf(ctx.shard.listGroups(new ListGroupsRequestData())));
        for (String id : ids) {
            assertThat(fresh.shard.offsets().offsets(id)).isEqualTo(ctx.shard.offsets().offsets(id));
        }
        assertThat(fresh.shard.groups().consumerGroup("modern").currentPartitionEpoch(ctx.topicId("orders"), 0))
                .isEqualTo(ctx.shard.groups().consumerGroup("modern").currentPartitionEpoch(ctx.topicId("orders"), 0));
    }
}
