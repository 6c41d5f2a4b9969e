package io.weir.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.buffer.Unpooled;

import io.weir.broker.Await;
import io.weir.common.Time;

/** The handler threads: idle ones wait without a deadline, a request wakes one, close stops them all. */
@Timeout(60)
class RequestHandlerPoolTest {

    private static final RequestParser PARSER = new RequestParser((api, version) -> api.isVersionSupported(version));

    @Test
    void idleHandlersParkWithoutADeadlineUntilARequestOrCloseWakesThem() throws Exception {
        RequestChannel channel = new RequestChannel(4);
        CopyOnWriteArrayList<Integer> handled = new CopyOnWriteArrayList<>();
        RequestHandlerPool pool = new RequestHandlerPool(2, channel, r -> handled.add(r.correlationId()), Time.SYSTEM);
        Thread first = Await.thread("weir-request-handler-0").orElseThrow();
        Thread second = Await.thread("weir-request-handler-1").orElseThrow();
        try {
            // A timed park (the 300 ms poll this replaced) shows as TIMED_WAITING.
            Await.until("both handlers parked without a deadline",
                () -> first.getState() == Thread.State.WAITING && second.getState() == Thread.State.WAITING);
            byte[] frame = Frames.metadata((short) 12, 7, "t");
            assertThat(channel.offer(PARSER.parse(Unpooled.wrappedBuffer(frame, 4, frame.length - 4),
                TestRequests.CONNECTION, 0L, TestRequests.IGNORED))).isTrue();
            Await.until("the request handled", () -> handled.contains(7));
        } finally {
            pool.close();
        }
        assertThat(first.isAlive()).isFalse();
        assertThat(second.isAlive()).isFalse();
    }
}
