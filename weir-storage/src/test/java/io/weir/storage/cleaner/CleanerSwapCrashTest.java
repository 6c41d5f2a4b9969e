package io.weir.storage.cleaner;

import static org.assertj.core.api.Assertions.assertThat;

import io.weir.storage.LogConfig;
import io.weir.storage.LogFileNames;
import io.weir.storage.LogSegment;
import io.weir.storage.cleaner.CleanerTestContext.Entry;
import io.weir.storage.state.ProducerStateEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker that dies in the middle of swapping a cleaned segment in must reopen to a valid log. */
class CleanerSwapCrashTest {

    @TempDir
    Path tempDir;

    /** Delegates to the real log but "crashes" in replaceSegments, optionally after the .cleaned -> .swap renames. */
    private static final class CrashingLog implements CleanableLog {
        private final CleanableLog delegate;
        private final boolean renameToSwapFirst;

        CrashingLog(CleanableLog delegate, boolean renameToSwapFirst) {
            this.delegate = delegate;
            this.renameToSwapFirst = renameToSwapFirst;
        }

        @Override
        public void replaceSegments(CleanedSegment cleaned, List<LogSegment> oldSegments) throws IOException {
            if (renameToSwapFirst) {
                Path dir = delegate.dir();
                long base = cleaned.baseOffset();
                String from = LogFileNames.CLEANED_FILE_SUFFIX;
                String to = LogFileNames.SWAP_FILE_SUFFIX;
                Files.move(LogFileNames.offsetIndexFile(dir, base, from), LogFileNames.offsetIndexFile(dir, base, to));
                Files.move(LogFileNames.timeIndexFile(dir, base, from), LogFileNames.timeIndexFile(dir, base, to));
                Files.move(LogFileNames.logFile(dir, base, from), LogFileNames.logFile(dir, base, to));
            }
            throw new IllegalStateException("simulated crash during the swap");
        }

        @Override
        public TopicPartition topicPartition() {
            return delegate.topicPartition();
        }

        @Override
        public Path dir() {
            return delegate.dir();
        }

        @Override
        public LogConfig config() {
            return delegate.config();
        }

        @Override
        public long logStartOffset() {
            return delegate.logStartOffset();
        }

        @Override
        public long logEndOffset() {
            return delegate.logEndOffset();
        }

        @Override
        public long lastStableOffset() {
            return delegate.lastStableOffset();
        }

        @Override
        public List<LogSegment> logSegments() {
            return delegate.logSegments();
        }

        @Override
        public Map<Long, ProducerStateEntry> activeProducers() {
            return delegate.activeProducers();
        }

        @Override
        public CleanedSegment createCleanedSegment(long baseOffset) throws IOException {
            return delegate.createCleanedSegment(baseOffset);
        }
    }

    private CleanerTestContext logWithDuplicates() {
        CleanerTestContext ctx = new CleanerTestContext(tempDir, Map.of());
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < 4; k++) {
                ctx.append("k" + k, "v" + round);
            }
            ctx.roll();
        }
        ctx.append("tail", "1");
        return ctx;
    }

    private static int crashWhileCleaning(CleanerTestContext ctx, boolean renameToSwapFirst) {
        CleanableLog crashing = new CrashingLog(ctx.cleanable, renameToSwapFirst);
        return new LogCleaner(CleanerConfig.defaults(), () -> List.of(crashing), ctx.time).doWork();
    }

    @Test
    void crashAfterRenamingToSwapCompletesTheSwapOnReopen() {
        CleanerTestContext ctx = logWithDuplicates();
        List<Entry> before = ctx.entries();

        assertThat(crashWhileCleaning(ctx, true)).isEqualTo(1);
        ctx.reopenAfterCrash();

        List<Entry> after = ctx.entries();
        assertThat(after).containsExactly(
                new Entry(8, "k0", "v2"), new Entry(9, "k1", "v2"), new Entry(10, "k2", "v2"),
                new Entry(11, "k3", "v2"), new Entry(12, "tail", "1"));
        assertThat(ctx.log.logEndOffset()).isEqualTo(before.get(before.size() - 1).offset() + 1);
        assertNoTemporaryFiles(ctx);

        ctx.append("k0", "after-restart");
        assertThat(ctx.entries().get(ctx.entries().size() - 1)).isEqualTo(new Entry(13, "k0", "after-restart"));
    }

    @Test
    void crashBeforeTheSwapKeepsTheOriginalSegments() {
        CleanerTestContext ctx = logWithDuplicates();
        List<Entry> before = ctx.entries();

        assertThat(crashWhileCleaning(ctx, false)).isEqualTo(1);
        ctx.reopenAfterCrash();

        assertThat(ctx.entries()).isEqualTo(before);
        assertNoTemporaryFiles(ctx);
        // a later, uninterrupted cleaning still works
        assertThat(ctx.cleaner.doWork()).isEqualTo(1);
        assertThat(ctx.entries()).extracting(Entry::offset).containsExactly(8L, 9L, 10L, 11L, 12L);
    }

    private static void assertNoTemporaryFiles(CleanerTestContext ctx) {
        try (var files = Files.list(ctx.partitionDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.endsWith(LogFileNames.CLEANED_FILE_SUFFIX)
                            || name.endsWith(LogFileNames.SWAP_FILE_SUFFIX));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
