package io.weir.broker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.weir.cluster.controller.BrokerRequest.PartitionInfo;
import io.weir.cluster.controller.BrokerRequest.UpdateMetadataRequest;

/** The codec byte by byte: round trips, truncation at every length, every byte garbled, lies. */
@Timeout(60)
class ControlCodecTest {

    /** The frame's bytes after the size field. */
    static byte[] body(int correlationId, Object message) {
        ByteBuffer frame = ControlCodec.encode(correlationId, message);
        assertThat(frame.getInt(0)).isEqualTo(frame.remaining() - ControlCodec.SIZE_FIELD_BYTES);
        byte[] bytes = new byte[frame.remaining() - ControlCodec.SIZE_FIELD_BYTES];
        frame.position(ControlCodec.SIZE_FIELD_BYTES).get(bytes);
        return bytes;
    }

    private static ControlFrame decode(byte[] bytes, int length) throws ControlProtocolException {
        return ControlCodec.decode(ByteBuffer.wrap(bytes, 0, length).slice());
    }

    @Test
    void everyMessageTypeRoundTrips() throws Exception {
        Set<ControlMessageType> seen = EnumSet.noneOf(ControlMessageType.class);
        int correlationId = -3;
        for (Object message : ControlSamples.all()) {
            ByteBuffer frame = ControlCodec.encode(correlationId, message);
            ControlMessageType type = ControlMessageType.of(message);
            assertThat(frame.getInt()).isEqualTo(frame.remaining());
            assertThat(frame.getShort(frame.position())).isEqualTo(type.code());
            assertThat(frame.getInt(frame.position() + 2)).isEqualTo(correlationId);

            ControlFrame decoded = ControlCodec.decode(frame);
            assertThat(decoded).isEqualTo(new ControlFrame(type, correlationId, message));
            assertThat(frame.hasRemaining()).isFalse();
            seen.add(type);
            correlationId += 1_000_000_007;
        }
        assertThat(seen).containsExactlyInAnyOrder(ControlMessageType.values());
    }

    @Test
    void typeCodesAreStable() {
        assertThat(Arrays.stream(ControlMessageType.values()).map(ControlMessageType::code))
            .containsExactly((short) 1, (short) 2, (short) 3, (short) 4, (short) 100, (short) 101);
        assertThat(ControlMessageType.forCode((short) 5)).isNull();
        assertThat(ControlMessageType.CONTROLLED_SHUTDOWN.responseType())
            .isEqualTo(ControlMessageType.CONTROLLED_SHUTDOWN_RESPONSE);
        assertThat(ControlMessageType.STOP_REPLICA.responseType()).isEqualTo(ControlMessageType.CONTROL_RESPONSE);
    }

    @Test
    void frameTruncatedAtEveryLengthIsRejected() {
        for (Object message : ControlSamples.all()) {
            byte[] bytes = body(42, message);
            for (int length = 0; length < bytes.length; length++) {
                int cut = length;
                assertThatThrownBy(() -> decode(bytes, cut)).as("%s cut to %d bytes", message, cut)
                    .isInstanceOf(ControlProtocolException.class);
            }
        }
    }

    @Test
    void bytesAfterTheBodyAreRejected() {
        for (Object message : ControlSamples.all()) {
            byte[] bytes = Arrays.copyOf(body(42, message), body(42, message).length + 1);
            assertThatThrownBy(() -> decode(bytes, bytes.length)).as("%s", message)
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("left after");
        }
    }

    @Test
    void everyByteGarbledEitherDecodesOrIsRejected() {
        byte[] replacements = {0, 1, -1, 0x7f, (byte) 0x80};
        int rejected = 0;
        for (Object message : ControlSamples.all()) {
            byte[] original = body(42, message);
            for (int position = 0; position < original.length; position++) {
                for (byte replacement : replacements) {
                    byte[] bytes = original.clone();
                    bytes[position] = replacement;
                    rejected += decodesOrIsRejected(bytes) ? 0 : 1;
                }
            }
        }
        assertThat(rejected).isPositive();
    }

    @Test
    void randomGarbageEitherDecodesOrIsRejected() {
        Random random = new Random(20240611L);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(120)];
            random.nextBytes(bytes);
            if (bytes.length >= 2 && random.nextBoolean()) {
                ControlMessageType type = ControlMessageType.values()[random.nextInt(ControlMessageType.values().length)];
                bytes[0] = (byte) (type.code() >> 8);
                bytes[1] = (byte) type.code();
            }
            decodesOrIsRejected(bytes);
        }
    }

    /** True if decoded; any exception other than ControlProtocolException fails the test. */
    private static boolean decodesOrIsRejected(byte[] bytes) {
        try {
            ControlFrame frame = decode(bytes, bytes.length);
            assertThat(frame.message()).isInstanceOf(frame.type().bodyClass());
            return true;
        } catch (ControlProtocolException e) {
            return false;
        }
    }

    @Test
    void countsThatCannotFitAreRejectedBeforeAllocating() {
        for (int count : new int[] {Integer.MAX_VALUE, 1 << 28, -1, Integer.MIN_VALUE}) {
            ByteBuffer frame = ByteBuffer.allocate(64);
            frame.putShort(ControlMessageType.LEADER_AND_ISR.code()).putInt(1).putInt(1).putInt(4).putInt(count);
            frame.flip();
            assertThatThrownBy(() -> ControlCodec.decode(frame)).as("count %d", count)
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("count");
        }
        // One ISR entry announced per remaining byte: four times too many.
        byte[] bytes = body(1, ControlSamples.leaderAndIsr(1));
        ByteBuffer lying = ByteBuffer.wrap(bytes);
        int isrCountAt = 2 + 4 + 4 + 4 + 4 + (2 + "orders".length()) + 4 + 16 + 4 + 4;
        lying.putInt(isrCountAt, bytes.length - isrCountAt - 4);
        assertThatThrownBy(() -> ControlCodec.decode(lying)).isInstanceOf(ControlProtocolException.class)
            .hasMessageContaining("isr count");
    }

    @Test
    void stringsThatLieAreRejected() {
        // Passes the count check (11 bytes per partition), not the string length.
        ByteBuffer longString = ByteBuffer.allocate(36);
        longString.putShort(ControlMessageType.STOP_REPLICA.code()).putInt(1).putInt(1).putInt(4).putInt(1)
            .putShort(Short.MAX_VALUE).put(new byte[12]);
        longString.flip();
        assertThatThrownBy(() -> ControlCodec.decode(longString)).isInstanceOf(ControlProtocolException.class)
            .hasMessageContaining("truncated frame: string needs 32767 bytes, 12 left");

        ByteBuffer negative = ByteBuffer.allocate(32);
        negative.putShort(ControlMessageType.STOP_REPLICA.code()).putInt(1).putInt(1).putInt(4).putInt(1)
            .putShort((short) -1).putInt(0).putInt(0).put((byte) 0);
        negative.flip();
        assertThatThrownBy(() -> ControlCodec.decode(negative)).isInstanceOf(ControlProtocolException.class)
            .hasMessageContaining("string length -1");

        ByteBuffer badUtf8 = ByteBuffer.allocate(32);
        badUtf8.putShort(ControlMessageType.STOP_REPLICA.code()).putInt(1).putInt(1).putInt(4).putInt(1)
            .putShort((short) 2).put((byte) 0xc3).put((byte) 0x28).putInt(0).putInt(0).put((byte) 0);
        badUtf8.flip();
        assertThatThrownBy(() -> ControlCodec.decode(badUtf8)).isInstanceOf(ControlProtocolException.class)
            .hasMessageContaining("UTF-8");
    }

    @Test
    void unknownTypesErrorCodesBooleansAndDuplicatesAreRejected() {
        ByteBuffer unknownType = ByteBuffer.allocate(6).putShort((short) 99).putInt(1).flip();
        assertThatThrownBy(() -> ControlCodec.decode(unknownType)).isInstanceOf(ControlProtocolException.class)
            .hasMessageContaining("unknown control-plane message type 99");

        ByteBuffer unknownError = ByteBuffer.allocate(12)
            .putShort(ControlMessageType.CONTROL_RESPONSE.code()).putInt(1).putShort((short) 30_000).putInt(0).flip();
        assertThatThrownBy(() -> ControlCodec.decode(unknownError)).isInstanceOf(ControlProtocolException.class)
            .hasMessageContaining("unknown error code 30000");

        byte[] stop = body(1, ControlSamples.stopReplica(1));
        stop[stop.length - 1 - Long.BYTES] = 2; // the last deletePartition, before the broker epoch
        assertThatThrownBy(() -> decode(stop, stop.length)).isInstanceOf(ControlProtocolException.class)
            .hasMessageContaining("invalid boolean 2");

        ByteBuffer duplicate = ByteBuffer.allocate(64)
            .putShort(ControlMessageType.CONTROLLED_SHUTDOWN_RESPONSE.code()).putInt(1).putShort((short) 0).putInt(2);
        for (int i = 0; i < 2; i++) {
            duplicate.putShort((short) 1).put((byte) 't').putInt(0);
        }
        duplicate.flip();
        assertThatThrownBy(() -> ControlCodec.decode(duplicate)).isInstanceOf(ControlProtocolException.class)
            .hasMessageContaining("listed twice");
    }

    @Test
    void frameSizesOutsideTheLimitsAreRejected() throws Exception {
        int max = 1024;
        for (int size : new int[] {Integer.MIN_VALUE, -1, 0, 5, max + 1, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> ControlCodec.checkFrameSize(size, max)).as("size %d", size)
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("size = " + size);
        }
        ControlCodec.checkFrameSize(ControlCodec.HEADER_BYTES, max);
        ControlCodec.checkFrameSize(max, max);
    }

    @Test
    void encodeRefusesWhatItCannotWrite() {
        assertThatThrownBy(() -> ControlCodec.encode(1, "not a message")).isInstanceOf(IllegalArgumentException.class);
        String tooLong = "x".repeat(Short.MAX_VALUE + 1);
        assertThatThrownBy(() -> ControlCodec.encode(1, new ControlResponse(Errors.NONE,
            Map.of(new TopicPartition(tooLong, 0), Errors.NONE))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than");
    }

    @Test
    void largeMessagesGrowTheBuffer() throws Exception {
        List<PartitionInfo> partitions = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            partitions.add(ControlSamples.partition(new TopicPartition("topic-" + i, i), 1,
                i % 2 == 0));
        }
        UpdateMetadataRequest request = new UpdateMetadataRequest(1, 9, List.of(), partitions, true);
        ByteBuffer frame = ControlCodec.encode(7, request);
        frame.getInt();
        assertThat(ControlCodec.decode(frame).message()).isEqualTo(request);
    }
}
