package io.weir.storage.state;

import io.weir.storage.checkpoint.AtomicFileWriter;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * The producer state snapshot file {@code <20-digit offset>.snapshot} of a partition directory:
 * the state of every producer as of the named offset (the map end offset when it was taken).
 *
 * <p>Weir's own format (not Kafka's; a snapshot never leaves the broker), big-endian:
 * <pre>
 * version              int16   1
 * crc                  uint32  CRC32C of every byte after this field
 * producer count       int32
 * per producer:
 *   producer id        int64
 *   producer epoch     int16
 *   coordinator epoch  int32
 *   last timestamp     int64
 *   txn first offset   int64   -1 if no transaction is open
 *   batch count        int8    0..5, oldest first
 *   per batch:         first seq int32, last seq int32, first offset int64, last offset int64,
 *                      timestamp int64
 * </pre>
 * Unlike Kafka's format, all five retained batches are kept, so retries are still recognised
 * after a restart. A file that fails any check reads as {@link CorruptSnapshotException}.
 * Files are written through a {@code .tmp} file and a rename, so a crash leaves either the whole
 * snapshot or none.
 *
 * <p>Stateless and thread-safe.
 */
public final class ProducerSnapshotFile {

    public static final String SUFFIX = ".snapshot";
    public static final short CURRENT_VERSION = 1;

    private static final int HEADER_SIZE = 2 + 4 + 4;
    private static final int ENTRY_FIXED_SIZE = 8 + 2 + 4 + 8 + 8 + 1;
    private static final int BATCH_SIZE = 4 + 4 + 8 + 8 + 8;
    private static final int CRC_OFFSET = 2;
    private static final int BODY_OFFSET = 6;

    private ProducerSnapshotFile() {
    }

    /** The snapshot file for {@code offset} in {@code logDir}. */
    public static Path fileFor(Path logDir, long offset) {
        return logDir.resolve(String.format("%020d", offset) + SUFFIX);
    }

    /** The offset a snapshot file is named after, or empty if {@code file} is not a snapshot. */
    public static OptionalLong offsetOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX)) {
            return OptionalLong.empty();
        }
        String digits = name.substring(0, name.length() - SUFFIX.length());
        if (digits.length() != 20 || !digits.chars().allMatch(Character::isDigit)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Writes the entries to {@code file} atomically and durably. */
    public static void write(Path file, Collection<ProducerStateEntry> entries) throws IOException {
        write(file, entries, true);
    }

    /** The same; fsynced only when {@code sync} (see {@link AtomicFileWriter#write(Path, ByteBuffer, boolean)}). */
    public static void write(Path file, Collection<ProducerStateEntry> entries, boolean sync) throws IOException {
        int size = HEADER_SIZE;
        for (ProducerStateEntry entry : entries) {
            size += ENTRY_FIXED_SIZE + entry.batchMetadata().size() * BATCH_SIZE;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putShort(CURRENT_VERSION);
        buffer.putInt(0); // crc, filled in below
        buffer.putInt(entries.size());
        for (ProducerStateEntry entry : entries) {
            writeEntry(buffer, entry);
        }
        buffer.putInt(CRC_OFFSET, (int) crcOf(buffer.array(), size));
        buffer.flip();
        AtomicFileWriter.write(file, buffer, sync);
    }

    private static void writeEntry(ByteBuffer buffer, ProducerStateEntry entry) {
        buffer.putLong(entry.producerId());
        buffer.putShort(entry.producerEpoch());
        buffer.putInt(entry.coordinatorEpoch());
        buffer.putLong(entry.lastTimestamp());
        buffer.putLong(entry.currentTxnStartOffset().orElse(-1L));
        List<BatchMetadata> batches = entry.batchMetadata();
        buffer.put((byte) batches.size());
        for (BatchMetadata batch : batches) {
            buffer.putInt(batch.firstSeq());
            buffer.putInt(batch.lastSeq());
            buffer.putLong(batch.firstOffset());
            buffer.putLong(batch.lastOffset());
            buffer.putLong(batch.timestamp());
        }
    }

    /** Reads a snapshot; any inconsistency is a {@link CorruptSnapshotException}. */
    public static List<ProducerStateEntry> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < HEADER_SIZE) {
            throw corrupt(file, "only " + bytes.length + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        short version = buffer.getShort();
        if (version != CURRENT_VERSION) {
            throw corrupt(file, "unknown version " + version);
        }
        long storedCrc = Integer.toUnsignedLong(buffer.getInt());
        long computedCrc = crcOf(bytes, bytes.length);
        if (storedCrc != computedCrc) {
            throw corrupt(file, "checksum " + computedCrc + " does not match the stored " + storedCrc);
        }
        try {
            return readEntries(file, buffer);
        } catch (BufferUnderflowException e) {
            throw corrupt(file, "truncated");
        }
    }

    private static List<ProducerStateEntry> readEntries(Path file, ByteBuffer buffer) throws IOException {
        int count = buffer.getInt();
        if (count < 0 || (long) count * ENTRY_FIXED_SIZE > buffer.remaining()) {
            throw corrupt(file, "bad producer count " + count);
        }
        List<ProducerStateEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(readEntry(file, buffer));
        }
        if (buffer.hasRemaining()) {
            throw corrupt(file, buffer.remaining() + " trailing bytes");
        }
        return entries;
    }

    private static ProducerStateEntry readEntry(Path file, ByteBuffer buffer) throws IOException {
        long producerId = buffer.getLong();
        short epoch = buffer.getShort();
        int coordinatorEpoch = buffer.getInt();
        long lastTimestamp = buffer.getLong();
        long txnFirstOffset = buffer.getLong();
        int batchCount = buffer.get();
        if (producerId < 0 || batchCount < 0 || batchCount > ProducerStateEntry.NUM_BATCHES_TO_RETAIN) {
            throw corrupt(file, "bad entry for producer " + producerId + " with " + batchCount + " batches");
        }
        List<BatchMetadata> batches = new ArrayList<>(batchCount);
        for (int i = 0; i < batchCount; i++) {
            batches.add(new BatchMetadata(buffer.getInt(), buffer.getInt(), buffer.getLong(), buffer.getLong(),
                    buffer.getLong()));
        }
        OptionalLong txn = txnFirstOffset < 0 ? OptionalLong.empty() : OptionalLong.of(txnFirstOffset);
        return new ProducerStateEntry(producerId, epoch, coordinatorEpoch, lastTimestamp, txn, batches);
    }

    private static long crcOf(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, BODY_OFFSET, length - BODY_OFFSET);
        return crc.getValue();
    }

    private static CorruptSnapshotException corrupt(Path file, String reason) {
        return new CorruptSnapshotException("Corrupt producer state snapshot " + file + ": " + reason);
    }
}
