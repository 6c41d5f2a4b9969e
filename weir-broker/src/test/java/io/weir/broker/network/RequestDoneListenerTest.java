package io.weir.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.MetadataRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.weir.broker.Await;
import io.weir.common.MockTime;

/**
 * The network side tells its {@link RequestDoneListener} when a response was written, so that
 * total request time covers a request parked in a purgatory and the response's send. The server
 * runs on a {@link MockTime}: time moves only when the test says, so the measured time is exact.
 */
@Timeout(60)
class RequestDoneListenerTest {

    private static final short METADATA_VERSION = 12;

    /** One listener call. */
    private record Done(Request request, long doneNs) {
    }

    private final MockTime time = new MockTime();
    private final List<Done> done = new CopyOnWriteArrayList<>();

    private ServerFixture server(TestApis apis) {
        return new ServerFixture(ServerFixture.config(b -> b), apis, 1, true, time,
            (request, doneNs) -> done.add(new Done(request, doneNs)));
    }

    @Test
    void aParkedRequestIsDoneWhenItsResponseIsWrittenWithTheWaitIncluded() throws Exception {
        AtomicReference<Request> parked = new AtomicReference<>();
        try (ServerFixture server = server(new TestApis().override(ApiKeys.METADATA, parked::set));
             TestClient client = server.client()) {
            client.send(Frames.metadata(METADATA_VERSION, 7, "waiting"));
            Await.until("request parked", () -> parked.get() != null);
            time.advance(500);
            assertThat(done).isEmpty();

            Request request = parked.get();
            request.sendResponse(TestApis.metadata(request.body(MetadataRequest.class)));
            assertThat(client.receive(ApiKeys.METADATA, METADATA_VERSION).correlationId()).isEqualTo(7);
            Await.until("done reported", () -> !done.isEmpty());

            assertThat(done).hasSize(1);
            assertThat(done.get(0).request()).isSameAs(request);
            assertThat(done.get(0).doneNs() - request.receivedTimeNs()).isEqualTo(500_000_000L);
        }
    }

    @Test
    void aRequestWithoutAResponseIsDoneWhenCompletedAndAClosedOneIsNot() throws Exception {
        TestApis apis = new TestApis().override(ApiKeys.METADATA, request -> {
            if (request.correlationId() == 1) {
                request.noResponse();
            } else {
                request.closeConnection();
            }
        });
        try (ServerFixture server = server(apis); TestClient client = server.client()) {
            client.send(Frames.metadata(METADATA_VERSION, 1, "acks-0"));
            client.assertWorks(); // answered after the request without a response completed
            Await.until("both done", () -> done.size() == 2);
            assertThat(done).extracting(d -> d.request().apiKey())
                .containsExactly(ApiKeys.METADATA, ApiKeys.API_VERSIONS);

            client.send(Frames.metadata(METADATA_VERSION, 2, "closed"));
            client.assertClosedByServer();
            assertThat(done).hasSize(2);
        }
    }
}
