package io.weir.coordinator.group.classic;

import io.weir.coordinator.group.Group;
import io.weir.coordinator.group.record.GroupRecords.GroupMetadataValue;
import io.weir.coordinator.group.record.GroupRecords.MemberMetadata;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;

/**
 * A classic (JoinGroup/SyncGroup) group. Its durable part is what a GroupMetadata record holds
 * (generation, protocol, leader, members and their assignments); the rebalance in flight
 * (who has rejoined, parked responses, pending members of KIP-394) is soft state which Kafka
 * does not persist either: a coordinator that fails over loads the last GroupMetadata record
 * and the members rejoin.
 *
 * <p>Not thread-safe: owned by its shard's thread.
 */
public final class ClassicGroup implements Group {

    /** The protocol type of the Java consumer; its metadata is a ConsumerProtocolSubscription. */
    public static final String CONSUMER_PROTOCOL_TYPE = "consumer";

    private final String groupId;
    private ClassicGroupState state;
    private ClassicGroupState previousState;
    private long currentStateTimestampMs;
    private int generationId;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    private final Map<String, ClassicGroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Set<String> pendingJoinMembers = new HashSet<>();
    private final Set<String> pendingSyncMembers = new HashSet<>();
    private boolean newMemberAdded;
    private boolean initialRebalance;
    private Set<String> subscribedTopics;

    public ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.state = ClassicGroupState.EMPTY;
        this.previousState = ClassicGroupState.EMPTY;
        this.currentStateTimestampMs = nowMs;
    }

    /** The group as its GroupMetadata record describes it: Stable with members, Empty without. */
    public static ClassicGroup fromRecord(String groupId, GroupMetadataValue value) {
        ClassicGroup group = new ClassicGroup(groupId, value.currentStateTimestamp());
        group.generationId = value.generation();
        group.protocolType = value.protocolType().isEmpty() ? null : value.protocolType();
        group.protocolName = value.protocol();
        group.leaderId = value.leader();
        for (MemberMetadata m : value.members()) {
            int rebalanceTimeout = m.rebalanceTimeout() == -1 ? m.sessionTimeout() : m.rebalanceTimeout();
            ClassicGroupMember member = new ClassicGroupMember(m.memberId(), m.groupInstanceId(), m.clientId(),
                    m.clientHost(), rebalanceTimeout, m.sessionTimeout(), value.protocolType(),
                    List.of(new ClassicGroupMember.Protocol(value.protocol(), m.subscription())));
            member.assignment(m.assignment());
            group.add(member);
        }
        group.state = group.members.isEmpty() ? ClassicGroupState.EMPTY : ClassicGroupState.STABLE;
        group.subscribedTopics = group.computeSubscribedTopics();
        return group;
    }

    /** The GroupMetadata record of the group now; assignments as given (or the members' own). */
    public GroupMetadataValue toRecord(Map<String, byte[]> assignments) {
        List<MemberMetadata> list = new ArrayList<>();
        for (ClassicGroupMember m : members.values()) {
            byte[] metadata = m.metadata(protocolName);
            list.add(new MemberMetadata(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                    m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), metadata == null ? new byte[0] : metadata,
                    assignments.getOrDefault(m.memberId(), m.assignment())));
        }
        return new GroupMetadataValue(protocolType == null ? "" : protocolType, generationId, protocolName, leaderId,
                currentStateTimestampMs, list);
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public Type type() {
        return Type.CLASSIC;
    }

    @Override
    public String stateName() {
        return state.label();
    }

    @Override
    public String protocolType() {
        return protocolType == null ? "" : protocolType;
    }

    public ClassicGroupState state() {
        return state;
    }

    public boolean isInState(ClassicGroupState s) {
        return state == s;
    }

    ClassicGroupState previousState() {
        return previousState;
    }

    void transitionTo(ClassicGroupState target, long nowMs) {
        if (!target.validPreviousStates().contains(state)) {
            throw new IllegalStateException("group " + groupId + " cannot go from " + state + " to " + target);
        }
        previousState = state;
        state = target;
        currentStateTimestampMs = nowMs;
    }

    public long currentStateTimestampMs() {
        return currentStateTimestampMs;
    }

    public int generationId() {
        return generationId;
    }

    public String protocolName() {
        return protocolName;
    }

    public String leaderId() {
        return leaderId;
    }

    public boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    public int size() {
        return members.size();
    }

    public Collection<ClassicGroupMember> members() {
        return members.values();
    }

    public ClassicGroupMember member(String memberId) {
        return members.get(memberId);
    }

    public boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    /** The member id of a static member, or null. */
    public String staticMemberId(String groupInstanceId) {
        return groupInstanceId == null ? null : staticMembers.get(groupInstanceId);
    }

    void add(ClassicGroupMember member) {
        if (members.isEmpty()) {
            protocolType = member.protocolType();
        }
        members.put(member.memberId(), member);
        if (member.isStaticMember()) {
            staticMembers.put(member.groupInstanceId(), member.memberId());
        }
        if (leaderId == null) {
            leaderId = member.memberId();
        }
        pendingJoinMembers.remove(member.memberId());
    }

    void remove(String memberId) {
        ClassicGroupMember member = members.remove(memberId);
        if (member == null) {
            return;
        }
        if (member.isStaticMember()) {
            staticMembers.remove(member.groupInstanceId());
        }
        pendingSyncMembers.remove(memberId);
        if (memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    /** Gives a restarted static member its new member id; the old id is fenced. */
    void replaceStaticMember(String groupInstanceId, String oldMemberId, String newMemberId) {
        ClassicGroupMember member = members.remove(oldMemberId);
        member.memberId(newMemberId);
        members.put(newMemberId, member);
        staticMembers.put(groupInstanceId, newMemberId);
        if (oldMemberId.equals(leaderId)) {
            leaderId = newMemberId;
        }
        if (pendingSyncMembers.remove(oldMemberId)) {
            pendingSyncMembers.add(newMemberId);
        }
    }

    Set<String> pendingJoinMembers() {
        return pendingJoinMembers;
    }

    Set<String> pendingSyncMembers() {
        return pendingSyncMembers;
    }

    boolean newMemberAdded() {
        return newMemberAdded;
    }

    void newMemberAdded(boolean added) {
        this.newMemberAdded = added;
    }

    boolean initialRebalance() {
        return initialRebalance;
    }

    void initialRebalance(boolean initial) {
        this.initialRebalance = initial;
    }

    int numAwaitingJoin() {
        return (int) members.values().stream().filter(ClassicGroupMember::isAwaitingJoin).count();
    }

    boolean hasAllMembersJoined() {
        return numAwaitingJoin() == members.size() && pendingJoinMembers.isEmpty();
    }

    /** The longest rebalance timeout of the members: how long the join phase may last. */
    int rebalanceTimeoutMs() {
        return members.values().stream().mapToInt(ClassicGroupMember::rebalanceTimeoutMs).max().orElse(0);
    }

    /** Whether a member with these protocols may join. */
    boolean supportsProtocols(String memberProtocolType, List<ClassicGroupMember.Protocol> protocols) {
        if (isInState(ClassicGroupState.EMPTY)) {
            return !memberProtocolType.isEmpty() && !protocols.isEmpty();
        }
        Set<String> candidates = candidateProtocols();
        return memberProtocolType.equals(protocolType)
                && protocols.stream().anyMatch(p -> candidates.contains(p.name()));
    }

    /** The protocols every member supports. */
    Set<String> candidateProtocols() {
        Set<String> candidates = null;
        for (ClassicGroupMember m : members.values()) {
            Set<String> names = new HashSet<>();
            m.protocols().forEach(p -> names.add(p.name()));
            if (candidates == null) {
                candidates = names;
            } else {
                candidates.retainAll(names);
            }
        }
        return candidates == null ? Set.of() : candidates;
    }

    /** Each member votes for its most preferred candidate; the most votes wins (ties: first voter's). */
    String selectProtocol() {
        Set<String> candidates = candidateProtocols();
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (ClassicGroupMember m : members.values()) {
            m.protocols().stream().map(ClassicGroupMember.Protocol::name).filter(candidates::contains).findFirst()
                    .ifPresent(name -> votes.merge(name, 1, Integer::sum));
        }
        String best = null;
        for (Map.Entry<String, Integer> e : votes.entrySet()) {
            if (best == null || e.getValue() > votes.get(best)) {
                best = e.getKey();
            }
        }
        if (best == null) {
            throw new IllegalStateException("no protocol common to all members of " + groupId);
        }
        return best;
    }

    /** Starts the next generation: bumps the id and picks the protocol (none when empty). */
    void initNextGeneration(long nowMs) {
        generationId++;
        if (members.isEmpty()) {
            protocolName = null;
            transitionTo(ClassicGroupState.EMPTY, nowMs);
        } else {
            protocolName = selectProtocol();
            transitionTo(ClassicGroupState.COMPLETING_REBALANCE, nowMs);
        }
        subscribedTopics = computeSubscribedTopics();
        pendingSyncMembers.clear();
    }

    /** Keeps the leader if it rejoined, else elects the first member that did. */
    boolean maybeElectNewJoinedLeader() {
        ClassicGroupMember leader = leaderId == null ? null : members.get(leaderId);
        if (leader != null && leader.isAwaitingJoin()) {
            return true;
        }
        for (ClassicGroupMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                leaderId = m.memberId();
                return true;
            }
        }
        return false;
    }

    void resetAssignments() {
        members.values().forEach(m -> m.assignment(new byte[0]));
    }

    @Override
    public boolean isSubscribedToTopic(String topic) {
        return subscribedTopics != null && subscribedTopics.contains(topic);
    }

    @Override
    public long offsetExpirationBaseMs(long commitTimestampMs) {
        if (protocolType == null) {
            return commitTimestampMs; // a simple group: offsets only
        }
        if (isInState(ClassicGroupState.EMPTY)) {
            return currentStateTimestampMs;
        }
        if (CONSUMER_PROTOCOL_TYPE.equals(protocolType) && subscribedTopics != null
                && isInState(ClassicGroupState.STABLE)) {
            return commitTimestampMs; // only reached for topics the group no longer subscribes to
        }
        return -1;
    }

    /** The topics of the members' ConsumerProtocol subscriptions, or null when not known. */
    Set<String> computeSubscribedTopics() {
        if (!CONSUMER_PROTOCOL_TYPE.equals(protocolType) || protocolName == null) {
            return members.isEmpty() ? Set.of() : null;
        }
        Set<String> topics = new HashSet<>();
        try {
            for (ClassicGroupMember m : members.values()) {
                byte[] metadata = m.metadata(protocolName);
                if (metadata == null) {
                    return null;
                }
                topics.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata)).topics());
            }
        } catch (RuntimeException e) {
            return null;
        }
        return topics;
    }
}
