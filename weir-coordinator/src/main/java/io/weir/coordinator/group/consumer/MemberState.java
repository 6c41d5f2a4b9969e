package io.weir.coordinator.group.consumer;

/** Where a KIP-848 member is in reconciling its assignment; codes as in Kafka's records. */
public enum MemberState {
    /** The member owns its target assignment at the target epoch. */
    STABLE((byte) 0),
    /** The member must first revoke partitions it should no longer own. */
    UNREVOKED_PARTITIONS((byte) 1),
    /** Partitions of its target are still owned by others that have not revoked them yet. */
    UNRELEASED_PARTITIONS((byte) 2),
    UNKNOWN((byte) 127);

    private final byte code;

    MemberState(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    public static MemberState fromCode(byte code) {
        for (MemberState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
