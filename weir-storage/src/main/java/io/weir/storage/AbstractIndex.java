package io.weir.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntToLongFunction;

import org.apache.kafka.common.errors.CorruptRecordException;

/**
 * A sparse, memory-mapped index file of fixed-size entries sorted by key, relative to the
 * segment's base offset. A new index is preallocated to {@code segment.index.bytes} (rounded
 * down to whole entries) and trimmed to its entries when the segment becomes inactive or is
 * closed, so on load the number of entries is the file length divided by the entry size.
 *
 * <p>The writer makes each page of the file with write(2) before it stores into the mapping there
 * ({@link #writerBuffer(int)}): a store into a page of the sparse file that is not in the page
 * cache faults, and Linux answers a fault on a file mapping by reading around it, as far as the
 * device's read-ahead (8 MiB on a virtio disk here), zero-filling the holes. A new segment's first
 * entries then filled 16 MiB of page cache with the zeros of its two index files (Kafka's do).
 *
 * <p>Threading: one writer at a time (the owning {@link Log}'s lock); lookups may run
 * concurrently with it: entries are written before the volatile entry count is raised, and
 * remapping (resize, close) takes the write side of a read-write lock that lookups read-lock.
 */
abstract class AbstractIndex implements Closeable {

    /** The base page size of Linux on the platforms Weir runs on: the unit the page cache holds. */
    static final int PAGE_BYTES = 4096;

    private final long baseOffset;
    private final ReentrantReadWriteLock remapLock = new ReentrantReadWriteLock();
    private volatile Path file;
    private volatile int maxIndexSize;
    private volatile MappedByteBuffer mmap;
    private volatile int maxEntries;
    private volatile int entries;
    /** Writer's: the file's bytes below this lie in pages the writer made with write(2). */
    private int madePagesEnd;

    AbstractIndex(Path file, long baseOffset, int maxIndexSize) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.maxIndexSize = maxIndexSize;
        map(Files.exists(file) ? -1 : roundDown(maxIndexSize));
    }

    abstract int entrySize();

    /** Entries checked for order at each end of an index on load. */
    static final int SANITY_SAMPLE = 64;

    /** Checks invariants a crash could break; a failure means "rebuild this index". */
    abstract void sanityCheck();

    /** Slot ranges [from, to) covering the first and last {@link #SANITY_SAMPLE} entries. */
    final int[][] sampleRanges() {
        int n = entries;
        if (n <= 2 * SANITY_SAMPLE) {
            return new int[][] {{0, n}};
        }
        return new int[][] {{0, SANITY_SAMPLE}, {n - SANITY_SAMPLE, n}};
    }

    /** Maps the file; {@code newLength < 0} keeps an existing file's length and entries. */
    private void map(int newLength) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (newLength >= 0) {
                raf.setLength(newLength);
            }
            int length = (int) raf.length();
            MappedByteBuffer buffer = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            int existing = newLength >= 0 ? 0 : length / entrySize();
            this.mmap = buffer;
            this.maxEntries = length / entrySize();
            this.entries = Math.min(existing, maxEntries);
            if (newLength < 0 && length % entrySize() != 0) {
                throw new CorruptIndexException("Index file " + file + " has length " + length
                        + ", not a multiple of the entry size " + entrySize());
            }
        }
    }

    private int roundDown(int size) {
        return size / entrySize() * entrySize();
    }

    public final long baseOffset() {
        return baseOffset;
    }

    public final Path file() {
        return file;
    }

    public final int entries() {
        return entries;
    }

    public final int maxEntries() {
        return maxEntries;
    }

    public final int maxIndexSize() {
        return maxIndexSize;
    }

    boolean isFull() {
        return entries >= maxEntries;
    }

    /** Bytes the entries take (the file length after {@link #trimToValidSize()}). */
    public final int sizeInBytes() {
        return entries * entrySize();
    }

    /** Relative offset check for the 4-byte relative offsets this index stores. */
    final int relativeOffset(long offset) {
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IndexOffsetOverflowException("Offset " + offset + " cannot be stored relative to base offset "
                    + baseOffset + " in " + file);
        }
        return (int) relative;
    }

    /** Called by the writer: the entry bytes at {@code slot} are written, publish them. */
    final void publishEntry(int slot) {
        entries = slot + 1;
    }

    /** Runs {@code reader} against the current mapping, excluding a concurrent remap. */
    final <T> T read(java.util.function.Function<MappedByteBuffer, T> reader) {
        remapLock.readLock().lock();
        try {
            return reader.apply(mmap);
        } finally {
            remapLock.readLock().unlock();
        }
    }

    /**
     * The mapping to store entry {@code slot} into, once the page (or, for an entry that straddles
     * two, the pages) under it exist in the page cache: the first entry of each page writes zeros
     * there with write(2), which makes the page without reading around it.
     */
    final MappedByteBuffer writerBuffer(int slot) {
        int start = slot * entrySize();
        int end = start + entrySize();
        if (end > madePagesEnd) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ByteBuffer zeros = ByteBuffer.allocate(entrySize());
                while (zeros.hasRemaining()) {
                    channel.write(zeros, start + zeros.position());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write index " + file, e);
            }
            madePagesEnd = (end + PAGE_BYTES - 1) / PAGE_BYTES * PAGE_BYTES;
        }
        return mmap;
    }

    /**
     * The largest slot whose key is <= {@code target} (-1 if none), by binary search over the
     * entries visible now.
     */
    final int largestLowerBoundSlot(MappedByteBuffer buffer, long target, int count) {
        return largestSlotAtMost(slot -> keyAt(buffer, slot), target, count);
    }

    /**
     * The largest of the first {@code count} slots whose {@code value} is <= {@code target} (-1
     * if none); {@code value} must not decrease from slot to slot.
     */
    static int largestSlotAtMost(IntToLongFunction value, long target, int count) {
        if (count == 0 || value.applyAsLong(0) > target) {
            return -1;
        }
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (value.applyAsLong(mid) <= target) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The smallest slot whose key is >= {@code target} (-1 if none). */
    final int smallestUpperBoundSlot(MappedByteBuffer buffer, long target, int count) {
        if (count == 0 || keyAt(buffer, count - 1) < target) {
            return -1;
        }
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt(buffer, mid) >= target) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The search key of the entry in {@code slot} (absolute offset or timestamp). */
    abstract long keyAt(MappedByteBuffer buffer, int slot);

    /** Drops every entry whose key is >= {@code key} (truncation of the log). */
    final void truncateToKey(long key) {
        int slot = smallestUpperBoundSlot(mmap, key, entries);
        if (slot >= 0) {
            truncateToEntries(slot);
        }
    }

    final void truncateToEntries(int count) {
        remapLock.writeLock().lock();
        try {
            entries = Math.min(count, entries);
        } finally {
            remapLock.writeLock().unlock();
        }
    }

    /** Removes all entries and restores the preallocated size. */
    void reset() throws IOException {
        truncateToEntries(0);
        resize(maxIndexSize);
    }

    /** Shrinks the file to its entries (segment becomes inactive, or close). */
    final void trimToValidSize() throws IOException {
        resize(entries * entrySize());
    }

    /** Remaps to {@code newSize} bytes (rounded down to whole entries); returns whether the size changed. */
    final boolean resize(int newSize) throws IOException {
        remapLock.writeLock().lock();
        try {
            int rounded = roundDown(newSize);
            if (mmap != null && mmap.capacity() == rounded) {
                return false;
            }
            int keep = entries;
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(rounded);
                mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, rounded);
                madePagesEnd = 0; // a shorter file lost its pages past the end
                maxEntries = rounded / entrySize();
                entries = Math.min(keep, maxEntries);
            }
            return true;
        } finally {
            remapLock.writeLock().unlock();
        }
    }

    /** Changes the preallocation size used when the index is reset (config change). */
    final void updateMaxIndexSize(int newMaxIndexSize) {
        this.maxIndexSize = newMaxIndexSize;
    }

    void flush() {
        remapLock.readLock().lock();
        try {
            mmap.force();
        } finally {
            remapLock.readLock().unlock();
        }
    }

    final void renameTo(Path target) throws IOException {
        if (Files.exists(file)) {
            Files.move(file, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        file = target;
    }

    final boolean deleteIfExists() throws IOException {
        close();
        return Files.deleteIfExists(file);
    }

    @Override
    public void close() throws IOException {
        if (Files.exists(file)) {
            trimToValidSize();
        }
    }

    /** Thrown when an index file is unusable and must be rebuilt from the log. */
    static final class CorruptIndexException extends CorruptRecordException {
        private static final long serialVersionUID = 1L;

        CorruptIndexException(String message) {
            super(message);
        }
    }
}
