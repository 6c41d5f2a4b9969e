package io.weir.broker.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.weir.broker.Await;
import io.weir.common.MockTime;

/** Idle time of network processors: measured around the transport's run, on a manual clock. */
@Timeout(60)
class ProcessorIdleStatsTest {

    private static final long MS = 1_000_000L;

    private final MockTime time = new MockTime();
    private final ProcessorIdleStats stats = new ProcessorIdleStats(2, time);

    private IoHandler handler(FakeTransport transport) {
        return FakeTransport.processor(stats, transport);
    }

    @Test
    void idleIsTheRunMinusItsActiveIoTimeAndTasksAreBusy() {
        FakeTransport transport = new FakeTransport(time);
        IoHandler handler = handler(transport);
        assertThat(stats.startedNs(0)).hasValue(time.nanoseconds());

        transport.waitMs = 80;
        transport.activeMs = 20;
        handler.run(new FakeTransport.LoopContext(false));
        time.advance(100); // running tasks, outside the transport
        handler.run(new FakeTransport.LoopContext(false));

        assertThat(stats.idleNs(0)).isEqualTo(160 * MS);
        assertThat(stats.idleNs(1)).isZero();
        assertThat(stats.startedNs(1)).isEmpty();
    }

    @Test
    void aWaitInProgressCountsUpToNow() {
        FakeTransport transport = new FakeTransport(time);
        IoHandler handler = handler(transport);
        List<Long> seen = new ArrayList<>();
        transport.waitMs = 30;
        transport.during = () -> {
            seen.add(stats.idleNs(0));
            time.advance(20);
            seen.add(stats.idleNs(0));
        };
        handler.run(new FakeTransport.LoopContext(false));

        assertThat(seen).containsExactly(30 * MS, 50 * MS);
        assertThat(stats.idleNs(0)).isEqualTo(50 * MS);
    }

    @Test
    void theLoopsContextIsPassedThroughWithItsReports() {
        FakeTransport transport = new FakeTransport(time);
        IoHandler handler = handler(transport);
        transport.activeMs = 5;
        List<Object> seen = new ArrayList<>();
        transport.during = () -> {
            IoHandlerContext given = transport.contexts.get(transport.contexts.size() - 1);
            seen.addAll(List.of(given.canBlock(), given.delayNanos(0), given.deadlineNanos()));
        };
        FakeTransport.LoopContext wanting = new FakeTransport.LoopContext(true);
        FakeTransport.LoopContext notWanting = new FakeTransport.LoopContext(false);
        handler.run(wanting);
        handler.run(notWanting);

        assertThat(seen).containsExactly(true, 42L, 4242L, true, 42L, 4242L);
        assertThat(wanting.reportedNs).isEqualTo(5 * MS);
        assertThat(notWanting.reportedNs).isZero();
    }

    @Test
    void aProcessorIsIdleFromItsCreationUntilItsFirstTurn() {
        FakeTransport transport = new FakeTransport(time);
        IoHandler handler = handler(transport);
        time.advance(40); // the loop's thread starts with its first channel
        assertThat(stats.idleNs(0)).isEqualTo(40 * MS);

        transport.waitMs = 10;
        handler.run(new FakeTransport.LoopContext(false));
        assertThat(stats.idleNs(0)).isEqualTo(50 * MS);
    }

    @Test
    void processorsAreNumberedInCreationOrderUpToTheConfiguredCount() {
        handler(new FakeTransport(time));
        time.advance(7);
        handler(new FakeTransport(time));
        assertThat(stats.startedNs(1)).hasValue(7 * MS);
        assertThatThrownBy(() -> handler(new FakeTransport(time))).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("more than 2 network processors");
    }

    @Test
    void everyProcessorOfARealServerReportsIdleTime() throws Exception {
        try (ServerFixture server = new ServerFixture(ServerFixture.config(b -> b), new TestApis(), 1, true);
             TestClient client = server.client()) {
            client.assertWorks();
            ProcessorIdleStats idle = server.server.processorIdle();
            assertThat(idle.processors()).isEqualTo(2);
            for (int i = 0; i < idle.processors(); i++) {
                int processor = i;
                assertThat(idle.startedNs(processor)).isPresent();
                Await.until("processor " + processor + " idle", () -> idle.idleNs(processor) > 0);
            }
        }
    }
}
