package io.weir.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weir.coordinator.group.consumer.ConsumerGroup;
import io.weir.coordinator.group.consumer.MemberState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.junit.jupiter.api.Test;

class ConsumerGroupTest {

    private static final String GROUP = "cg";

    private final GroupCoordinatorShardTestContext ctx = new GroupCoordinatorShardTestContext.Builder()
            .withTopic("orders", 6).build();
    private final Uuid orders = ctx.topicId("orders");

    private ConsumerGroupHeartbeatResponseData join(String memberId, String instanceId) {
        return ctx.consumerHeartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId(GROUP).setMemberId(memberId)
                .setInstanceId(instanceId).setMemberEpoch(0).setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicNames(List.of("orders")).setServerAssignor("uniform").setTopicPartitions(List.of()));
    }

    private ConsumerGroupHeartbeatResponseData heartbeat(String memberId, int epoch, Set<Integer> owned) {
        return ctx.consumerHeartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId(GROUP).setMemberId(memberId)
                .setMemberEpoch(epoch).setTopicPartitions(owned == null ? null : List.of(
                        new ConsumerGroupHeartbeatRequestData.TopicPartitions().setTopicId(orders)
                                .setPartitions(new ArrayList<>(owned)))));
    }

    private static Set<Integer> partitions(ConsumerGroupHeartbeatResponseData response) {
        Set<Integer> result = new TreeSet<>();
        response.assignment().topicPartitions().forEach(tp -> result.addAll(tp.partitions()));
        return result;
    }

    private ConsumerGroup group() {
        return ctx.shard.groups().consumerGroup(GROUP);
    }

    @Test
    void theFirstMemberGetsEverythingAtEpochOne() {
        ConsumerGroupHeartbeatResponseData r = join("m1", null);
        assertThat(r.errorCode()).isZero();
        assertThat(r.memberEpoch()).isEqualTo(1);
        assertThat(r.heartbeatIntervalMs()).isEqualTo(5000);
        assertThat(partitions(r)).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(group().state()).isEqualTo(ConsumerGroup.State.STABLE);
        assertThat(heartbeat("m1", 1, null).assignment()).isNull(); // nothing changed
    }

    @Test
    void partitionsMoveOnlyAfterTheOldOwnerRevokedThem() {
        join("m1", null);
        ConsumerGroupHeartbeatResponseData m2 = join("m2", null);
        assertThat(m2.memberEpoch()).isEqualTo(2);
        assertThat(partitions(m2)).isEmpty(); // its target is still owned by m1
        assertThat(group().member("m2").state()).isEqualTo(MemberState.UNRELEASED_PARTITIONS);
        assertThat(group().state()).isEqualTo(ConsumerGroup.State.RECONCILING);

        ConsumerGroupHeartbeatResponseData m1 = heartbeat("m1", 1, Set.of(0, 1, 2, 3, 4, 5));
        assertThat(m1.memberEpoch()).isEqualTo(1); // must revoke first: epoch stays
        Set<Integer> kept = partitions(m1);
        assertThat(kept).hasSize(3);
        assertThat(group().member("m1").state()).isEqualTo(MemberState.UNREVOKED_PARTITIONS);
        assertThat(heartbeat("m2", 2, Set.of()).assignment()).isNull(); // unchanged: still not released
        assertThat(group().member("m2").assignedPartitions()).isEmpty();

        m1 = heartbeat("m1", 1, kept); // revocation acknowledged
        assertThat(m1.memberEpoch()).isEqualTo(2);
        m2 = heartbeat("m2", 2, Set.of());
        Set<Integer> moved = partitions(m2);
        assertThat(moved).hasSize(3).doesNotContainAnyElementsOf(kept);
        assertThat(group().state()).isEqualTo(ConsumerGroup.State.STABLE);
    }

    @Test
    void epochsAreValidated() {
        join("m1", null);
        assertThatThrownBy(() -> heartbeat("m1", 7, null)).isInstanceOf(FencedMemberEpochException.class);
        assertThatThrownBy(() -> heartbeat("ghost", 1, null)).isInstanceOf(UnknownMemberIdException.class);
        join("m2", null);
        Set<Integer> kept = partitions(heartbeat("m1", 1, Set.of(0, 1, 2, 3, 4, 5)));
        ConsumerGroupHeartbeatResponseData m1 = heartbeat("m1", 1, kept);
        assertThat(m1.memberEpoch()).isEqualTo(2);
        // The response with epoch 2 was lost: the member may still use epoch 1 with a subset.
        assertThat(heartbeat("m1", 1, kept).memberEpoch()).isEqualTo(2);
    }

    @Test
    void aSilentMemberIsFencedAfterTheSessionTimeoutAndOthersTakeItsPartitions() {
        join("m1", null);
        join("m2", null);
        Set<Integer> kept = partitions(heartbeat("m1", 1, Set.of(0, 1, 2, 3, 4, 5)));
        heartbeat("m1", 1, kept);
        heartbeat("m2", 2, Set.of());
        ctx.sleep(40_000);
        heartbeat("m1", 2, kept);
        ctx.sleep(10_000); // m2 silent for 50 s > 45 s
        assertThat(group().member("m2")).isNull();
        assertThat(group().groupEpoch()).isEqualTo(3);
        ConsumerGroupHeartbeatResponseData m1 = heartbeat("m1", 2, kept);
        assertThat(m1.memberEpoch()).isEqualTo(3);
        assertThat(partitions(m1)).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void aMemberThatDoesNotRevokeWithinTheRebalanceTimeoutIsFenced() {
        join("m1", null);
        join("m2", null);
        heartbeat("m1", 1, Set.of(0, 1, 2, 3, 4, 5)); // asked to revoke
        for (int i = 0; i < 3; i++) {
            ctx.sleep(10_001);
            heartbeat("m2", 2, Set.of());
            if (group().member("m1") != null) {
                heartbeat("m1", 1, Set.of(0, 1, 2, 3, 4, 5)); // keeps heartbeating, never revokes
            }
        }
        assertThat(group().member("m1")).isNull();
        heartbeat("m2", group().member("m2").memberEpoch(), Set.of());
        assertThat(group().member("m2").memberEpoch()).isEqualTo(3);
        assertThat(group().member("m2").assignedPartitions()).isEqualTo(Map.of(orders, Set.of(0, 1, 2, 3, 4, 5)));
    }

    @Test
    void leavingBumpsTheEpochAndStaticMembersComeBackToTheirPartitions() {
        join("s1", "instance-1");
        ConsumerGroupHeartbeatResponseData left = ctx.consumerHeartbeat(new ConsumerGroupHeartbeatRequestData()
                .setGroupId(GROUP).setMemberId("s1").setInstanceId("instance-1").setMemberEpoch(-2));
        assertThat(left.memberEpoch()).isEqualTo(-2);
        assertThat(group().groupEpoch()).isEqualTo(1);
        assertThat(join("s1-other", "instance-2").memberEpoch()).isEqualTo(2);
        ConsumerGroupHeartbeatResponseData back = join("s1-new", "instance-1");
        assertThat(back.memberId()).isEqualTo("s1-new");
        assertThat(group().member("s1")).isNull();
        assertThat(group().member("s1-new").assignedPartitions()).isNotEmpty();

        ConsumerGroupHeartbeatResponseData bye = ctx.consumerHeartbeat(new ConsumerGroupHeartbeatRequestData()
                .setGroupId(GROUP).setMemberId("s1-other").setMemberEpoch(-1));
        assertThat(bye.memberEpoch()).isEqualTo(-1);
        assertThat(group().member("s1-other")).isNull();
    }

    @Test
    void aStaticMemberThatIsStillThereCannotBeReplaced() {
        join("s1", "instance-1");
        assertThatThrownBy(() -> join("s2", "instance-1")).isInstanceOf(UnreleasedInstanceIdException.class);
    }

    @Test
    void morePartitionsBumpTheEpochAtTheNextHeartbeat() {
        join("m1", null);
        ctx.shard.onNewMetadataImage(new TopicsImage(List.of(new TopicsImage.Topic("orders", orders, 8))));
        ConsumerGroupHeartbeatResponseData r = heartbeat("m1", 1, Set.of(0, 1, 2, 3, 4, 5));
        assertThat(r.memberEpoch()).isEqualTo(2);
        assertThat(partitions(r)).hasSize(8);
    }

    @Test
    void rangeAssignorCanBeChosen() {
        ctx.consumerHeartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId(GROUP).setMemberId("b")
                .setMemberEpoch(0).setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of("orders"))
                .setServerAssignor("range").setTopicPartitions(List.of()));
        ctx.consumerHeartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId(GROUP).setMemberId("a")
                .setMemberEpoch(0).setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of("orders"))
                .setServerAssignor("range").setTopicPartitions(List.of()));
        assertThat(group().targetAssignment()).isEqualTo(Map.of(
                "a", Map.of(orders, Set.of(0, 1, 2)), "b", Map.of(orders, Set.of(3, 4, 5))));
    }

    @Test
    void describeShowsMembersAndAssignments() {
        join("m1", null);
        ConsumerGroupDescribeResponseData.DescribedGroup d = ctx.shard.consumerGroupDescribe(List.of(GROUP)).get(0);
        assertThat(d.groupState()).isEqualTo("Stable");
        assertThat(d.groupEpoch()).isEqualTo(1);
        assertThat(d.members().get(0).assignment().topicPartitions().get(0).topicName()).isEqualTo("orders");
        assertThat(ctx.shard.consumerGroupDescribe(List.of("nope")).get(0).errorCode())
                .isEqualTo(org.apache.kafka.common.protocol.Errors.GROUP_ID_NOT_FOUND.code());
    }
}
