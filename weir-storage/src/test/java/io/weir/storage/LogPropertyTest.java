package io.weir.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of append, read, truncate, roll, delete-before, clean restart and crash
 * (segment cut at a random byte, or garbage appended, then recovery) against an in-memory model
 * of (offset, value). After every step the log must hold exactly the model's records at their
 * offsets; after a crash, every batch completely written before the cut is still there and
 * nothing partial is visible.
 */
class LogPropertyTest {

    sealed interface Op permits Append, Read, Truncate, Roll, DeleteBefore, Restart, Crash {
    }

    record Append(int count, int valueSize) implements Op {
    }

    record Read(double at, int maxBytes) implements Op {
    }

    record Truncate(double at) implements Op {
    }

    record Roll() implements Op {
    }

    record DeleteBefore(double at) implements Op {
    }

    record Restart() implements Op {
    }

    record Crash(double cutAt, boolean garbage) implements Op {
    }

    /** The expected log: every record by offset, plus start and end offsets. */
    private static final class Model {
        final List<String> values = new ArrayList<>();
        long logStartOffset;
        int counter;

        long logEndOffset() {
            return values.size();
        }

        List<String> visible() {
            List<String> out = new ArrayList<>();
            for (int i = (int) logStartOffset; i < values.size(); i++) {
                out.add(i + ":" + values.get(i));
            }
            return out;
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(1, 5)
                        .flatMap(n -> Arbitraries.integers().between(1, 40).map(s -> (Op) new Append(n, s)))),
                net.jqwik.api.Tuple.of(3, Arbitraries.doubles().between(0, 1)
                        .flatMap(a -> Arbitraries.integers().between(1, 600).map(m -> (Op) new Read(a, m)))),
                net.jqwik.api.Tuple.of(2, Arbitraries.doubles().between(0, 1).map(a -> (Op) new Truncate(a))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just((Op) new Roll())),
                net.jqwik.api.Tuple.of(1, Arbitraries.doubles().between(0, 1).map(a -> (Op) new DeleteBefore(a))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just((Op) new Restart())),
                net.jqwik.api.Tuple.of(2, Arbitraries.doubles().between(0, 1)
                        .flatMap(c -> Arbitraries.of(true, false).map(g -> (Op) new Crash(c, g)))));
        return op.list().ofMinSize(1).ofMaxSize(25);
    }

    @Property(tries = 60)
    void logMatchesModel(@ForAll("ops") List<Op> ops) throws IOException {
        Path root = Files.createTempDirectory("log-property");
        LogTestSupport t = new LogTestSupport(root, Map.of("segment.bytes", 700, "index.interval.bytes", 50));
        try {
            t.open();
            Model model = new Model();
            for (Op op : ops) {
                apply(t, model, op);
                assertThat(t.log.logEndOffset()).as("after %s", op).isEqualTo(model.logEndOffset());
                assertThat(t.log.logStartOffset()).as("after %s", op).isEqualTo(model.logStartOffset);
                assertThat(t.readAll()).as("after %s", op).isEqualTo(model.visible());
            }
        } finally {
            LogTestSupport.close(t.log);
            FileUtils.deleteRecursively(root);
        }
    }

    private static long pick(long from, long toInclusive, double at) {
        return from + (long) Math.floor(at * (toInclusive - from + 0.999));
    }

    private void apply(LogTestSupport t, Model model, Op op) throws IOException {
        Log log = t.log;
        if (op instanceof Append a) {
            String[] values = new String[a.count()];
            for (int i = 0; i < values.length; i++) {
                values[i] = "v" + model.counter++ + "-" + "x".repeat(a.valueSize());
            }
            LogAppendInfo info = log.appendAsLeader(LogTestSupport.records(t.time.milliseconds(), values), 0);
            assertThat(info.error()).isEqualTo(org.apache.kafka.common.protocol.Errors.NONE);
            assertThat(info.firstOffset()).isEqualTo(model.logEndOffset());
            model.values.addAll(List.of(values));
        } else if (op instanceof Read r) {
            checkRead(log, model, r);
        } else if (op instanceof Truncate tr) {
            long target = pick(model.logStartOffset, model.logEndOffset(), tr.at());
            long newEnd = target >= model.logEndOffset() ? model.logEndOffset()
                    : log.read(target, 1, log.logEndOffset(), true).records().batches().iterator().next()
                            .baseOffset();
            log.truncateTo(target);
            model.values.subList((int) newEnd, model.values.size()).clear();
            model.logStartOffset = Math.min(model.logStartOffset, newEnd);
        } else if (op instanceof Roll) {
            log.roll();
        } else if (op instanceof DeleteBefore d) {
            long target = pick(model.logStartOffset, model.logEndOffset(), d.at());
            log.updateHighWatermark(log.logEndOffset());
            log.maybeIncrementLogStartOffset(target);
            model.logStartOffset = Math.max(model.logStartOffset, target);
        } else if (op instanceof Restart) {
            t.reopenClean();
        } else if (op instanceof Crash c) {
            crash(t, model, c);
        }
    }

    private void checkRead(Log log, Model model, Read r) {
        long offset = pick(model.logStartOffset, model.logEndOffset(), r.at());
        FetchDataInfo info = log.read(offset, r.maxBytes(), log.logEndOffset(), true);
        if (offset == model.logEndOffset()) {
            assertThat(info.isEmpty()).isTrue();
            return;
        }
        List<RecordBatch> batches = new ArrayList<>();
        info.records().batches().forEach(batches::add);
        assertThat(batches).isNotEmpty();
        assertThat(batches.get(0).baseOffset()).isLessThanOrEqualTo(offset);
        assertThat(batches.get(0).lastOffset()).isGreaterThanOrEqualTo(offset);
        assertThat(batches.size() == 1 || info.records().sizeInBytes() <= r.maxBytes()).isTrue();
        for (RecordBatch batch : batches) {
            for (Record record : batch) {
                String value = StandardCharsets.UTF_8.decode(record.value()).toString();
                assertThat(value).isEqualTo(model.values.get((int) record.offset()));
            }
        }
    }

    private void crash(LogTestSupport t, Model model, Crash c) throws IOException {
        Log log = t.log;
        LogSegment active = log.activeSegment();
        Path file = active.log().file().toPath();
        long recoveryPoint = Math.min(log.recoveryPoint(), active.baseOffset());
        List<long[]> batches = new ArrayList<>();
        for (FileChannelRecordBatch b : active.log().batches()) {
            batches.add(new long[] {b.position() + b.sizeInBytes(), b.nextOffset()});
        }
        long size = active.size();
        long cut = c.garbage() ? size : (long) Math.floor(c.cutAt() * size);
        log.closeHandlers();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (c.garbage()) {
                byte[] garbage = new byte[1 + (int) (c.cutAt() * 100)];
                new java.util.Random(cut).nextBytes(garbage);
                ch.write(ByteBuffer.wrap(garbage), size);
            } else {
                ch.truncate(cut);
            }
        }
        long newEnd = active.baseOffset();
        for (long[] batch : batches) {
            if (batch[0] <= cut) {
                newEnd = batch[1];
            }
        }
        t.open(log.logStartOffset(), recoveryPoint, false);
        if (newEnd < model.logEndOffset()) {
            model.values.subList((int) newEnd, model.values.size()).clear();
        }
        model.logStartOffset = Math.min(model.logStartOffset, newEnd);
    }
}
