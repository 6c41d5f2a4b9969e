package io.weir.broker.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.weir.broker.server.Partition;
import io.weir.broker.server.ReplicaConfig;
import io.weir.cluster.controller.BrokerRequest;
import io.weir.common.MockScheduler;
import io.weir.common.MockTime;
import io.weir.storage.Log;
import io.weir.storage.LogConfig;
import io.weir.storage.LogDirFailureChannel;

/**
 * A follower's fetcher in its incremental fetch session with a scripted leader: a turn builds
 * its request from the partitions whose state changed, not from all of them, and the session
 * starts over with a full request when the leader lost it.
 */
@Timeout(30)
class ReplicaFetcherSessionTest {

    private static final int PARTITIONS = 10;
    private static final int SESSION_ID = 7;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime();
    private final List<Log> logs = new ArrayList<>();
    private final Map<TopicPartition, Partition> hosted = new LinkedHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final ScriptedLeader leader = new ScriptedLeader();
    private ReplicaFetcher fetcher;

    @BeforeEach
    void setUp() throws IOException {
        BrokerEndpoint leaderNode = new BrokerEndpoint(1, "h1", 9092);
        Map<TopicPartition, InitialFetchState> initial = new LinkedHashMap<>();
        for (int i = 0; i < PARTITIONS; i++) {
            TopicPartition tp = new TopicPartition("t", i);
            Log log = Log.open(dir.resolve(tp.toString()), LogConfig.defaults(), 0L, 0L, true, time,
                new MockScheduler(time), 86_400_000L, new LogDirFailureChannel());
            logs.add(log);
            Partition p = new Partition(tp, Uuid.ZERO_UUID, 9, log);
            p.applyLeaderAndIsr(new BrokerRequest.PartitionInfo(tp, Uuid.ZERO_UUID, 1, 0, List.of(1, 9), 0, 1,
                List.of(1, 9), List.of(), List.of(), List.of(), false));
            hosted.put(tp, p);
            initial.put(tp, new InitialFetchState(Uuid.ZERO_UUID, leaderNode, 0, 0L));
        }
        fetcher = new ReplicaFetcher("ReplicaFetcherThread-test", 9, leaderNode, leader, ReplicaConfig.defaults(),
            tp -> {
                lookups.incrementAndGet();
                return Optional.ofNullable(hosted.get(tp));
            }, time);
        fetcher.addPartitions(initial);
    }

    @AfterEach
    void tearDown() {
        logs.forEach(Log::close);
    }

    @Test
    void aTurnLooksOnlyAtPartitionsWhoseStateChanged() {
        leader.answer = ScriptedLeader::everyPartitionAtItsEnd;
        fetcher.doWork();
        FetchRequest open = leader.last();
        assertThat(open.metadata()).isEqualTo(FetchMetadata.INITIAL);
        assertThat(open.fetchData(Map.of())).hasSize(PARTITIONS);

        leader.answer = request -> ScriptedLeader.session();
        lookups.set(0);
        fetcher.doWork();
        FetchRequest quiet = leader.last();
        assertThat(quiet.metadata()).isEqualTo(FetchMetadata.newIncremental(SESSION_ID));
        assertThat(quiet.fetchData(Map.of())).as("nothing changed: nothing to send").isEmpty();
        assertThat(lookups).as("no partition looked up").hasValue(0);

        time.sleep(ReplicaFetcher.FULL_REFRESH_MS);
        fetcher.doWork();
        assertThat(lookups).as("every partition once a refresh is due").hasValue(PARTITIONS);
        assertThat(leader.last().fetchData(Map.of())).as("and none of them changed").isEmpty();
    }

    @Test
    void aLostSessionIsOpenedAgainWithEveryPartition() {
        leader.answer = ScriptedLeader::everyPartitionAtItsEnd;
        fetcher.doWork();
        leader.answer = request -> ScriptedLeader.session().setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
        fetcher.doWork();

        leader.answer = ScriptedLeader::everyPartitionAtItsEnd;
        fetcher.doWork();
        assertThat(leader.last().metadata()).isEqualTo(FetchMetadata.INITIAL);
        assertThat(leader.last().fetchData(Map.of())).hasSize(PARTITIONS);
    }

    /** Answers each Fetch as told and keeps the requests. */
    private static final class ScriptedLeader implements LeaderEndpoint {
        final List<FetchRequest> requests = new ArrayList<>();
        Function<FetchRequest, FetchResponseData> answer;

        static FetchResponseData session() {
            return new FetchResponseData().setSessionId(SESSION_ID);
        }

        /** Every requested partition, at offset 0 with no records. */
        static FetchResponseData everyPartitionAtItsEnd(FetchRequest request) {
            FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse()
                .setTopic("t");
            request.fetchData(Map.of()).keySet().forEach(tip -> topic.partitions().add(
                new FetchResponseData.PartitionData().setPartitionIndex(tip.partition()).setHighWatermark(0)
                    .setLastStableOffset(0).setLogStartOffset(0).setRecords(MemoryRecords.EMPTY)));
            return session().setResponses(List.of(topic));
        }

        FetchRequest last() {
            return requests.get(requests.size() - 1);
        }

        @Override
        public <T> T fetch(FetchRequest.Builder builder, Function<FetchResponseData, T> onResponse) {
            FetchRequest request = builder.build(ReplicaFetcher.FETCH_VERSION);
            requests.add(request);
            return onResponse.apply(answer.apply(request));
        }

        @Override
        public OffsetForLeaderEpochResponseData offsetsForLeaderEpoch(OffsetsForLeaderEpochRequest.Builder request)
                throws IOException {
            throw new IOException("not scripted");
        }

        @Override
        public void close() {
        }
    }
}
