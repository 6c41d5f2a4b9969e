package io.weir.broker.control;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * Reads the control-plane primitives from untrusted bytes. Every length and count is checked
 * against the bytes that remain before anything is allocated, so a lying frame costs at most a
 * small multiple of its own size and never loops; every problem is a
 * {@link ControlProtocolException}. Confined to one thread.
 */
final class ControlReader {

    private static final Map<Short, Errors> ERRORS_BY_CODE = new HashMap<>();

    static {
        for (Errors error : Errors.values()) {
            ERRORS_BY_CODE.put(error.code(), error);
        }
    }

    private final ByteBuffer buffer;
    private CharsetDecoder utf8;

    ControlReader(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    int remaining() {
        return buffer.remaining();
    }

    private void need(int bytes, String what) throws ControlProtocolException {
        if (buffer.remaining() < bytes) {
            throw new ControlProtocolException("truncated frame: " + what + " needs " + bytes + " bytes, "
                + buffer.remaining() + " left");
        }
    }

    byte readByte() throws ControlProtocolException {
        need(1, "byte");
        return buffer.get();
    }

    boolean readBoolean() throws ControlProtocolException {
        byte value = readByte();
        if (value != 0 && value != 1) {
            throw new ControlProtocolException("invalid boolean " + value);
        }
        return value == 1;
    }

    short readShort() throws ControlProtocolException {
        need(2, "int16");
        return buffer.getShort();
    }

    int readInt() throws ControlProtocolException {
        need(4, "int32");
        return buffer.getInt();
    }

    long readLong() throws ControlProtocolException {
        need(8, "int64");
        return buffer.getLong();
    }

    String readString() throws ControlProtocolException {
        short length = readShort();
        if (length < 0) {
            throw new ControlProtocolException("invalid string length " + length);
        }
        return readUtf8(length);
    }

    String readNullableString() throws ControlProtocolException {
        short length = readShort();
        if (length == -1) {
            return null;
        }
        if (length < 0) {
            throw new ControlProtocolException("invalid nullable string length " + length);
        }
        return readUtf8(length);
    }

    private String readUtf8(int length) throws ControlProtocolException {
        need(length, "string");
        ByteBuffer bytes = buffer.slice();
        bytes.limit(length);
        buffer.position(buffer.position() + length);
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        try {
            return utf8.decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new ControlProtocolException("string is not valid UTF-8");
        }
    }

    /**
     * An int32 element count, refused when negative or when {@code count} elements of at least
     * {@code minElementBytes} each cannot fit in what remains.
     */
    int readCount(int minElementBytes, String what) throws ControlProtocolException {
        int count = readInt();
        if (count < 0) {
            throw new ControlProtocolException("invalid " + what + " count " + count);
        }
        if ((long) count * minElementBytes > buffer.remaining()) {
            throw new ControlProtocolException(what + " count " + count + " does not fit in the "
                + buffer.remaining() + " bytes left");
        }
        return count;
    }

    List<Integer> readIntList(String what) throws ControlProtocolException {
        int count = readCount(4, what);
        List<Integer> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(buffer.getInt());
        }
        return values;
    }

    Uuid readUuid() throws ControlProtocolException {
        return new Uuid(readLong(), readLong());
    }

    TopicPartition readTopicPartition() throws ControlProtocolException {
        return new TopicPartition(readString(), readInt());
    }

    /** Refuses codes this kafka-clients version does not know. */
    Errors readErrors() throws ControlProtocolException {
        short code = readShort();
        Errors error = ERRORS_BY_CODE.get(code);
        if (error == null) {
            throw new ControlProtocolException("unknown error code " + code);
        }
        return error;
    }

    void checkFullyRead() throws ControlProtocolException {
        if (buffer.hasRemaining()) {
            throw new ControlProtocolException(buffer.remaining() + " bytes left after the message body");
        }
    }
}
