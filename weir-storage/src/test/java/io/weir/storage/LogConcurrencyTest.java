package io.weir.storage;

import static io.weir.storage.LogTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Lock-free reads racing one appender: every read sees only whole, valid batches below the end it saw. */
class LogConcurrencyTest {

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void readersSeeOnlyCompleteBatchesWhileAppending() throws Exception {
        LogTestSupport t = new LogTestSupport(tmp, Map.of("segment.bytes", 2000, "index.interval.bytes", 100));
        Log log = t.open();
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            int reads = 0;
            while (!done.get() || reads == 0) {
                long end = log.logEndOffset();
                if (end == 0) {
                    continue;
                }
                long offset = ThreadLocalRandom.current().nextLong(end);
                FetchDataInfo info = log.read(offset, 500, end, true);
                assertThat(info.error()).isEqualTo(Errors.NONE);
                long expected = -1;
                for (RecordBatch batch : info.records().batches()) {
                    batch.ensureValid();
                    assertThat(batch.lastOffset()).isLessThan(end);
                    if (expected >= 0) {
                        assertThat(batch.baseOffset()).isEqualTo(expected);
                    } else {
                        assertThat(batch.baseOffset()).isLessThanOrEqualTo(offset);
                    }
                    expected = batch.nextOffset();
                }
                reads++;
            }
            return reads;
        });
        for (int i = 0; i < 2000; i++) {
            log.appendAsLeader(records(1, "value-" + i, "other-" + i), 0);
        }
        done.set(true);
        assertThat(reader.get(30, TimeUnit.SECONDS)).isPositive();
        assertThat(log.logEndOffset()).isEqualTo(4000);
        log.close();
    }
}
