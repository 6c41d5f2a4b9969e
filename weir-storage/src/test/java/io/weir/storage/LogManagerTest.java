package io.weir.storage;

import static io.weir.storage.LogTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.weir.common.MockScheduler;
import io.weir.common.MockTime;
import io.weir.storage.checkpoint.OffsetCheckpointFile;

class LogManagerTest {

    @TempDir
    Path tmp;

    private final MockTime time = new MockTime();
    private final MockScheduler scheduler = new MockScheduler(time);
    private Path dir1;
    private Path dir2;
    private LogManager manager;
    private final LogConfig topicConfig = LogTestSupport.config(Map.of());

    @BeforeEach
    void setUp() {
        dir1 = tmp.resolve("d1");
        dir2 = tmp.resolve("d2");
    }

    @AfterEach
    void tearDown() {
        if (manager != null && manager.isRunning()) {
            manager.shutdown();
        }
    }

    private LogManagerConfig config(List<Path> dirs) {
        return new LogManagerConfig(dirs, topicConfig, 2, 1_000L, 500L, 60_000L, 60_000L, 5_000L, 10_000L,
                86_400_000L, 600_000L);
    }

    private LogManager start(List<Path> dirs) {
        manager = new LogManager(config(dirs), scheduler, time);
        manager.startup(topic -> topicConfig);
        return manager;
    }

    @Test
    void createsLogsAcrossDirsAndReloadsThemAfterCleanShutdown() throws Exception {
        start(List.of(dir1, dir2));
        Uuid id = Uuid.randomUuid();
        Log a = manager.getOrCreateLog(new TopicPartition("t", 0), id, topicConfig);
        Log b = manager.getOrCreateLog(new TopicPartition("t", 1), id, topicConfig);
        assertThat(a.parentDir()).isNotEqualTo(b.parentDir());
        assertThat(manager.getOrCreateLog(new TopicPartition("t", 0), id, topicConfig)).isSameAs(a);
        a.appendAsLeader(records(1, "x", "y"), 0);
        a.updateHighWatermark(1);
        manager.shutdown();

        Path aDir = a.parentDir();
        assertThat(Files.exists(aDir.resolve(".kafka_cleanshutdown"))).isTrue();
        assertThat(new OffsetCheckpointFile(aDir.resolve("recovery-point-offset-checkpoint")).read())
                .containsEntry(new TopicPartition("t", 0), 2L);
        assertThat(new OffsetCheckpointFile(aDir.resolve("replication-offset-checkpoint")).read())
                .containsEntry(new TopicPartition("t", 0), 1L);
        assertThat(new OffsetCheckpointFile(aDir.resolve("log-start-offset-checkpoint")).read())
                .containsEntry(new TopicPartition("t", 0), 0L);

        start(List.of(dir1, dir2));
        Log reloaded = manager.getLog(new TopicPartition("t", 0)).orElseThrow();
        assertThat(reloaded.logEndOffset()).isEqualTo(2);
        assertThat(reloaded.highWatermark()).isEqualTo(1);
        assertThat(reloaded.recoveryPoint()).isEqualTo(2);
        assertThat(reloaded.topicId()).contains(id);
        assertThat(manager.allLogs()).hasSize(2);
        assertThat(Files.exists(aDir.resolve(".kafka_cleanshutdown"))).isFalse();
    }

    @Test
    void highWatermarkCheckpointIsClampedToLogEnd() throws Exception {
        start(List.of(dir1));
        Log log = manager.getOrCreateLog(new TopicPartition("t", 0), null, topicConfig);
        log.appendAsLeader(records(1, "x"), 0);
        manager.shutdown();
        new OffsetCheckpointFile(dir1.resolve("replication-offset-checkpoint"))
                .write(Map.of(new TopicPartition("t", 0), 99L));
        start(List.of(dir1));
        assertThat(manager.getLog(new TopicPartition("t", 0)).orElseThrow().highWatermark()).isEqualTo(1);
    }

    @Test
    void uncleanShutdownRecoversTheLog() throws Exception {
        start(List.of(dir1));
        Log log = manager.getOrCreateLog(new TopicPartition("t", 0), null, topicConfig);
        log.appendAsLeader(records(1, "x"), 0);
        manager.checkpointRecoveryPoints();
        log.appendAsLeader(records(1, "y"), 0);
        Path segment = log.dir().resolve(LogFileNames.filenamePrefixFromOffset(0) + ".log");
        long size = log.size();
        manager.abandon();
        Files.write(segment, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

        start(List.of(dir1));
        Log recovered = manager.getLog(new TopicPartition("t", 0)).orElseThrow();
        assertThat(recovered.size()).isEqualTo(size);
        assertThat(recovered.logEndOffset()).isEqualTo(2);
        assertThat(recovered.recoveryPoint()).isEqualTo(2);
    }

    @Test
    void secondManagerCannotLockTheSameDir() {
        start(List.of(dir1));
        LogManager second = new LogManager(config(List.of(dir1)), scheduler, time);
        second.startup(t -> topicConfig);
        assertThat(second.offlineLogDirs()).containsExactly(dir1.toAbsolutePath());
        second.shutdown();
    }

    @Test
    void deleteLogRenamesThenDeletesAfterDelay() throws Exception {
        start(List.of(dir1));
        TopicPartition tp = new TopicPartition("gone", 3);
        Log log = manager.getOrCreateLog(tp, null, topicConfig);
        log.appendAsLeader(records(1, "x"), 0);
        manager.deleteLog(tp);
        assertThat(manager.getLog(tp)).isEmpty();
        try (var dirs = Files.list(dir1)) {
            assertThat(dirs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("gone-3")).toList())
                    .singleElement().satisfies(n -> assertThat(n).matches("gone-3\\.[0-9a-f]{32}-delete"));
        }
        time.advance(10_000);
        try (var dirs = Files.list(dir1)) {
            assertThat(dirs.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("gone-3"));
        }
    }

    @Test
    void retentionRunsOnTheScheduler() {
        start(List.of(dir1));
        LogConfig shortRetention = LogTestSupport.config(Map.of("retention.ms", 5_000));
        Log log = manager.getOrCreateLog(new TopicPartition("t", 0), null, shortRetention);
        log.appendAsLeader(records(time.milliseconds(), "old"), 0);
        log.roll();
        log.appendAsLeader(records(time.milliseconds() + 100_000, "new"), 0);
        log.updateHighWatermark(2);
        time.advance(10_000);
        assertThat(log.logStartOffset()).isEqualTo(1);
        assertThat(log.numberOfSegments()).isEqualTo(1);
    }

    @Test
    void topicConfigUpdateReachesLogs() {
        start(List.of(dir1));
        Log log = manager.getOrCreateLog(new TopicPartition("t", 0), null, topicConfig);
        LogConfig updated = LogTestSupport.config(Map.of("segment.bytes", 2000));
        manager.updateTopicConfig("t", updated);
        assertThat(log.config().segmentBytes()).isEqualTo(2000);
    }

    @Test
    void flushMsFlushesOnTheScheduler() {
        start(List.of(dir1));
        Log log = manager.getOrCreateLog(new TopicPartition("t", 0), null,
                LogTestSupport.config(Map.of("flush.ms", 1_000)));
        log.appendAsLeader(records(1, "x"), 0);
        assertThat(log.recoveryPoint()).isZero();
        time.advance(1_000);
        assertThat(log.recoveryPoint()).isEqualTo(1);
    }

    @Test
    void unusableDirGoesOfflineOthersWork() throws Exception {
        Files.writeString(tmp.resolve("not-a-dir"), "x");
        start(List.of(tmp.resolve("not-a-dir"), dir1));
        assertThat(manager.offlineLogDirs()).containsExactly(tmp.resolve("not-a-dir"));
        Log log = manager.getOrCreateLog(new TopicPartition("t", 0), null, topicConfig);
        assertThat(log.parentDir()).isEqualTo(dir1.toAbsolutePath());
    }

    @Test
    void ioErrorMarksDirOfflineAndFailsOnlyThatDir() throws Exception {
        start(List.of(dir1, dir2));
        Log a = manager.getOrCreateLog(new TopicPartition("t", 0), null, topicConfig);
        Log b = manager.getOrCreateLog(new TopicPartition("t", 1), null, topicConfig);
        a.appendAsLeader(records(1, "x"), 0);
        FileUtils.deleteRecursively(a.dir());
        assertThatThrownBy(a::roll).isInstanceOf(KafkaStorageException.class);
        assertThat(manager.offlineLogDirs()).containsExactly(a.parentDir());
        assertThat(manager.getLog(new TopicPartition("t", 0))).isEmpty();
        assertThatThrownBy(() -> a.appendAsLeader(records(1, "y"), 0)).isInstanceOf(KafkaStorageException.class);
        assertThat(b.appendAsLeader(records(1, "z"), 0).firstOffset()).isZero();
        manager.shutdown();
        assertThat(Files.exists(b.parentDir().resolve(".kafka_cleanshutdown"))).isTrue();
    }

    @Test
    void leftoverDeleteDirsAreRemovedAfterStartup() throws Exception {
        Path leftover = dir1.resolve("t-0.0123456789abcdef0123456789abcdef-delete");
        Files.createDirectories(leftover);
        Files.writeString(leftover.resolve("00000000000000000000.log"), "x");
        start(List.of(dir1));
        assertThat(manager.allLogs()).isEmpty();
        time.advance(10_000);
        assertThat(Files.exists(leftover)).isFalse();
    }

    @Test
    void unloadableLogTakesOnlyItsDirOffline() throws Exception {
        start(List.of(dir1, dir2));
        Log a = manager.getOrCreateLog(new TopicPartition("t", 0), null, topicConfig);
        Log b = manager.getOrCreateLog(new TopicPartition("t", 1), null, topicConfig);
        b.appendAsLeader(records(1, "kept"), 0);
        Path broken = a.dir();
        manager.shutdown();
        Files.writeString(broken.resolve("leader-epoch-checkpoint"), "garbage\n");

        start(List.of(dir1, dir2));
        assertThat(manager.offlineLogDirs()).containsExactly(a.parentDir());
        assertThat(manager.getLog(new TopicPartition("t", 1)).orElseThrow().logEndOffset()).isEqualTo(1);
        assertThat(manager.getLog(new TopicPartition("t", 0))).isEmpty();
    }
}
