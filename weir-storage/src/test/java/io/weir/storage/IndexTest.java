package io.weir.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.kafka.common.errors.InvalidOffsetException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexTest {

    @TempDir
    Path tmp;

    @Test
    void offsetIndexLookupFindsLargestEntryAtOrBelow() throws Exception {
        OffsetIndex index = new OffsetIndex(tmp.resolve("a.index"), 100, 1000);
        assertThat(index.maxEntries()).isEqualTo(125);
        assertThat(index.lookup(150)).isEqualTo(new OffsetPosition(100, 0));
        for (int i = 1; i <= 50; i++) {
            index.append(100 + i * 10, i * 1000);
        }
        assertThat(index.lookup(99)).isEqualTo(new OffsetPosition(100, 0));
        assertThat(index.lookup(110)).isEqualTo(new OffsetPosition(110, 1000));
        assertThat(index.lookup(119)).isEqualTo(new OffsetPosition(110, 1000));
        assertThat(index.lookup(355)).isEqualTo(new OffsetPosition(350, 25_000));
        assertThat(index.lookup(10_000)).isEqualTo(new OffsetPosition(600, 50_000));
        assertThatThrownBy(() -> index.append(600, 60_000)).isInstanceOf(InvalidOffsetException.class);
        index.close();
    }

    @Test
    void offsetIndexFindsTheLastEntryBelowAPosition() throws Exception {
        OffsetIndex index = new OffsetIndex(tmp.resolve("p.index"), 100, 1000);
        assertThat(index.lastEntryBelow(5000)).isNull();
        for (int i = 1; i <= 50; i++) {
            index.append(100 + i * 10, i * 1000);
        }
        assertThat(index.lastEntryBelow(1000)).isNull();
        assertThat(index.lastEntryBelow(1001)).isEqualTo(new OffsetPosition(110, 1000));
        assertThat(index.lastEntryBelow(25_000)).isEqualTo(new OffsetPosition(340, 24_000));
        assertThat(index.lastEntryBelow(25_500)).isEqualTo(new OffsetPosition(350, 25_000));
        assertThat(index.lastEntryBelow(Integer.MAX_VALUE)).isEqualTo(new OffsetPosition(600, 50_000));
        index.truncateTo(300);
        assertThat(index.lastEntryBelow(Integer.MAX_VALUE)).isEqualTo(new OffsetPosition(290, 19_000));
        index.close();
    }

    @Test
    void entriesBringOnlyThePagesUnderThemIntoThePageCache() throws Exception {
        // Preallocated as segment.index.bytes is by default. Without the writer making each page with
        // write(2), the first store faults and the kernel reads around it: 32 pages with a 128 KiB
        // read-ahead, 2,048 with this VM's 8 MiB (tmpfs, which does not read around, passes either way).
        int maxIndexSize = 10 * 1024 * 1024;
        OffsetIndex offsets = new OffsetIndex(tmp.resolve("r.index"), 0, maxIndexSize);
        TimeIndex times = new TimeIndex(tmp.resolve("r.timeindex"), 0, maxIndexSize);
        for (int i = 0; i < 1100; i++) {          // 8,800 bytes: three pages
            offsets.append(i * 10L, i * 4096);
        }
        for (int i = 0; i < 700; i++) {           // 8,400 bytes, entry 341 straddling two pages
            times.maybeAppend(1_000L + i, i * 10L, false);
        }
        assertThat(residentPages(offsets)).isEqualTo(3);
        assertThat(residentPages(times)).isEqualTo(3);
        assertThat(offsets.lookup(10_995)).isEqualTo(new OffsetPosition(10_990, 1099 * 4096));
        assertThat(times.lookup(1_341)).isEqualTo(new TimestampOffset(1_341, 3_410));
        assertThat(times.lookup(1_699)).isEqualTo(new TimestampOffset(1_699, 6_990));
        offsets.close();
        times.close();
    }

    /** Pages of an index's mapping in the page cache (mincore, through MappedByteBuffer.isLoaded). */
    private static int residentPages(AbstractIndex index) {
        return index.read(buffer -> {
            int pages = 0;
            for (int at = 0; at < buffer.capacity(); at += AbstractIndex.PAGE_BYTES) {
                if (buffer.slice(at, Math.min(AbstractIndex.PAGE_BYTES, buffer.capacity() - at)).isLoaded()) {
                    pages++;
                }
            }
            return pages;
        });
    }

    @Test
    void offsetIndexTruncatesTrimsAndReloads() throws Exception {
        Path file = tmp.resolve("b.index");
        OffsetIndex index = new OffsetIndex(file, 0, 800);
        for (int i = 0; i < 10; i++) {
            index.append(i * 2 + 1, i * 100);
        }
        index.truncateTo(9);
        assertThat(index.entries()).isEqualTo(4);
        assertThat(index.lastOffset()).isEqualTo(7);
        index.close();
        assertThat(Files.size(file)).isEqualTo(32);

        OffsetIndex reloaded = new OffsetIndex(file, 0, 800);
        assertThat(reloaded.entries()).isEqualTo(4);
        reloaded.sanityCheck();
        assertThat(reloaded.lookup(6)).isEqualTo(new OffsetPosition(5, 200));
        reloaded.close();
    }

    @Test
    void offsetIndexSanityCheckDetectsCorruption() throws Exception {
        Path file = tmp.resolve("c.index");
        ByteBuffer bytes = ByteBuffer.allocate(24).putInt(5).putInt(100).putInt(3).putInt(200).putInt(9).putInt(300);
        Files.write(file, bytes.array());
        OffsetIndex index = new OffsetIndex(file, 0, 800);
        assertThatThrownBy(index::sanityCheck).isInstanceOf(AbstractIndex.CorruptIndexException.class);
        Files.write(tmp.resolve("d.index"), new byte[7]);
        assertThatThrownBy(() -> new OffsetIndex(tmp.resolve("d.index"), 0, 800))
                .isInstanceOf(AbstractIndex.CorruptIndexException.class);
    }

    @Test
    void offsetIndexFullAndRelativeOverflow() throws Exception {
        OffsetIndex index = new OffsetIndex(tmp.resolve("e.index"), 0, 16);
        index.append(1, 0);
        index.append(2, 10);
        assertThat(index.isFull()).isTrue();
        assertThatThrownBy(() -> index.append(3, 20)).isInstanceOf(IllegalStateException.class);
        OffsetIndex other = new OffsetIndex(tmp.resolve("f.index"), 0, 16);
        assertThatThrownBy(() -> other.append(Integer.MAX_VALUE + 1L, 0))
                .isInstanceOf(IndexOffsetOverflowException.class);
    }

    @Test
    void timeIndexLookupAndMonotonicity() throws Exception {
        TimeIndex index = new TimeIndex(tmp.resolve("a.timeindex"), 50, 12 * 10);
        assertThat(index.lookup(5)).isEqualTo(new TimestampOffset(RecordBatch.NO_TIMESTAMP, 50));
        index.maybeAppend(1000, 55, false);
        index.maybeAppend(1000, 57, false); // not larger: ignored
        index.maybeAppend(2000, 60, false);
        index.maybeAppend(3000, 70, false);
        assertThat(index.entries()).isEqualTo(3);
        assertThat(index.lookup(999)).isEqualTo(new TimestampOffset(RecordBatch.NO_TIMESTAMP, 50));
        assertThat(index.lookup(1000)).isEqualTo(new TimestampOffset(1000, 55));
        assertThat(index.lookup(2500)).isEqualTo(new TimestampOffset(2000, 60));
        assertThat(index.lookup(9999)).isEqualTo(new TimestampOffset(3000, 70));
        assertThatThrownBy(() -> index.maybeAppend(4000, 65, false)).isInstanceOf(InvalidOffsetException.class);
        index.truncateTo(60);
        assertThat(index.lastEntry()).isEqualTo(new TimestampOffset(1000, 55));
        index.sanityCheck();
        index.close();
    }

    @Test
    void timeIndexKeepsOneSlotForTheFinalEntry() throws Exception {
        TimeIndex index = new TimeIndex(tmp.resolve("b.timeindex"), 0, 36);
        index.maybeAppend(1, 1, false);
        index.maybeAppend(2, 2, false);
        assertThat(index.isFull()).isTrue();
        assertThatThrownBy(() -> index.maybeAppend(3, 3, false)).isInstanceOf(IllegalStateException.class);
        index.maybeAppend(3, 3, true);
        assertThat(index.entries()).isEqualTo(3);
    }
}
