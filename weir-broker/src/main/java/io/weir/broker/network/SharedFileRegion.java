package io.weir.broker.network;

import java.nio.channels.FileChannel;

import io.netty.channel.DefaultFileRegion;

/**
 * A slice of a log segment sent with sendfile, over a FileChannel that other readers share: unlike
 * Netty's {@link DefaultFileRegion} it does not close the channel when released (the segment owns
 * it). It extends DefaultFileRegion rather than implementing FileRegion afresh because Netty's
 * epoll transport uses native sendfile only for DefaultFileRegion; any other region is copied
 * through a user-space buffer. On NIO the JDK's FileChannel.transferTo does the sendfile.
 * A FileChannel closed under a transfer fails the write, which closes only that connection.
 *
 * <p>Owned by one connection's event loop once written.
 */
final class SharedFileRegion extends DefaultFileRegion {

    SharedFileRegion(FileChannel file, long position, long count) {
        super(file, position, count);
    }

    @Override
    protected void deallocate() {
        // The FileChannel belongs to the log segment; closing it here would break every other reader.
    }
}
