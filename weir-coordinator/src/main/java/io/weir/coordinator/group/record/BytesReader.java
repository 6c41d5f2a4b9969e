package io.weir.coordinator.group.record;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;

/**
 * Reads what {@link BytesWriter} writes; unknown tagged fields are skipped. Malformed input
 * fails with {@link IllegalArgumentException}.
 *
 * <p>Not thread-safe; one per decoding.
 */
final class BytesReader {

    private final ByteBuffer buf;
    private boolean flexible;

    BytesReader(ByteBuffer buf) {
        this.buf = buf.slice();
    }

    BytesReader flexible(boolean flexible) {
        this.flexible = flexible;
        return this;
    }

    byte int8() {
        return guard(() -> buf.get());
    }

    short int16() {
        return guard(buf::getShort);
    }

    int int32() {
        return guard(buf::getInt);
    }

    long int64() {
        return guard(buf::getLong);
    }

    Uuid uuid() {
        return new Uuid(int64(), int64());
    }

    int unsignedVarint() {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = int8();
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint longer than 5 bytes");
    }

    String string() {
        String s = nullableString();
        if (s == null) {
            throw new IllegalArgumentException("null in a non-nullable string");
        }
        return s;
    }

    String nullableString() {
        int length = flexible ? unsignedVarint() - 1 : int16();
        if (length < 0) {
            return null;
        }
        return new String(take(length), StandardCharsets.UTF_8);
    }

    byte[] bytes() {
        int length = flexible ? unsignedVarint() - 1 : int32();
        if (length < 0) {
            throw new IllegalArgumentException("null in non-nullable bytes");
        }
        return take(length);
    }

    int arrayLength() {
        int n = flexible ? unsignedVarint() - 1 : int32();
        if (n < 0 || n > buf.remaining()) {
            throw new IllegalArgumentException("bad array length " + n);
        }
        return n;
    }

    List<String> stringArray() {
        int n = arrayLength();
        List<String> strings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            strings.add(string());
        }
        return strings;
    }

    List<Integer> int32Array() {
        int n = arrayLength();
        List<Integer> ints = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ints.add(int32());
        }
        return ints;
    }

    /** Skips the tagged fields at the end of a flexible struct (we define none we must read). */
    void skipTaggedFields() {
        if (!flexible) {
            return;
        }
        int count = unsignedVarint();
        for (int i = 0; i < count; i++) {
            unsignedVarint();
            take(unsignedVarint());
        }
    }

    boolean hasRemaining() {
        return buf.hasRemaining();
    }

    private byte[] take(int length) {
        if (length < 0 || length > buf.remaining()) {
            throw new IllegalArgumentException("length " + length + " exceeds the " + buf.remaining() + " bytes left");
        }
        byte[] b = new byte[length];
        buf.get(b);
        return b;
    }

    private static <T> T guard(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("record ends early", e);
        }
    }
}
