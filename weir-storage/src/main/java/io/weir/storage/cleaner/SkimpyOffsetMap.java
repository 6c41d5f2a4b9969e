package io.weir.storage.cleaner;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The cleaner's key -> latest offset map, in a fixed amount of memory
 * ({@code log.cleaner.dedupe.buffer.size}): an open-addressing table of slots holding the
 * 16-byte MD5 digest of a key and an 8-byte offset. Keys themselves are never stored, so a
 * digest collision could drop a record; with MD5 the odds are negligible (Kafka's trade-off).
 * An all-zero digest marks an empty slot.
 *
 * <p>Probing reads successive 4-byte windows of the digest, then steps linearly, so every slot
 * is eventually reachable. The caller stops adding keys at the configured load factor.
 *
 * <p>Not thread-safe; owned by one cleaner.
 */
final class SkimpyOffsetMap {

    static final int HASH_SIZE = 16;
    static final int BYTES_PER_ENTRY = HASH_SIZE + 8;

    private final ByteBuffer bytes;
    private final MessageDigest digest;
    private final int slots;
    private final byte[] hash = new byte[HASH_SIZE];
    private final byte[] probeHash = new byte[HASH_SIZE];
    private int entries;
    private long latestOffset = -1L;

    SkimpyOffsetMap(int memoryBytes) {
        this.slots = memoryBytes / BYTES_PER_ENTRY;
        if (slots < 1) {
            throw new IllegalArgumentException("offset map needs at least " + BYTES_PER_ENTRY + " bytes, got " + memoryBytes);
        }
        this.bytes = ByteBuffer.allocate(slots * BYTES_PER_ENTRY);
        try {
            this.digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
    }

    int slots() {
        return slots;
    }

    int size() {
        return entries;
    }

    double utilization() {
        return (double) entries / slots;
    }

    /** The largest offset the map covers: records above it were not examined. -1 if empty. */
    long latestOffset() {
        return latestOffset;
    }

    void updateLatestOffset(long offset) {
        latestOffset = offset;
    }

    void clear() {
        Arrays.fill(bytes.array(), (byte) 0);
        entries = 0;
        latestOffset = -1L;
    }

    /** Maps {@code key} to {@code offset}, replacing an earlier offset; the map must not be full. */
    void put(ByteBuffer key, long offset) {
        if (entries >= slots) {
            throw new IllegalStateException("offset map is full (" + slots + " slots)");
        }
        hashInto(key, hash);
        for (int attempt = 0; ; attempt++) {
            int position = positionOf(hash, attempt);
            if (isEmpty(position)) {
                bytes.position(position);
                bytes.put(hash);
                bytes.putLong(offset);
                entries++;
                break;
            }
            if (hashAt(position)) {
                bytes.putLong(position + HASH_SIZE, offset);
                break;
            }
        }
        latestOffset = offset;
    }

    /** The offset stored for {@code key}, or -1. */
    long get(ByteBuffer key) {
        hashInto(key, hash);
        for (int attempt = 0; attempt < slots + HASH_SIZE; attempt++) {
            int position = positionOf(hash, attempt);
            if (isEmpty(position)) {
                return -1L;
            }
            if (hashAt(position)) {
                return bytes.getLong(position + HASH_SIZE);
            }
        }
        return -1L;
    }

    private void hashInto(ByteBuffer key, byte[] target) {
        digest.update(key.duplicate());
        try {
            digest.digest(target, 0, HASH_SIZE);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private int positionOf(byte[] h, int attempt) {
        int window = Math.min(attempt, HASH_SIZE - 4);
        int probe = readInt(h, window) + Math.max(0, attempt - (HASH_SIZE - 4));
        return Math.floorMod(probe, slots) * BYTES_PER_ENTRY;
    }

    private static int readInt(byte[] h, int offset) {
        return (h[offset] & 0xFF) << 24 | (h[offset + 1] & 0xFF) << 16 | (h[offset + 2] & 0xFF) << 8
                | (h[offset + 3] & 0xFF);
    }

    private boolean isEmpty(int position) {
        byte[] array = bytes.array();
        for (int i = 0; i < HASH_SIZE; i++) {
            if (array[position + i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the slot at {@code position} holds the digest in {@link #hash}. */
    private boolean hashAt(int position) {
        System.arraycopy(bytes.array(), position, probeHash, 0, HASH_SIZE);
        return Arrays.equals(probeHash, hash);
    }
}
