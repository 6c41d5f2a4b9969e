package io.weir.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;

import io.weir.broker.Await;

/** An idle loop's transport is told "nothing scheduled", not "wake in a second". */
@Timeout(60)
class QuietEventLoopGroupTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anIdleLoopAsksItsTransportToWaitWithoutADeadlineAndAScheduledTaskSetsOne(boolean epoll) throws Exception {
        CopyOnWriteArrayList<long[]> seen = new CopyOnWriteArrayList<>(); // {deadlineNanos, delayNanos}
        IoHandlerFactory transport = Transport.choose(epoll).ioHandlerFactory();
        QuietEventLoopGroup group = new QuietEventLoopGroup(1, new DefaultThreadFactory("quiet-test", true),
            recording(transport, seen));
        try {
            group.next().submit(() -> { }).get(10, TimeUnit.SECONDS); // starts the loop's thread
            Await.until("the loop waited", () -> !seen.isEmpty());
            assertThat(seen.get(seen.size() - 1)).containsExactly(-1L, Long.MAX_VALUE);

            ScheduledFuture<?> task = group.next().schedule(() -> { }, 30, TimeUnit.SECONDS);
            Await.until("the loop waited for the task", () -> seen.get(seen.size() - 1)[0] != -1L);
            long[] waiting = seen.get(seen.size() - 1);
            assertThat(waiting[1]).isBetween(TimeUnit.SECONDS.toNanos(20), TimeUnit.SECONDS.toNanos(30));

            // A cancel removes the task lazily, at the loop's next wake-up (here a submitted task;
            // at worst the cancelled task's own deadline), as on Netty 4.1's epoll loop.
            task.cancel(false);
            group.next().submit(() -> { }).get(10, TimeUnit.SECONDS);
            Await.until("the cancelled task gone", () -> seen.get(seen.size() - 1)[0] == -1L);
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** The transport's handlers, noting what their context says before each blocking run. */
    private static IoHandlerFactory recording(IoHandlerFactory transport, CopyOnWriteArrayList<long[]> seen) {
        return ForwardingIoHandler.decorate(transport, handler -> new ForwardingIoHandler(handler) {
            @Override
            public int run(IoHandlerContext context) {
                if (context.canBlock()) {
                    seen.add(new long[] {context.deadlineNanos(), context.delayNanos(System.nanoTime())});
                }
                return delegate.run(context);
            }
        });
    }
}
