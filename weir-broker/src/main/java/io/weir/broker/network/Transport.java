package io.weir.broker.network;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The Netty transport: epoll on Linux where its native library loads, NIO otherwise. The epoll
 * classes are looked up reflectively because netty-transport-native-epoll reaches the classpath
 * at runtime scope only (Netty's BOM); with netty-transport-classes-epoll at compile scope this
 * could call {@code Epoll.isAvailable()} directly.
 *
 * <p>Public so that the control-plane server ({@code io.weir.broker.control}) makes the same
 * choice. Immutable.
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannelClass) {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }

    /** Epoll if available (and {@code preferEpoll}), else NIO. */
    public static Transport choose(boolean preferEpoll) {
        if (!preferEpoll) {
            return nio();
        }
        try {
            Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll");
            if (!(Boolean) epoll.getMethod("isAvailable").invoke(null)) {
                Object cause = epoll.getMethod("unavailabilityCause").invoke(null);
                LOG.info("Epoll transport unavailable ({}), using NIO", cause);
                return nio();
            }
            IoHandlerFactory factory = (IoHandlerFactory) Class.forName("io.netty.channel.epoll.EpollIoHandler")
                .getMethod("newFactory").invoke(null);
            Class<? extends ServerChannel> channelClass = Class.forName("io.netty.channel.epoll.EpollServerSocketChannel")
                .asSubclass(ServerChannel.class);
            return new Transport("epoll", factory, channelClass);
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.info("Epoll transport not on the classpath ({}), using NIO", e.toString());
            return nio();
        }
    }
}
