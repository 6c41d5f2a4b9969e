package io.weir.broker.network;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.weir.common.Time;

/**
 * The broker's network server, Kafka's reactor on Netty: one acceptor thread (the boss group)
 * for all listeners, {@code num.network.threads} processors (the worker event loops) that own
 * their connections, frame and parse requests, put them on the {@link RequestChannel} and write
 * the responses. Epoll on Linux when available, NIO otherwise; pooled direct buffers.
 *
 * <p>Thread-safe: start-up and shutdown are synchronized; accessors may be called from any thread.
 */
public final class SocketServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);
    /** Kafka's socket.listen.backlog.size is 50; a burst of connects then waits out SYN retransmits. */
    private static final int LISTEN_BACKLOG = 1024;
    private static final long SHUTDOWN_TIMEOUT_MS = 10_000L;

    private final SocketServerConfig config;
    private final RequestChannel requestChannel;
    private final InlineHandling inline;
    private final RequestParser parser;
    private final Time time;
    private final boolean preferEpoll;
    private final RequestDoneListener doneListener;
    private final ProcessorIdleStats processorIdle;
    private Transport transport;
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final AtomicLong connectionIndex = new AtomicLong();
    private final ChannelGroup connections = new DefaultChannelGroup("weir-connections", GlobalEventExecutor.INSTANCE);
    private final Map<String, Channel> serverChannels = new LinkedHashMap<>();
    private EventLoopGroup acceptorGroup;
    private EventLoopGroup processorGroup;
    private boolean started;
    private boolean shutDown;

    public SocketServer(SocketServerConfig config, RequestChannel requestChannel, SupportedApis supportedApis,
                        Time time) {
        this(config, requestChannel, supportedApis, time, RequestDoneListener.NONE, InlineHandling.NONE);
    }

    /**
     * {@code doneListener} hears of every request whose response was written (or that needed none);
     * {@code inline} names the requests the network threads handle themselves.
     */
    public SocketServer(SocketServerConfig config, RequestChannel requestChannel, SupportedApis supportedApis,
                        Time time, RequestDoneListener doneListener, InlineHandling inline) {
        this(config, requestChannel, supportedApis, time, true, doneListener, inline);
    }

    /** With {@code preferEpoll} false the NIO transport is used even where epoll is available. */
    SocketServer(SocketServerConfig config, RequestChannel requestChannel, SupportedApis supportedApis, Time time,
                 boolean preferEpoll, RequestDoneListener doneListener, InlineHandling inline) {
        this.config = config;
        this.requestChannel = requestChannel;
        this.inline = inline;
        this.parser = new RequestParser(supportedApis);
        this.time = time;
        this.preferEpoll = preferEpoll;
        this.doneListener = doneListener;
        this.processorIdle = new ProcessorIdleStats(config.numNetworkThreads(), time);
    }

    /** Binds every listener; throws if one cannot be bound (after releasing what was started). */
    public synchronized void startup() {
        if (started) {
            throw new IllegalStateException("socket server already started");
        }
        started = true;
        transport = Transport.choose(preferEpoll);
        acceptorGroup = new QuietEventLoopGroup(1, new DefaultThreadFactory("weir-acceptor", true),
            transport.ioHandlerFactory());
        processorGroup = new QuietEventLoopGroup(config.numNetworkThreads(),
            new DefaultThreadFactory("weir-network-thread", true), processorIdle.wrap(transport.ioHandlerFactory()));
        try {
            for (Endpoint endpoint : config.listeners()) {
                bind(endpoint);
            }
        } catch (RuntimeException e) {
            shutdown();
            throw e;
        }
    }

    private void bind(Endpoint endpoint) {
        ServerBootstrap bootstrap = new ServerBootstrap()
            .group(acceptorGroup, processorGroup)
            .channel(transport.serverChannelClass())
            .option(ChannelOption.SO_BACKLOG, LISTEN_BACKLOG)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            // A client's close must not discard requests it sent before closing that are still
            // unread (reading pauses while a request is in the broker): see ConnectionHandler.
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
            .childHandler(new ConnectionInitializer(endpoint.listenerName(), config, parser, requestChannel, inline, time,
                doneListener, connectionCount, connectionIndex, connections));
        if (config.socketSendBufferBytes() != -1) {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, config.socketSendBufferBytes());
        }
        if (config.socketReceiveBufferBytes() != -1) {
            bootstrap.childOption(ChannelOption.SO_RCVBUF, config.socketReceiveBufferBytes());
        }
        ChannelFuture bound = bootstrap.bind(endpoint.host(), endpoint.port()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("Cannot bind listener " + endpoint.listenerName() + " to "
                + endpoint.host() + ":" + endpoint.port() + ": " + bound.cause(), bound.cause());
        }
        Channel channel = bound.channel();
        serverChannels.put(endpoint.listenerName(), channel);
        LOG.info("Listener {} accepting on {} ({} transport, {} network threads)", endpoint.listenerName(),
            channel.localAddress(), transport.name(), config.numNetworkThreads());
    }

    /** Pauses reading from a client whose unread responses pass the socket send buffer size. */
    private WriteBufferWaterMark waterMark() {
        int high = Math.max(64 * 1024, config.socketSendBufferBytes());
        return new WriteBufferWaterMark(high / 2, high);
    }

    /** The port a listener is bound to (the real one when configured with port 0). */
    public synchronized int boundPort(String listenerName) {
        Channel channel = serverChannels.get(listenerName);
        if (channel == null) {
            throw new IllegalArgumentException("no bound listener named " + listenerName);
        }
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Open client connections over all listeners. */
    public int connectionCount() {
        return connectionCount.get();
    }

    /** Requests waiting for a handler thread. */
    public int requestQueueSize() {
        return requestChannel.size();
    }

    /** Idle time of each network processor (worker event loop). */
    public ProcessorIdleStats processorIdle() {
        return processorIdle;
    }

    /** "epoll" or "nio" once started. */
    public synchronized String transportName() {
        return transport == null ? "none" : transport.name();
    }

    /**
     * Stops accepting, closes every connection (requests still being handled are dropped: their
     * responses find the connection closed), stops the network threads and waits for them.
     */
    public synchronized void shutdown() {
        if (shutDown || !started) {
            shutDown = true;
            return;
        }
        shutDown = true;
        serverChannels.values().forEach(c -> c.close().syncUninterruptibly());
        connections.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS);
        acceptorGroup.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        processorGroup.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        acceptorGroup.terminationFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS);
        processorGroup.terminationFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS);
        requestChannel.clear();
        LOG.info("Socket server stopped");
    }

    @Override
    public void close() {
        shutdown();
    }
}
