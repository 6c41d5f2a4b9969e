package io.weir.broker.network;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.timeout.IdleStateHandler;
import io.weir.common.Time;

/**
 * Sets up each accepted connection of one listener, or closes it when {@code max.connections}
 * are open. Pipeline: idle timeout, read gate, 4-byte size framing (fail fast on a size below 0
 * or above {@code socket.request.max.bytes}), connection handler.
 *
 * <p>Shared by all connections of a listener; thread-safe (counters are atomic).
 */
final class ConnectionInitializer extends ChannelInitializer<Channel> {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionInitializer.class);

    private final String listenerName;
    private final SocketServerConfig config;
    private final RequestParser parser;
    private final RequestChannel requestChannel;
    private final InlineHandling inline;
    private final Time time;
    private final RequestDoneListener doneListener;
    private final AtomicInteger connectionCount;
    private final AtomicLong connectionIndex;
    private final ChannelGroup connections;

    ConnectionInitializer(String listenerName, SocketServerConfig config, RequestParser parser,
                          RequestChannel requestChannel, InlineHandling inline, Time time, RequestDoneListener doneListener,
                          AtomicInteger connectionCount, AtomicLong connectionIndex, ChannelGroup connections) {
        this.listenerName = listenerName;
        this.config = config;
        this.parser = parser;
        this.requestChannel = requestChannel;
        this.inline = inline;
        this.time = time;
        this.doneListener = doneListener;
        this.connectionCount = connectionCount;
        this.connectionIndex = connectionIndex;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (connectionCount.incrementAndGet() > config.maxConnections()) {
            connectionCount.decrementAndGet();
            LOG.warn("Rejecting connection from {} on {}: max.connections ({}) reached", ch.remoteAddress(),
                listenerName, config.maxConnections());
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> connectionCount.decrementAndGet());
        connections.add(ch);
        ReadGate readGate = new ReadGate();
        RequestFrameDecoder frameDecoder = new RequestFrameDecoder(config.socketRequestMaxBytes());
        ch.config().setRecvByteBufAllocator(
            new FrameReadAllocator(ch.config().getRecvByteBufAllocator(), frameDecoder));
        if (config.connectionsMaxIdleMs() > 0) {
            ch.pipeline().addLast("idle",
                new IdleStateHandler(true, 0, 0, config.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS));
        }
        ch.pipeline()
            .addLast("readGate", readGate)
            .addLast("frame", frameDecoder)
            .addLast("connection", new ConnectionHandler(listenerName, connectionIndex.getAndIncrement(), parser,
                requestChannel, inline, readGate, time, doneListener, config.readAheadBytes()));
    }
}
