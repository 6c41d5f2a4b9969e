package io.weir.broker.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.junit.jupiter.api.Test;

/** The follower's side of KIP-227, kept by change: what each request carries, and when it starts over. */
class FollowerFetchSessionTest {

    private final Uuid topicId = Uuid.randomUuid();
    private final TopicPartition p0 = new TopicPartition("t", 0);
    private final TopicPartition p1 = new TopicPartition("t", 1);
    private final FollowerFetchSession session = new FollowerFetchSession();

    private void put(TopicPartition tp, long offset) {
        session.put(tp, PartitionFetchState.truncating(topicId, offset, 0).fetchingAt(offset),
            new FetchRequest.PartitionData(topicId, offset, 0L, 1024, Optional.of(0)));
    }

    private static FetchResponseData answer(int sessionId, TopicPartition... tps) {
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse().setTopic("t");
        for (TopicPartition tp : tps) {
            topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(tp.partition()));
        }
        return new FetchResponseData().setSessionId(sessionId).setResponses(List.of(topic));
    }

    private FollowerFetchSession.Request opened() {
        put(p0, 0);
        put(p1, 0);
        FollowerFetchSession.Request open = session.build();
        assertThat(session.handleResponse(answer(5, p0, p1))).isTrue();
        return open;
    }

    @Test
    void anIncrementalRequestCarriesOnlyWhatChanged() {
        FollowerFetchSession.Request open = opened();
        assertThat(open.metadata()).isEqualTo(FetchMetadata.INITIAL);
        assertThat(open.toSend()).containsOnlyKeys(p0, p1);

        put(p0, 0);
        put(p1, 3);
        FollowerFetchSession.Request next = session.build();
        assertThat(next.metadata()).isEqualTo(FetchMetadata.newIncremental(5));
        assertThat(next.toSend()).as("p0 as the leader has it").containsOnlyKeys(p1);
        assertThat(session.handleResponse(answer(5, p1))).isTrue();

        session.remove(p0);
        FollowerFetchSession.Request third = session.build();
        assertThat(third.metadata().epoch()).isEqualTo(2);
        assertThat(third.toSend()).isEmpty();
        assertThat(third.toForget()).containsExactly(new TopicIdPartition(topicId, p0));
        assertThat(session.size()).isEqualTo(1);
    }

    @Test
    void anAnswerOutsideTheSessionOrALostConnectionStartsOverWithEveryPartition() {
        opened();
        session.build();
        assertThat(session.handleResponse(answer(5, new TopicPartition("t", 9)))).isFalse();
        FollowerFetchSession.Request again = session.build();
        assertThat(again.metadata()).isEqualTo(new FetchMetadata(5, FetchMetadata.INITIAL_EPOCH));
        assertThat(again.toSend()).containsOnlyKeys(p0, p1);

        assertThat(session.handleResponse(answer(6, p0))).isTrue();
        session.build();
        session.handleError();
        assertThat(session.build().metadata()).isEqualTo(new FetchMetadata(6, FetchMetadata.INITIAL_EPOCH));
    }

    @Test
    void anErrorAnswerOpensANewSession() {
        opened();
        session.build();
        assertThat(session.handleResponse(new FetchResponseData().setErrorCode(
            Errors.FETCH_SESSION_ID_NOT_FOUND.code()))).isFalse();
        assertThat(session.build().metadata()).isEqualTo(FetchMetadata.INITIAL);
    }
}
