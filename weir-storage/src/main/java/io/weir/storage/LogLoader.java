package io.weir.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.common.Time;
import io.weir.storage.epoch.LeaderEpochFileCache;

/**
 * Opens the segments of a partition directory and, after an unclean shutdown, recovers them:
 * <ol>
 * <li>deletes {@code .deleted} files, and {@code .cleaned} files with any {@code .swap} file at
 *     or above the lowest of them (an interrupted cleaner swap is rolled back);</li>
 * <li>completes a swap whose {@code .swap} files all exist: the segments they replace are
 *     deleted and the swap files renamed to live names;</li>
 * <li>opens every segment; an index that is missing or fails its sanity check is rebuilt;</li>
 * <li>without a clean shutdown, re-scans every segment from the one holding the recovery
 *     point: each batch is CRC-checked, the first invalid or torn batch and everything after
 *     it (including later segments) is truncated, indexes are rebuilt, epochs re-assigned.</li>
 * </ol>
 * Producer state and the leader epoch cache are brought in line by {@link Log} afterwards.
 *
 * <p>Runs on the loading thread before the log is published; not thread-safe.
 */
final class LogLoader {

    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

    /** What the loader found: segments and the offsets derived from them. */
    record Loaded(LogSegments segments, long logStartOffset, long recoveryPoint, long nextOffset) {
    }

    private final Path dir;
    private final LogConfig config;
    private final Time time;
    private final LeaderEpochFileCache epochCache;

    LogLoader(Path dir, LogConfig config, Time time, LeaderEpochFileCache epochCache) {
        this.dir = dir;
        this.config = config;
        this.time = time;
        this.epochCache = epochCache;
    }

    Loaded load(long logStartOffsetCheckpoint, long recoveryPointCheckpoint, boolean hadCleanShutdown)
            throws IOException {
        List<Path> swapFiles = removeTempFilesAndCollectSwapFiles();
        completeSwaps(swapFiles);
        TreeMap<Long, LogSegment> opened = openSegments(hadCleanShutdown, recoveryPointCheckpoint);
        LogSegments segments = new LogSegments();
        opened.values().forEach(segments::add);
        long recoveryPoint = recoveryPointCheckpoint;
        if (!hadCleanShutdown) {
            recoveryPoint = recover(segments, recoveryPointCheckpoint, logStartOffsetCheckpoint);
        }
        if (segments.isEmpty()) {
            segments.add(LogSegment.open(dir, Math.max(0, logStartOffsetCheckpoint), config, time, "",
                    config.preallocate()));
        }
        LogSegment active = segments.activeSegment();
        active.resizeIndexes(config.maxIndexSize());
        if (!active.scanTail().clean()) {
            // Even after a clean shutdown, never append behind bytes that are not whole batches.
            LOG.warn("Active segment {} of {} ends with an incomplete batch, recovering it", active.baseOffset(), dir);
            active.recover(active.baseOffset(), batch -> { });
            recoveryPoint = Math.min(recoveryPoint, active.baseOffset());
        }
        long nextOffset = active.readNextOffset();
        long firstBase = segments.firstSegment().orElseThrow().baseOffset();
        long logStartOffset = Math.min(Math.max(logStartOffsetCheckpoint, firstBase), nextOffset);
        return new Loaded(segments, logStartOffset, Math.min(Math.max(recoveryPoint, logStartOffset), nextOffset),
                nextOffset);
    }

    private List<Path> removeTempFilesAndCollectSwapFiles() throws IOException {
        List<Path> swapFiles = new ArrayList<>();
        List<Path> cleanedFiles = new ArrayList<>();
        long minCleanedOffset = Long.MAX_VALUE;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(LogFileNames.DELETED_FILE_SUFFIX)) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(LogFileNames.CLEANED_FILE_SUFFIX)) {
                    OptionalLong offset = LogFileNames.offsetFromFileName(name);
                    minCleanedOffset = Math.min(minCleanedOffset, offset.orElse(Long.MAX_VALUE));
                    cleanedFiles.add(file);
                } else if (name.endsWith(LogFileNames.SWAP_FILE_SUFFIX)) {
                    swapFiles.add(file);
                }
            }
        }
        List<Path> validSwaps = new ArrayList<>();
        for (Path swap : swapFiles) {
            long offset = LogFileNames.offsetFromFileName(swap.getFileName().toString()).orElse(Long.MAX_VALUE);
            if (offset >= minCleanedOffset) {
                LOG.info("Rolling back interrupted swap: deleting {}", swap);
                Files.deleteIfExists(swap);
            } else {
                validSwaps.add(swap);
            }
        }
        for (Path cleaned : cleanedFiles) {
            Files.deleteIfExists(cleaned);
        }
        return validSwaps;
    }

    /** Finishes a swap: the old segments in each swap segment's range go, the swap files take their names. */
    private void completeSwaps(List<Path> swapFiles) throws IOException {
        for (Path swap : swapFiles) {
            String name = swap.getFileName().toString();
            if (!name.endsWith(LogFileNames.LOG_FILE_SUFFIX + LogFileNames.SWAP_FILE_SUFFIX)) {
                continue;
            }
            long base = LogFileNames.offsetFromFileName(name).orElseThrow();
            LogSegment swapSegment = LogSegment.open(dir, base, config, time, LogFileNames.SWAP_FILE_SUFFIX, false);
            swapSegment.recover(base, batch -> { });
            long end = swapSegment.readNextOffset();
            deleteLiveSegmentsIn(base, end);
            swapSegment.changeFileSuffixes(LogFileNames.SWAP_FILE_SUFFIX, "");
            swapSegment.close();
            LOG.info("Completed swap of segment {} of {} (offsets {} to {})", base, dir, base, end);
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LogFileNames.SWAP_FILE_SUFFIX)) {
            for (Path leftover : files) {
                Files.move(leftover, leftover.resolveSibling(leftover.getFileName().toString()
                        .replace(LogFileNames.SWAP_FILE_SUFFIX, "")), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private void deleteLiveSegmentsIn(long from, long toExclusive) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LogFileNames.LOG_FILE_SUFFIX)) {
            for (Path file : files) {
                long base = LogFileNames.offsetFromFileName(file.getFileName().toString()).orElse(-1L);
                if (base >= from && base < toExclusive) {
                    Files.deleteIfExists(file);
                    Files.deleteIfExists(LogFileNames.offsetIndexFile(dir, base, ""));
                    Files.deleteIfExists(LogFileNames.timeIndexFile(dir, base, ""));
                }
            }
        }
    }

    /**
     * Opens all live segments. The indexes of segments that recovery will not re-scan (all of
     * them after a clean shutdown) are checked and rebuilt if missing or bad.
     */
    private TreeMap<Long, LogSegment> openSegments(boolean cleanShutdown, long recoveryPoint) throws IOException {
        TreeMap<Long, Path> logFiles = new TreeMap<>();
        List<Path> indexFiles = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                OptionalLong base = LogFileNames.offsetFromFileName(name);
                if (base.isEmpty()) {
                    continue;
                }
                if (name.endsWith(LogFileNames.LOG_FILE_SUFFIX)) {
                    logFiles.put(base.getAsLong(), file);
                } else if (name.endsWith(LogFileNames.INDEX_FILE_SUFFIX)
                        || name.endsWith(LogFileNames.TIME_INDEX_FILE_SUFFIX)) {
                    indexFiles.add(file);
                }
            }
        }
        deleteOrphanIndexes(indexFiles, logFiles);
        TreeMap<Long, LogSegment> segments = new TreeMap<>();
        Long recoveryFloor = logFiles.floorKey(recoveryPoint);
        for (long base : logFiles.keySet()) {
            boolean willRecover = !cleanShutdown && (recoveryFloor == null || base >= recoveryFloor);
            segments.put(base, openSegment(base, willRecover));
        }
        return segments;
    }

    private void deleteOrphanIndexes(List<Path> indexFiles, TreeMap<Long, Path> logFiles) throws IOException {
        for (Path index : indexFiles) {
            long base = LogFileNames.offsetFromFileName(index.getFileName().toString()).orElseThrow();
            if (!logFiles.containsKey(base)) {
                LOG.warn("Deleting index {} without a log file", index);
                Files.deleteIfExists(index);
            }
        }
    }

    private LogSegment openSegment(long base, boolean willRecover) throws IOException {
        boolean indexesPresent = Files.exists(LogFileNames.offsetIndexFile(dir, base, ""))
                && Files.exists(LogFileNames.timeIndexFile(dir, base, ""));
        LogSegment segment;
        try {
            segment = LogSegment.open(dir, base, config, time, "", false);
            if (willRecover) {
                return segment;
            }
            if (indexesPresent) {
                segment.sanityCheck();
                return segment;
            }
        } catch (AbstractIndex.CorruptIndexException e) {
            LOG.warn("Found a corrupted index of segment {} in {}, rebuilding: {}", base, dir, e.getMessage());
            Files.deleteIfExists(LogFileNames.offsetIndexFile(dir, base, ""));
            Files.deleteIfExists(LogFileNames.timeIndexFile(dir, base, ""));
            segment = LogSegment.open(dir, base, config, time, "", false);
        }
        LOG.info("Rebuilding the indexes of segment {} in {}", base, dir);
        segment.recover(base, batch -> { });
        segment.onBecomeInactiveSegment();
        return segment;
    }

    /**
     * Re-scans the segments from the one holding {@code recoveryPoint}. A segment with an
     * invalid tail is truncated there and every later segment deleted.
     *
     * @return the new recovery point: the end of the recovered log
     */
    private long recover(LogSegments segments, long recoveryPoint, long logStartOffset) throws IOException {
        List<LogSegment> unflushed = segments.values(recoveryPoint, Long.MAX_VALUE);
        Consumer<RecordBatch> onBatch = batch -> {
            if (batch.partitionLeaderEpoch() >= 0 && batch.baseOffset() >= logStartOffset) {
                epochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
            }
        };
        for (int i = 0; i < unflushed.size(); i++) {
            LogSegment segment = unflushed.get(i);
            LOG.info("Recovering unflushed segment {} of {}", segment.baseOffset(), dir);
            int truncated = segment.recover(segment.baseOffset(), onBatch);
            boolean last = i == unflushed.size() - 1;
            if (truncated > 0 && !last) {
                LOG.warn("Truncated {} invalid bytes at the end of segment {} of {}", truncated,
                        segment.baseOffset(), dir);
                deleteSegmentsAfter(segments, unflushed.subList(i + 1, unflushed.size()));
                break;
            }
            if (truncated > 0) {
                LOG.warn("Truncated {} invalid bytes at the end of segment {} of {}", truncated,
                        segment.baseOffset(), dir);
            }
            if (!last) {
                segment.onBecomeInactiveSegment();
            }
        }
        return segments.activeSegment() == null ? recoveryPoint : segments.activeSegment().readNextOffset();
    }

    private void deleteSegmentsAfter(LogSegments segments, List<LogSegment> later) throws IOException {
        for (LogSegment segment : List.copyOf(later)) {
            LOG.warn("Deleting segment {} of {} that follows a corrupt batch", segment.baseOffset(), dir);
            segments.remove(segment);
            segment.deleteIfExists();
        }
    }
}
