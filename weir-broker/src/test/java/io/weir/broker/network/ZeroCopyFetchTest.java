package io.weir.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.SendBuilder;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * A FetchResponse whose records are a FileRecords over a 64 MiB file must reach the socket with
 * sendfile: the bytes arrive intact and the JVM's threads allocate far less heap than was sent.
 */
@Timeout(120)
class ZeroCopyFetchTest {

    private static final int FILE_BYTES = 64 * 1024 * 1024;
    private static final short FETCH_VERSION = 12;
    private static final int CORRELATION_ID = 99;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "epoll preferred: {0}")
    @ValueSource(booleans = {true, false})
    void fetchRecordsGoFromFileToSocketWithoutTheHeap(boolean preferEpoll) throws Exception {
        Path file = dir.resolve("00000000000000000000.log");
        writePattern(file);
        try (FileRecords records = FileRecords.open(file.toFile())) {
            FetchResponseData data = fetchResponse(records);
            long[] expected = expectedSizeAndCrc(data);
            TestApis apis = new TestApis().override(ApiKeys.FETCH,
                request -> request.sendResponse(FetchResponse.of(data)));
            try (ServerFixture server = new ServerFixture(ServerFixture.config(b -> b), apis, 2, preferEpoll);
                 SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()))) {
                byte[] requestFrame = Frames.request(fetchRequest(), CORRELATION_ID);
                ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
                // The first round loads classes and warms up code paths; the second is measured.
                exchange(client, requestFrame, readBuffer, new CRC32C(), expected[0]);
                CRC32C crc = new CRC32C();
                long allocatedBefore = heapAllocatedByAllThreads();
                long received = exchange(client, requestFrame, readBuffer, crc, expected[0]);
                long allocated = heapAllocatedByAllThreads() - allocatedBefore;

                LoggerFactory.getLogger(ZeroCopyFetchTest.class).info("{} transport: {} bytes sent, {} heap bytes allocated",
                    server.server.transportName(), received, allocated);
                assertThat(received).isEqualTo(expected[0]);
                assertThat(crc.getValue()).isEqualTo(expected[1]);
                assertThat(allocated).as("heap bytes allocated while sending %d bytes over %s", received,
                    server.server.transportName()).isLessThan(FILE_BYTES / 8);
            }
        }
    }

    private static FetchResponseData fetchResponse(FileRecords records) {
        FetchResponseData.PartitionData partition = new FetchResponseData.PartitionData()
            .setPartitionIndex(0).setHighWatermark(1000).setLastStableOffset(1000).setLogStartOffset(0)
            .setRecords(records);
        return new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
            .setTopic("zero-copy").setPartitions(List.of(partition))));
    }

    private static FetchRequest fetchRequest() {
        Map<TopicPartition, FetchRequest.PartitionData> partitions = Map.of(new TopicPartition("zero-copy", 0),
            new FetchRequest.PartitionData(Uuid.ZERO_UUID, 0, 0, Integer.MAX_VALUE, Optional.empty()));
        return FetchRequest.Builder.forConsumer(FETCH_VERSION, 0, 1, partitions).build(FETCH_VERSION);
    }

    private static long exchange(SocketChannel client, byte[] requestFrame, ByteBuffer readBuffer, CRC32C crc,
                                 long expectedBytes) throws IOException {
        ByteBuffer request = ByteBuffer.wrap(requestFrame);
        while (request.hasRemaining()) {
            client.write(request);
        }
        return readResponse(client, readBuffer, crc, expectedBytes);
    }

    /** Reads the size prefix and the whole response through one reused direct buffer. */
    private static long readResponse(SocketChannel client, ByteBuffer buffer, CRC32C crc, long expectedBytes)
            throws IOException {
        long total = 0;
        while (total < expectedBytes) {
            buffer.clear();
            int n = client.read(buffer);
            if (n < 0) {
                break;
            }
            buffer.flip();
            crc.update(buffer);
            total += n;
        }
        return total;
    }

    /** Size and CRC of the bytes kafka-clients would put on the wire for this response. */
    private static long[] expectedSizeAndCrc(FetchResponseData data) throws IOException {
        Send send = SendBuilder.buildResponseSend(
            new ResponseHeader(CORRELATION_ID, ApiKeys.FETCH.responseHeaderVersion(FETCH_VERSION)), data,
            FETCH_VERSION);
        CrcChannel channel = new CrcChannel();
        while (!send.completed()) {
            send.writeTo(channel);
        }
        assertThat(channel.bytes).isEqualTo(send.size());
        return new long[] {channel.bytes, channel.crc.getValue()};
    }

    private static void writePattern(Path file) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(1024 * 1024);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i < FILE_BYTES; i += chunk.capacity()) {
                chunk.clear();
                for (int j = 0; j < chunk.capacity(); j += 4) {
                    chunk.putInt((i + j) * 31 + 7);
                }
                chunk.flip();
                while (chunk.hasRemaining()) {
                    channel.write(chunk);
                }
            }
        }
    }

    private static long heapAllocatedByAllThreads() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            if (bytes > 0) {
                total += bytes;
            }
        }
        return total;
    }

    /** A TransferableChannel that only checksums what is written to it. */
    private static final class CrcChannel implements TransferableChannel {
        final CRC32C crc = new CRC32C();
        final ByteBuffer fileBuffer = ByteBuffer.allocateDirect(1024 * 1024);
        long bytes;

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            crc.update(src);
            bytes += n;
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += write(srcs[i]);
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public long transferFrom(FileChannel file, long position, long count) throws IOException {
            long done = 0;
            while (done < count) {
                fileBuffer.clear().limit((int) Math.min(fileBuffer.capacity(), count - done));
                int n = file.read(fileBuffer, position + done);
                if (n < 0) {
                    break;
                }
                fileBuffer.flip();
                write(fileBuffer);
                done += n;
            }
            return done;
        }

        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
