package io.weir.broker.replica;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;

/**
 * A follower's side of its incremental fetch session with one leader (KIP-227), kept by change:
 * the fetcher {@link #put}s a partition when its fetch state changed and {@link #remove}s one it
 * stops fetching, and an incremental request carries exactly those. kafka-clients'
 * {@code FetchSessionHandler} is handed every partition for every request and compares each with
 * what it sent before, which on a follower of hundreds of quiet partitions was most of a fetch's
 * cost. The protocol is the same: a full request (epoch 0) opens a session, an answer with an
 * error or with partitions outside the session starts over with a full one, as does a failed
 * connection ({@link #handleError}).
 *
 * <p>Not thread-safe: the fetcher's thread uses it, under the fetcher's partition map lock while
 * it builds a request.
 */
final class FollowerFetchSession {

    /** A partition of the session: what the leader's session holds, and the fetch state it came from. */
    record Entry(PartitionFetchState state, FetchRequest.PartitionData data) {
    }

    /** One request: the partitions to send, those to forget, and the session metadata. */
    record Request(FetchMetadata metadata, LinkedHashMap<TopicPartition, FetchRequest.PartitionData> toSend,
                   List<TopicIdPartition> toForget) {
    }

    /** The session as the next request leaves it, in fetch order. */
    private final LinkedHashMap<TopicPartition, Entry> partitions = new LinkedHashMap<>();
    /** Changed since the last request: to send, and to forget. */
    private final Set<TopicPartition> toSend = new LinkedHashSet<>();
    private final Map<TopicPartition, Uuid> toForget = new LinkedHashMap<>();
    private FetchMetadata next = FetchMetadata.INITIAL;

    /** The partition is fetched at {@code data}, built from {@code state}; sent next if the data changed. */
    void put(TopicPartition tp, PartitionFetchState state, FetchRequest.PartitionData data) {
        Entry old = partitions.put(tp, new Entry(state, data));
        if (old == null || !old.data().equals(data)) {
            toSend.add(tp);
            toForget.remove(tp);
        }
    }

    /** The partition is not fetched (removed, backing off, truncating): the next request forgets it. */
    void remove(TopicPartition tp) {
        Entry old = partitions.remove(tp);
        if (old != null) {
            toSend.remove(tp);
            toForget.put(tp, old.data().topicId);
        }
    }

    boolean isEmpty() {
        return partitions.isEmpty();
    }

    int size() {
        return partitions.size();
    }

    /** The state a partition's part of the last request was built from, or null if it is not in the session. */
    PartitionFetchState sentState(TopicPartition tp) {
        Entry e = partitions.get(tp);
        return e == null ? null : e.state();
    }

    /** The session's partitions and the states they were sent from. */
    Map<TopicPartition, Entry> partitions() {
        return partitions;
    }

    /** The next request: every partition when it opens a session, else the changes since the last. */
    Request build() {
        LinkedHashMap<TopicPartition, FetchRequest.PartitionData> send = new LinkedHashMap<>();
        List<TopicIdPartition> forget = new ArrayList<>();
        if (next.isFull()) {
            partitions.forEach((tp, e) -> send.put(tp, e.data()));
        } else {
            toSend.forEach(tp -> send.put(tp, partitions.get(tp).data()));
            toForget.forEach((tp, id) -> forget.add(new TopicIdPartition(id, tp)));
        }
        toSend.clear();
        toForget.clear();
        return new Request(next, send, forget);
    }

    /**
     * Kafka's {@code FetchSessionHandler.handleResponse}: moves the session on and returns true,
     * or returns false when the answer cannot be used (an error, or partitions outside the
     * session); the next request is then a full one.
     */
    boolean handleResponse(FetchResponseData response) {
        Errors error = Errors.forCode(response.errorCode());
        if (error != Errors.NONE) {
            next = error == Errors.FETCH_SESSION_ID_NOT_FOUND ? FetchMetadata.INITIAL
                : next.nextCloseExistingAttemptNew();
            return false;
        }
        boolean full = next.isFull();
        if (!allInSession(response)) {
            next = full ? FetchMetadata.INITIAL : next.nextCloseExistingAttemptNew();
            return false;
        }
        if (response.sessionId() == FetchMetadata.INVALID_SESSION_ID) {
            next = FetchMetadata.INITIAL;
        } else {
            next = full ? FetchMetadata.newIncremental(response.sessionId()) : next.nextIncremental();
        }
        return true;
    }

    /** The request failed (connection lost): the next one closes the session and opens a new one. */
    void handleError() {
        next = next.nextCloseExistingAttemptNew();
    }

    private boolean allInSession(FetchResponseData response) {
        for (FetchResponseData.FetchableTopicResponse t : response.responses()) {
            for (FetchResponseData.PartitionData pd : t.partitions()) {
                if (!partitions.containsKey(new TopicPartition(t.topic(), pd.partitionIndex()))) {
                    return false;
                }
            }
        }
        return true;
    }
}
