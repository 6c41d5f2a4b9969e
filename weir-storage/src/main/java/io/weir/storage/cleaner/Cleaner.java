package io.weir.storage.cleaner;

import io.weir.storage.LogConfig;
import io.weir.storage.LogSegment;
import io.weir.storage.state.ProducerStateEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts one log: maps every key of the dirty section to its latest offset, then rewrites the
 * closed segments up to the end of that map, group by group, keeping only what
 * {@link CompactionFilter} retains, with original offsets, and swaps each cleaned group in.
 *
 * <p>Memory is bounded: one {@link SkimpyOffsetMap} and two I/O buffers that grow only for a
 * batch larger than them. If the map fills up, this round cleans up to where it stopped and the
 * next round continues from there.
 *
 * <p>Not thread-safe; owned by the cleaner thread. {@code checkDone} is called between chunks
 * and throws {@link LogCleaningAbortedException} when the partition's cleaning was aborted.
 */
final class Cleaner {

    private static final Logger log = LoggerFactory.getLogger(Cleaner.class);

    private final SkimpyOffsetMap offsetMap;
    private final CleanerConfig config;
    private final Consumer<TopicPartition> checkDone;
    private final BufferSupplier decompressionBuffers = BufferSupplier.create();
    private ByteBuffer readBuffer;
    private ByteBuffer writeBuffer;

    Cleaner(CleanerConfig config, Consumer<TopicPartition> checkDone) {
        this.config = config;
        this.offsetMap = new SkimpyOffsetMap((int) Math.min(config.dedupeBufferSize(), Integer.MAX_VALUE));
        this.checkDone = checkDone;
        this.readBuffer = ByteBuffer.allocate(config.ioBufferSize());
        this.writeBuffer = ByteBuffer.allocate(config.ioBufferSize());
    }

    SkimpyOffsetMap offsetMap() {
        return offsetMap;
    }

    /**
     * Cleans {@code cleanable} as of {@code nowMs}.
     *
     * @return the first offset not cleaned: the new cleaner checkpoint
     */
    long clean(LogToClean cleanable, long nowMs, CleanerStats stats) throws IOException {
        CleanableLog cleanLog = cleanable.log();
        TopicPartition tp = cleanLog.topicPartition();
        long upperBound = cleanable.firstUncleanableOffset();
        buildOffsetMap(cleanLog, cleanable.firstDirtyOffset(), upperBound, stats);
        long endOffset = offsetMap.latestOffset() + 1;
        LogConfig logConfig = cleanLog.config();
        List<LogSegment> toClean = Segments.between(cleanLog.logSegments(), -1L, endOffset);
        Map<Long, ProducerStateEntry> producers = cleanLog.activeProducers();
        for (List<LogSegment> group : groupSegmentsBySize(toClean, logConfig.segmentBytes(), upperBound)) {
            CompactionFilter filter = new CompactionFilter(nowMs, logConfig.deleteRetentionMs(), offsetMap,
                    producers, upperBound, stats);
            cleanSegments(cleanLog, group, filter, stats);
        }
        log.info("Cleaned {} up to offset {}: {}", tp, endOffset, stats);
        return endOffset;
    }

    /** Fills the offset map from the dirty section {@code [start, end)}, as far as it has room. */
    void buildOffsetMap(CleanableLog cleanLog, long start, long end, CleanerStats stats) throws IOException {
        offsetMap.clear();
        List<LogSegment> dirty = Segments.between(cleanLog.logSegments(), start, end);
        int maxEntries = (int) (offsetMap.slots() * config.dedupeBufferLoadFactor());
        for (int i = 0; i < dirty.size(); i++) {
            long nextSegmentStart = i + 1 < dirty.size() ? dirty.get(i + 1).baseOffset() : end;
            checkDone.accept(cleanLog.topicPartition());
            if (mapSegment(cleanLog.topicPartition(), dirty.get(i), start, nextSegmentStart, maxEntries, stats)) {
                return;
            }
        }
    }

    /** Adds one segment's keys at or after {@code start}; true if the map filled up on the way. */
    private boolean mapSegment(TopicPartition tp, LogSegment segment, long start, long nextSegmentStart,
                               int maxEntries, CleanerStats stats) throws IOException {
        FileRecords source = segment.log();
        int position = segment.offsetIndex().lookup(start).position();
        while (position < source.sizeInBytes()) {
            checkDone.accept(tp);
            MemoryRecords records = readChunk(source, position);
            for (MutableRecordBatch batch : records.batches()) {
                if (batch.lastOffset() >= nextSegmentStart) {
                    return false;
                }
                if (!batch.isControlBatch() && mapBatch(batch, start, maxEntries, stats)) {
                    return true;
                }
                if (batch.lastOffset() >= start) {
                    offsetMap.updateLatestOffset(batch.lastOffset());
                }
            }
            int read = records.validBytes();
            stats.mapBytesRead += read;
            position = advanceOrGrow(source, position, read, records);
        }
        // offsets may have gaps (an earlier cleaning): the map covers this whole segment
        offsetMap.updateLatestOffset(nextSegmentStart - 1);
        restoreBuffers();
        return false;
    }

    private boolean mapBatch(MutableRecordBatch batch, long start, int maxEntries, CleanerStats stats) {
        try (CloseableIterator<Record> records = batch.streamingIterator(decompressionBuffers)) {
            while (records.hasNext()) {
                Record record = records.next();
                stats.mapMessagesRead++;
                if (record.hasKey() && record.offset() >= start) {
                    if (offsetMap.size() >= maxEntries) {
                        return true;
                    }
                    offsetMap.put(record.key(), record.offset());
                }
            }
        }
        return false;
    }

    /** Rewrites one group of segments into one cleaned segment and swaps it in. */
    private void cleanSegments(CleanableLog cleanLog, List<LogSegment> group, CompactionFilter filter,
                               CleanerStats stats) throws IOException {
        CleanedSegment cleaned = cleanLog.createCleanedSegment(group.get(0).baseOffset());
        try {
            for (LogSegment segment : group) {
                cleanInto(cleanLog.topicPartition(), segment.log(), cleaned, filter, stats);
            }
            cleaned.finish(group.get(group.size() - 1).lastModifiedMs());
        } catch (IOException | RuntimeException e) {
            try {
                cleaned.deleteIfExists();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        log.debug("Swapping in cleaned segment {} for {} in {}", cleaned.baseOffset(), group,
                cleanLog.topicPartition());
        cleanLog.replaceSegments(cleaned, group);
        stats.segmentsCleaned++;
    }

    private void cleanInto(TopicPartition tp, FileRecords source, CleanedSegment dest, CompactionFilter filter,
                           CleanerStats stats) throws IOException {
        int position = 0;
        while (position < source.sizeInBytes()) {
            checkDone.accept(tp);
            MemoryRecords records = readChunk(source, position);
            writeBuffer.clear();
            MemoryRecords.FilterResult result = records.filterTo(filter, writeBuffer, decompressionBuffers,
                    Integer.MAX_VALUE);
            stats.messagesRead += result.messagesRead();
            stats.bytesRead += result.bytesRead();
            stats.messagesWritten += result.messagesRetained();
            stats.bytesWritten += result.bytesRetained();
            ByteBuffer output = result.outputBuffer();
            if (output.position() > 0) {
                output.flip();
                // the cleaned segment is invisible to other threads until it is swapped in
                dest.append(result.maxOffset(), MemoryRecords.readableRecords(output));
            }
            position = advanceOrGrow(source, position, result.bytesRead(), records);
        }
        restoreBuffers();
    }

    private MemoryRecords readChunk(FileRecords source, int position) throws IOException {
        readBuffer.clear();
        source.readInto(readBuffer, position);
        return MemoryRecords.readableRecords(readBuffer);
    }

    /** Moves past {@code read} bytes; if not even one batch fit the buffer, grows the buffers instead. */
    private int advanceOrGrow(FileRecords source, int position, int read, MemoryRecords chunk) {
        if (read > 0) {
            return position + read;
        }
        Integer nextBatchSize = chunk.firstBatchSize();
        int needed = nextBatchSize == null ? readBuffer.capacity() * 2 : nextBatchSize;
        if (needed <= readBuffer.capacity() || needed > Math.max(config.maxIoBufferSize(), readBuffer.capacity())
                && readBuffer.capacity() >= config.maxIoBufferSize()) {
            throw new IllegalStateException("Cannot read the batch at position " + position + " of " + source.file()
                    + " (size " + nextBatchSize + ", buffer " + readBuffer.capacity() + ")");
        }
        int newSize = Math.max(needed, Math.min(readBuffer.capacity() * 2, config.maxIoBufferSize()));
        log.info("Growing cleaner I/O buffers from {} to {} bytes", readBuffer.capacity(), newSize);
        readBuffer = ByteBuffer.allocate(newSize);
        writeBuffer = ByteBuffer.allocate(newSize);
        return position;
    }

    private void restoreBuffers() {
        if (readBuffer.capacity() > config.ioBufferSize()) {
            readBuffer = ByteBuffer.allocate(config.ioBufferSize());
            writeBuffer = ByteBuffer.allocate(config.ioBufferSize());
        }
    }

    /**
     * Groups consecutive segments whose combined size fits one segment and whose offsets fit
     * one segment's 32-bit relative offsets, so cleaned segments do not shrink into many tiny
     * ones. (Index sizes follow from the log size: a group never holds more bytes, hence more
     * index entries, than a full segment; a cleaned segment whose index fills up simply stops
     * adding sparse entries.)
     */
    static List<List<LogSegment>> groupSegmentsBySize(List<LogSegment> segments, int maxSize,
                                                      long firstUncleanableOffset) {
        List<List<LogSegment>> groups = new ArrayList<>();
        int i = 0;
        while (i < segments.size()) {
            List<LogSegment> group = new ArrayList<>();
            LogSegment first = segments.get(i);
            group.add(first);
            long logSize = first.size();
            i++;
            while (i < segments.size()) {
                LogSegment next = segments.get(i);
                long lastOffsetOfNext = i + 1 < segments.size() ? segments.get(i + 1).baseOffset() - 1
                        : firstUncleanableOffset - 1;
                boolean fits = logSize + next.size() <= maxSize
                        && (next.size() == 0 || lastOffsetOfNext - first.baseOffset() <= Integer.MAX_VALUE);
                if (!fits) {
                    break;
                }
                group.add(next);
                logSize += next.size();
                i++;
            }
            groups.add(group);
        }
        return groups;
    }
}
