package io.weir.coordinator.group;

import static io.weir.coordinator.group.GroupCoordinatorShardTestContext.joinRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.group.record.GroupRecords.GroupMetadataKey;
import io.weir.coordinator.group.record.GroupRecords.OffsetCommitKey;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class OffsetsTest {

    private static final long RETENTION_MS = 7L * 24 * 60 * 60 * 1000;

    private final GroupCoordinatorShardTestContext ctx = new GroupCoordinatorShardTestContext.Builder().build();

    private static short error(org.apache.kafka.common.message.OffsetCommitResponseData r) {
        return r.topics().get(0).partitions().get(0).errorCode();
    }

    private String stableMember(String group) {
        var join = ctx.join(joinRequest(group, "", null, "range"), 3);
        ctx.sleep(3000);
        JoinGroupResponseData j = join.join();
        ctx.sync(new SyncGroupRequestData().setGroupId(group).setMemberId(j.memberId()).setGenerationId(1));
        return j.memberId();
    }

    @Test
    void simpleCommitsWorkWithoutAGroupAndAreFetched() {
        assertThat(error(ctx.commitOffset("simple", -1, "", "t", 0, 42))).isZero();
        assertThat(ctx.committedOffset("simple", "t", 0)).isEqualTo(42);
        assertThat(ctx.committedOffset("simple", "t", 1)).isEqualTo(-1);
        assertThat(ctx.committedOffset("unknown", "t", 0)).isEqualTo(-1);
        OffsetFetchResponseData.OffsetFetchResponseGroup all = ctx.shard.fetchOffsets(
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("simple").setTopics(null));
        var p = all.topics().get(0).partitions().get(0);
        assertThat(p.committedLeaderEpoch()).isEqualTo(3);
        assertThat(p.metadata()).isEqualTo("meta");
        assertThat(ctx.shard.groups().get("simple").stateName()).isEqualTo("Empty");
    }

    @Test
    void membersCommitWithTheirGeneration() {
        String member = stableMember("g");
        assertThat(error(ctx.commitOffset("g", 1, member, "t", 0, 5))).isZero();
        assertThat(error(ctx.commitOffset("g", 2, member, "t", 0, 6))).isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(error(ctx.commitOffset("g", 1, "stranger", "t", 0, 6))).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(error(ctx.commitOffset("g", -1, "", "t", 0, 6))).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(error(ctx.commitOffset("nogroup", 3, "m", "t", 0, 6))).isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(ctx.committedOffset("g", "t", 0)).isEqualTo(5);
    }

    @Test
    void tooLargeMetadataIsRejected() {
        GroupCoordinatorShardTestContext small = new GroupCoordinatorShardTestContext.Builder()
                .withConfig(GroupCoordinatorConfig.OFFSET_METADATA_MAX_SIZE, 2).build();
        assertThat(error(small.commitOffset("s", -1, "", "t", 0, 1)))
                .isEqualTo(Errors.OFFSET_METADATA_TOO_LARGE.code());
        assertThat(small.history()).isEmpty();
    }

    @Test
    void offsetsExpireAfterRetentionCountedFromWhenTheGroupBecameEmpty() {
        ctx.shard.onLoaded(ctx.now());
        String member = stableMember("g");
        ctx.commitOffset("g", 1, member, "t", 0, 5);
        ctx.sleep(RETENTION_MS); // old commit, but the group is not empty
        assertThat(ctx.committedOffset("g", "t", 0)).isEqualTo(5);
        ctx.leave("g", member);
        ctx.sleep(RETENTION_MS - 600_000);
        assertThat(ctx.committedOffset("g", "t", 0)).isEqualTo(5);
        ctx.sleep(600_000);
        assertThat(ctx.committedOffset("g", "t", 0)).isEqualTo(-1);
        assertThat(ctx.shard.groups().get("g")).isNull(); // empty and no offsets: deleted
        CoordinatorRecord last = ctx.history().get(ctx.history().size() - 1);
        assertThat(last.key()).isEqualTo(new GroupMetadataKey("g"));
        assertThat(last.isTombstone()).isTrue();
    }

    @Test
    void offsetDeleteWritesTombstones() {
        ctx.commitOffset("s", -1, "", "t", 0, 1);
        ctx.commitOffset("s", -1, "", "t", 1, 1);
        var request = new OffsetDeleteRequestData().setGroupId("s");
        var topic = new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName("t");
        topic.partitions().add(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0));
        request.topics().add(topic);
        var response = ctx.commit(ctx.shard.deleteOffsets(request));
        assertThat(response.errorCode()).isZero();
        assertThat(ctx.committedOffset("s", "t", 0)).isEqualTo(-1);
        assertThat(ctx.committedOffset("s", "t", 1)).isEqualTo(1);
        var missing = ctx.commit(ctx.shard.deleteOffsets(new OffsetDeleteRequestData().setGroupId("none")));
        assertThat(missing.errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
    }

    @Test
    void deleteGroupsWritesTombstonesForOffsetsAndGroup() {
        ctx.commitOffset("s", -1, "", "t", 0, 1);
        ctx.commitOffset("s", -1, "", "u", 0, 1);
        String member = stableMember("busy");
        int before = ctx.history().size();
        var results = ctx.commit(ctx.shard.deleteGroups(List.of("s", "busy", "none")));
        assertThat(results).extracting(r -> Errors.forCode(r.errorCode()))
                .containsExactly(Errors.NONE, Errors.NON_EMPTY_GROUP, Errors.GROUP_ID_NOT_FOUND);
        assertThat(ctx.history().subList(before, ctx.history().size())).containsExactly(
                CoordinatorRecord.tombstone(new OffsetCommitKey("s", "t", 0)),
                CoordinatorRecord.tombstone(new OffsetCommitKey("s", "u", 0)),
                CoordinatorRecord.tombstone(new GroupMetadataKey("s")));
        assertThat(ctx.shard.groups().get("s")).isNull();
        assertThat(ctx.shard.groups().get("busy").isEmpty()).isFalse();
        assertThat(member).isNotEmpty();
    }

    @Test
    void deletedPartitionsLoseTheirOffsets() {
        ctx.commitOffset("s", -1, "", "t", 0, 1);
        ctx.commitOffset("s", -1, "", "t", 1, 1);
        ctx.commit(ctx.shard.onPartitionsDeleted(List.of(new TopicPartition("t", 1))));
        assertThat(ctx.committedOffset("s", "t", 0)).isEqualTo(1);
        assertThat(ctx.committedOffset("s", "t", 1)).isEqualTo(-1);
    }
}
