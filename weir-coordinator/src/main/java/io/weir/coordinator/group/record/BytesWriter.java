package io.weir.coordinator.group.record;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import org.apache.kafka.common.Uuid;

/**
 * Writes Kafka protocol primitives: fixed-width big-endian integers, and strings, byte arrays
 * and arrays in either the classic (int16/int32 lengths) or the flexible (compact, unsigned
 * varint length + 1) encoding. Flexible structs end with an empty tagged-field section.
 *
 * <p>Not thread-safe; one per encoding.
 */
final class BytesWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    private boolean flexible;

    BytesWriter flexible(boolean flexible) {
        this.flexible = flexible;
        return this;
    }

    void int8(byte v) {
        out.write(v);
    }

    void int16(int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    void int32(int v) {
        int16(v >>> 16);
        int16(v & 0xffff);
    }

    void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    void uuid(Uuid id) {
        int64(id.getMostSignificantBits());
        int64(id.getLeastSignificantBits());
    }

    void unsignedVarint(int v) {
        while ((v & 0xffffff80) != 0) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    void string(String s) {
        if (s == null) {
            throw new IllegalArgumentException("a non-nullable string is null");
        }
        nullableString(s);
    }

    void nullableString(String s) {
        if (s == null) {
            if (flexible) {
                unsignedVarint(0);
            } else {
                int16(-1);
            }
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (flexible) {
            unsignedVarint(bytes.length + 1);
        } else {
            if (bytes.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("string longer than " + Short.MAX_VALUE + " bytes");
            }
            int16(bytes.length);
        }
        out.write(bytes, 0, bytes.length);
    }

    void bytes(byte[] b) {
        if (flexible) {
            unsignedVarint(b.length + 1);
        } else {
            int32(b.length);
        }
        out.write(b, 0, b.length);
    }

    void arrayLength(int n) {
        if (flexible) {
            unsignedVarint(n + 1);
        } else {
            int32(n);
        }
    }

    void stringArray(Collection<String> strings) {
        arrayLength(strings.size());
        strings.forEach(this::string);
    }

    void int32Array(Collection<Integer> ints) {
        arrayLength(ints.size());
        ints.forEach(this::int32);
    }

    /** The end of a flexible struct: no tagged fields. */
    void emptyTaggedFields() {
        if (flexible) {
            unsignedVarint(0);
        }
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
