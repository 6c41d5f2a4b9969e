package io.weir.coordinator.group.classic;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * A member of a classic group: identity, timeouts, the protocols it supports (in preference
 * order) and, once synced, its assignment; plus its parked JoinGroup/SyncGroup responses.
 *
 * <p>Not thread-safe: owned by its shard's thread.
 */
public final class ClassicGroupMember {

    /** One protocol the member supports and its metadata for it. */
    public record Protocol(String name, byte[] metadata) {
    }

    private String memberId;
    private final String groupInstanceId;
    private String clientId;
    private String clientHost;
    private int rebalanceTimeoutMs;
    private int sessionTimeoutMs;
    private final String protocolType;
    private List<Protocol> protocols;
    private byte[] assignment = new byte[0];
    private CompletableFuture<JoinGroupResponseData> awaitingJoin;
    private CompletableFuture<SyncGroupResponseData> awaitingSync;
    private boolean isNew;

    public ClassicGroupMember(String memberId, String groupInstanceId, String clientId, String clientHost,
                              int rebalanceTimeoutMs, int sessionTimeoutMs, String protocolType,
                              List<Protocol> protocols) {
        this.memberId = Objects.requireNonNull(memberId);
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = List.copyOf(protocols);
    }

    public String memberId() {
        return memberId;
    }

    void memberId(String memberId) {
        this.memberId = memberId;
    }

    public String groupInstanceId() {
        return groupInstanceId;
    }

    public boolean isStaticMember() {
        return groupInstanceId != null;
    }

    public String clientId() {
        return clientId;
    }

    public String clientHost() {
        return clientHost;
    }

    public int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    public int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    public String protocolType() {
        return protocolType;
    }

    public List<Protocol> protocols() {
        return protocols;
    }

    /** Takes the settings of a rejoin. */
    void update(String clientId, String clientHost, int rebalanceTimeoutMs, int sessionTimeoutMs,
                List<Protocol> protocols) {
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    /** The member's metadata for {@code protocol}, or null when it does not support it. */
    public byte[] metadata(String protocol) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocol)) {
                return p.metadata();
            }
        }
        return null;
    }

    /** Whether the member would join with exactly these protocols again. */
    boolean matches(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            Protocol a = protocols.get(i);
            Protocol b = other.get(i);
            if (!a.name().equals(b.name()) || !java.util.Arrays.equals(a.metadata(), b.metadata())) {
                return false;
            }
        }
        return true;
    }

    public byte[] assignment() {
        return assignment;
    }

    void assignment(byte[] assignment) {
        this.assignment = assignment;
    }

    CompletableFuture<JoinGroupResponseData> awaitingJoin() {
        return awaitingJoin;
    }

    void awaitingJoin(CompletableFuture<JoinGroupResponseData> future) {
        this.awaitingJoin = future;
    }

    public boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    CompletableFuture<SyncGroupResponseData> awaitingSync() {
        return awaitingSync;
    }

    void awaitingSync(CompletableFuture<SyncGroupResponseData> future) {
        this.awaitingSync = future;
    }

    public boolean isAwaitingSync() {
        return awaitingSync != null;
    }

    boolean isNew() {
        return isNew;
    }

    void isNew(boolean isNew) {
        this.isNew = isNew;
    }

    /** Completes the parked JoinGroup response, if any. */
    void completeJoin(JoinGroupResponseData response) {
        CompletableFuture<JoinGroupResponseData> future = awaitingJoin;
        awaitingJoin = null;
        if (future != null) {
            future.complete(response);
        }
    }

    /** Completes the parked SyncGroup response, if any. */
    void completeSync(SyncGroupResponseData response) {
        CompletableFuture<SyncGroupResponseData> future = awaitingSync;
        awaitingSync = null;
        if (future != null) {
            future.complete(response);
        }
    }
}
