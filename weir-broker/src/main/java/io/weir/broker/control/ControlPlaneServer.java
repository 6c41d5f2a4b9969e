package io.weir.broker.control;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.weir.broker.network.QuietEventLoopGroup;
import io.weir.broker.network.Transport;

/**
 * A broker's control-plane server: where the controller sends LeaderAndIsr, UpdateMetadata and
 * StopReplica (and, on the controller, where brokers send ControlledShutdown). One small Netty
 * event loop ({@code weir-control-plane}) accepts, frames and writes, on the transport the Kafka
 * listeners use (epoll where available); a single {@code weir-control-requests} thread runs the
 * {@link ControlRequestHandler}, one request at a time in arrival order. Every connection gets
 * its responses in request order, tagged with the request's correlation id.
 *
 * <p>Thread-safe: start-up and close are synchronized; {@link #close()} joins every thread.
 */
public final class ControlPlaneServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneServer.class);
    private static final long SHUTDOWN_TIMEOUT_MS = 10_000L;
    private static final int LISTEN_BACKLOG = 128;

    private final String host;
    private final int port;
    private final int maxFrameBytes;
    private final ControlRequestThread requestThread = new ControlRequestThread("weir-control-requests");
    private final ControlRequestDispatcher dispatcher;
    private final ChannelGroup connections =
        new DefaultChannelGroup("weir-control-connections", GlobalEventExecutor.INSTANCE);
    private final JoinableThreadFactory eventLoopThreads = new JoinableThreadFactory("weir-control-plane");
    private EventLoopGroup eventLoop;
    private Channel serverChannel;
    private boolean started;
    private boolean closed;

    /** With the default frame limit ({@link ControlCodec#DEFAULT_MAX_FRAME_BYTES}). */
    public ControlPlaneServer(String host, int port, ControlRequestHandler handler) {
        this(host, port, handler, ControlCodec.DEFAULT_MAX_FRAME_BYTES);
    }

    /**
     * @param host          the address to bind (loopback in tests)
     * @param port          0 for an ephemeral port, see {@link #boundPort()}
     * @param maxFrameBytes frames larger than this close the connection (Kafka's socket.request.max.bytes)
     */
    public ControlPlaneServer(String host, int port, ControlRequestHandler handler, int maxFrameBytes) {
        if (maxFrameBytes < ControlCodec.HEADER_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be at least " + ControlCodec.HEADER_BYTES
                + ", got " + maxFrameBytes);
        }
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.maxFrameBytes = maxFrameBytes;
        this.dispatcher = new ControlRequestDispatcher(Objects.requireNonNull(handler, "handler"), requestThread);
    }

    /** Binds and starts the threads; throws if the port cannot be bound (after releasing it all). */
    public synchronized void startup() {
        if (started || closed) {
            throw new IllegalStateException("control-plane server already started or closed");
        }
        started = true;
        Transport transport = Transport.choose(true);
        eventLoop = new QuietEventLoopGroup(1, eventLoopThreads, transport.ioHandlerFactory());
        requestThread.start();
        ChannelFuture bound = new ServerBootstrap()
            .group(eventLoop, eventLoop)
            .channel(transport.serverChannelClass())
            .option(ChannelOption.SO_BACKLOG, LISTEN_BACKLOG)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel channel) {
                    connections.add(channel);
                    channel.pipeline().addLast(new ControlFrameDecoder(maxFrameBytes),
                        new ControlConnectionHandler(dispatcher));
                }
            })
            .bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            close();
            throw new IllegalStateException("Cannot bind the control-plane listener to " + host + ":" + port
                + ": " + bound.cause(), bound.cause());
        }
        serverChannel = bound.channel();
        LOG.info("Control-plane listener accepting on {} ({} transport)", serverChannel.localAddress(),
            transport.name());
    }

    /** The port the server is bound to (the real one when configured with port 0). */
    public synchronized int boundPort() {
        if (serverChannel == null) {
            throw new IllegalStateException("control-plane server not started");
        }
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * Stops accepting, closes every connection (responses not yet written are dropped), drops
     * queued requests, waits for the running handler and joins every thread. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!started) {
            return;
        }
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS);
        requestThread.close();
        eventLoop.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        eventLoop.terminationFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS);
        eventLoopThreads.joinAll(SHUTDOWN_TIMEOUT_MS);
        LOG.info("Control-plane server stopped");
    }

    /** Netty's thread factory, remembering its threads so that close() can join them. */
    private static final class JoinableThreadFactory extends DefaultThreadFactory {
        private final List<Thread> threads = new CopyOnWriteArrayList<>();

        JoinableThreadFactory(String name) {
            super(name, false);
        }

        @Override
        protected Thread newThread(Runnable r, String name) {
            Thread thread = super.newThread(r, name);
            threads.add(thread);
            return thread;
        }

        void joinAll(long timeoutMs) {
            threads.forEach(thread -> ControlRequestThread.joinUninterruptibly(thread, timeoutMs));
        }
    }
}
