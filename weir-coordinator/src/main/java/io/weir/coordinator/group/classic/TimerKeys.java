package io.weir.coordinator.group.classic;

/** The keys of a shard's timers; one per group, or per group and member. */
public final class TimerKeys {

    private TimerKeys() {
    }

    public static String heartbeat(String groupId, String memberId) {
        return "classic-heartbeat-" + groupId + "-" + memberId;
    }

    public static String pendingMember(String groupId, String memberId) {
        return "classic-pending-member-" + groupId + "-" + memberId;
    }

    public static String join(String groupId) {
        return "classic-join-" + groupId;
    }

    public static String sync(String groupId) {
        return "classic-sync-" + groupId;
    }

    public static String consumerSession(String groupId, String memberId) {
        return "consumer-session-" + groupId + "-" + memberId;
    }

    public static String consumerRebalance(String groupId, String memberId) {
        return "consumer-rebalance-" + groupId + "-" + memberId;
    }
}
