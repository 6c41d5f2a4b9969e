package io.weir.storage;

/**
 * The latest batches appended to the active segment (position, size, base and last offset), so
 * that a read near the end, a caught-up consumer's or follower's, finds its batches in memory
 * instead of reading their headers from the file with {@code pread}. It answers only a read
 * whose every batch it still holds; anything else is read from the file as before.
 *
 * <p>Entries are immutable and carry their sequence number, so a reader that meets a slot the
 * writer has since reused knows it and gives up: no torn entry can be seen.
 *
 * <p>Threading: {@link #add} by one writer at a time (under the log lock); {@link #read} from any
 * thread without a lock. The writer adds a batch before the log publishes the end offset that
 * covers it, so a reader that read that end first finds the batch here (or its slot reused).
 */
final class RecentBatches {

    /** Batches kept: enough for the reads of followers and consumers that keep up. */
    static final int CAPACITY = 32;

    private record Entry(long sequence, long baseOffset, long lastOffset, int position, int size) {
    }

    /** A read's answer: {@code bytes} of whole batches from {@code position}, the last ending at {@code lastOffset}. */
    record Slice(int position, int bytes, long lastOffset) {
    }

    private final Entry[] slots = new Entry[CAPACITY];
    private volatile long added;

    void add(long baseOffset, long lastOffset, int position, int size) {
        long n = added;
        slots[(int) (n % CAPACITY)] = new Entry(n, baseOffset, lastOffset, position, size);
        added = n + 1;
    }

    /**
     * What {@link LogSegment#read} would return from the file, if every batch it needs is still
     * here: whole batches from the first whose last offset is at least {@code startOffset}, up to
     * {@code maxSize} bytes (the first one counts even if larger with {@code minOneMessage}),
     * none ending after {@code maxPosition}. Null when this cannot tell: the batch holding the
     * offset is older than the oldest kept, none is found, or a slot was reused meanwhile.
     */
    Slice read(long startOffset, int maxSize, int maxPosition, boolean minOneMessage) {
        long n = added;
        long i = firstAtOrAfter(startOffset, n);
        Entry first = i < 0 ? null : entry(i);
        if (first == null || first.position() + first.size() > maxPosition) {
            return null;
        }
        if (first.size() > maxSize && !minOneMessage) {
            return new Slice(first.position(), 0, first.lastOffset());
        }
        int bytes = first.size();
        long lastOffset = first.lastOffset();
        for (i++; i < n; i++) {
            Entry e = entry(i);
            if (e == null) {
                return null;
            }
            if (bytes + e.size() > maxSize || e.position() + e.size() > maxPosition) {
                break;
            }
            bytes += e.size();
            lastOffset = e.lastOffset();
        }
        return new Slice(first.position(), bytes, lastOffset);
    }

    /** The first of the {@code n} entries added whose last offset is at least {@code startOffset}; -1: cannot tell. */
    private long firstAtOrAfter(long startOffset, long n) {
        long oldest = Math.max(0, n - CAPACITY);
        for (long i = oldest; i < n; i++) {
            Entry e = entry(i);
            // Bytes before the oldest entry kept (older batches, or ones from before a truncation
            // made this anew) may hold the offset: only the file can tell.
            if (e == null || i == oldest && e.position() > 0 && startOffset < e.baseOffset()) {
                return -1;
            }
            if (e.lastOffset() >= startOffset) {
                return i;
            }
        }
        return -1;
    }

    /** Entry {@code i}, or null if its slot holds another one now. */
    private Entry entry(long i) {
        Entry e = slots[(int) (i % CAPACITY)];
        return e != null && e.sequence() == i ? e : null;
    }
}
