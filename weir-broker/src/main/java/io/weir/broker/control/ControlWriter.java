package io.weir.broker.control;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * Writes the control-plane primitives (big-endian, Kafka-style) into a heap buffer that grows as
 * needed. Confined to one thread.
 */
final class ControlWriter {

    private ByteBuffer buffer = ByteBuffer.allocate(256);

    private void ensure(int bytes) {
        if (buffer.remaining() >= bytes) {
            return;
        }
        long needed = (long) buffer.position() + bytes;
        long capacity = Math.max(needed, 2L * buffer.capacity());
        if (capacity > Integer.MAX_VALUE - 8) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("control-plane message larger than 2 GiB");
            }
            capacity = needed;
        }
        ByteBuffer grown = ByteBuffer.allocate((int) capacity);
        buffer.flip();
        grown.put(buffer);
        buffer = grown;
    }

    void writeByte(byte value) {
        ensure(1);
        buffer.put(value);
    }

    void writeBoolean(boolean value) {
        writeByte(value ? (byte) 1 : (byte) 0);
    }

    void writeShort(short value) {
        ensure(2);
        buffer.putShort(value);
    }

    void writeInt(int value) {
        ensure(4);
        buffer.putInt(value);
    }

    void writeLong(long value) {
        ensure(8);
        buffer.putLong(value);
    }

    /** int16 length, then UTF-8 bytes; at most {@link Short#MAX_VALUE} bytes. */
    void writeString(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes is longer than "
                + Short.MAX_VALUE);
        }
        writeShort((short) bytes.length);
        ensure(bytes.length);
        buffer.put(bytes);
    }

    /** Length -1 for null. */
    void writeNullableString(String value) {
        if (value == null) {
            writeShort((short) -1);
        } else {
            writeString(value);
        }
    }

    void writeCount(int count) {
        writeInt(count);
    }

    void writeIntList(List<Integer> values) {
        writeCount(values.size());
        ensure(4 * values.size());
        for (int value : values) {
            buffer.putInt(value);
        }
    }

    void writeUuid(Uuid uuid) {
        writeLong(uuid.getMostSignificantBits());
        writeLong(uuid.getLeastSignificantBits());
    }

    void writeTopicPartition(TopicPartition partition) {
        writeString(partition.topic());
        writeInt(partition.partition());
    }

    void writeErrors(Errors error) {
        writeShort(error.code());
    }

    /** Bytes written so far. */
    int position() {
        return buffer.position();
    }

    /** Puts an int at an absolute position already written (the frame size). */
    void putInt(int index, int value) {
        buffer.putInt(index, value);
    }

    /** The bytes written, ready to read. The writer must not be used afterwards. */
    ByteBuffer finish() {
        buffer.flip();
        return buffer;
    }
}
