package io.weir.storage.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetCheckpointFileTest {

    @TempDir
    Path dir;

    @Test
    void roundTrip() throws IOException {
        OffsetCheckpointFile checkpoint = new OffsetCheckpointFile(dir.resolve("recovery-point-offset-checkpoint"));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        offsets.put(new TopicPartition("orders", 0), 42L);
        offsets.put(new TopicPartition("orders", 7), 0L);
        offsets.put(new TopicPartition("__consumer_offsets", 49), Long.MAX_VALUE);

        checkpoint.write(offsets);

        assertThat(checkpoint.read()).isEqualTo(offsets);
        assertThat(new OffsetCheckpointFile(checkpoint.file()).read()).isEqualTo(offsets);
    }

    @Test
    void writeIfChangedSkipsOffsetsItAlreadyWroteAndWritesAnyChange() throws IOException {
        Path file = dir.resolve("replication-offset-checkpoint");
        OffsetCheckpointFile checkpoint = new OffsetCheckpointFile(file);
        Map<TopicPartition, Long> offsets = new HashMap<>(Map.of(new TopicPartition("t", 0), 5L));
        assertThat(checkpoint.writeIfChanged(offsets)).isTrue();
        Files.delete(file); // a skipped write would leave it missing

        assertThat(checkpoint.writeIfChanged(new HashMap<>(offsets))).isFalse();
        assertThat(file).doesNotExist();

        offsets.put(new TopicPartition("t", 0), 6L); // the caller's map changing is a change
        assertThat(checkpoint.writeIfChanged(offsets)).isTrue();
        assertThat(checkpoint.read()).isEqualTo(Map.of(new TopicPartition("t", 0), 6L));

        checkpoint.write(Map.of()); // a plain write forgets what writeIfChanged wrote
        assertThat(checkpoint.writeIfChanged(offsets)).isTrue();
        assertThat(checkpoint.read()).isEqualTo(offsets);
    }

    @Test
    void writesKafkaTextFormat() throws IOException {
        Path file = dir.resolve("cleaner-offset-checkpoint");
        new OffsetCheckpointFile(file).write(Map.of(new TopicPartition("t", 3), 17L));

        assertThat(Files.readString(file)).isEqualTo("0\n1\nt 3 17\n");
    }

    @Test
    void readsFileWrittenByKafka() throws IOException {
        Path file = dir.resolve("replication-offset-checkpoint");
        Files.writeString(file, "0\n2\nfoo 0 10\nbar-baz 12 99\n");

        assertThat(new OffsetCheckpointFile(file).read()).containsOnly(
                Map.entry(new TopicPartition("foo", 0), 10L),
                Map.entry(new TopicPartition("bar-baz", 12), 99L));
    }

    @Test
    void missingFileReadsAsEmpty() throws IOException {
        assertThat(new OffsetCheckpointFile(dir.resolve("absent")).read()).isEmpty();
    }

    @Test
    void emptyMapRoundTrips() throws IOException {
        OffsetCheckpointFile checkpoint = new OffsetCheckpointFile(dir.resolve("cp"));
        checkpoint.write(Map.of(new TopicPartition("a", 0), 1L));
        checkpoint.write(Map.of());

        assertThat(checkpoint.read()).isEmpty();
    }

    @Test
    void malformedLineNamesPathAndLine() throws IOException {
        Path file = dir.resolve("cp");
        Files.writeString(file, "0\n2\nfoo 0 10\nfoo x 11\n");

        assertThatThrownBy(() -> new OffsetCheckpointFile(file).read())
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 4");
    }

    @Test
    void wrongVersionIsAnError() throws IOException {
        Path file = dir.resolve("cp");
        Files.writeString(file, "1\n0\n");

        assertThatThrownBy(() -> new OffsetCheckpointFile(file).read())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line 1")
                .hasMessageContaining("version");
    }

    @Test
    void countMismatchIsAnError() throws IOException {
        Path tooFew = dir.resolve("few");
        Files.writeString(tooFew, "0\n3\nfoo 0 10\n");
        Path tooMany = dir.resolve("many");
        Files.writeString(tooMany, "0\n1\nfoo 0 10\nfoo 1 10\n");
        Path truncated = dir.resolve("truncated");
        Files.writeString(truncated, "0\n");

        assertThatThrownBy(() -> new OffsetCheckpointFile(tooFew).read()).isInstanceOf(IOException.class)
                .hasMessageContaining("expected 3 entries but found 1");
        assertThatThrownBy(() -> new OffsetCheckpointFile(tooMany).read()).isInstanceOf(IOException.class)
                .hasMessageContaining("line 4");
        assertThatThrownBy(() -> new OffsetCheckpointFile(truncated).read()).isInstanceOf(IOException.class)
                .hasMessageContaining("line 2");
    }

    @Test
    void leftoverTmpFileIsIgnoredAndReplaced() throws IOException {
        Path file = dir.resolve("cp");
        OffsetCheckpointFile checkpoint = new OffsetCheckpointFile(file);
        checkpoint.write(Map.of(new TopicPartition("a", 0), 5L));
        // a crash half way through the next write leaves a torn temporary file behind
        Path tmp = AtomicFileWriter.tmpFileFor(file);
        Files.write(tmp, "0\n9\ngarb".getBytes(StandardCharsets.UTF_8));

        assertThat(checkpoint.read()).containsOnly(Map.entry(new TopicPartition("a", 0), 5L));

        checkpoint.write(Map.of(new TopicPartition("a", 0), 6L));
        assertThat(checkpoint.read()).containsOnly(Map.entry(new TopicPartition("a", 0), 6L));
        assertThat(tmp).doesNotExist();
    }
}
