package io.weir.coordinator.group;

/**
 * A group of either protocol, as the offset and admin handlers see it.
 *
 * <p>Not thread-safe: owned by its shard's thread.
 */
public interface Group {

    /** The group type of ListGroups and KIP-848: "classic" or "consumer". */
    enum Type {
        CLASSIC("classic"), CONSUMER("consumer");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    String groupId();

    Type type();

    /** The state name of ListGroups/DescribeGroups ("Stable", "Empty", ...). */
    String stateName();

    /** The protocol type of ListGroups ("consumer" for KIP-848 groups, "" for simple groups). */
    String protocolType();

    boolean isEmpty();

    /** Whether some member subscribes to {@code topic}; such offsets are neither expired nor deletable. */
    boolean isSubscribedToTopic(String topic);

    /**
     * When committed offsets of this group expire: the time retention counts from for an
     * offset committed at {@code commitTimestampMs}, or -1 when they do not expire now.
     */
    long offsetExpirationBaseMs(long commitTimestampMs);
}
