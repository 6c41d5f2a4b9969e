package io.weir.cli.aot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.weir.cli.TestBroker;

/**
 * The launcher's AOT training run, with short phases: the load's producers are acknowledged and
 * both consumer groups read back every record, and the training main runs a two-broker cluster
 * whose replicated topics the load (in a child JVM) filled, then exits 0 with everything stopped.
 * bin/weir and .ci/smoke-server check the cache itself (it needs JDK 25).
 */
@Tag("integration")
@Timeout(180)
@ExtendWith(TestBroker.Extension.class)
class AotTrainingIT {

    private static final Duration PHASE = Duration.ofMillis(300);
    private static final long BYTES_PER_PHASE = 64 << 10;

    @Test
    void theLoadReadsBackEveryAcknowledgedRecordAtTheTailAndFromTheStart(TestBroker broker) throws Exception {
        TrainingLoad.Summary summary = new TrainingLoad(broker.bootstrapServers(), PHASE, BYTES_PER_PHASE).run();

        assertThat(summary.produced()).isPositive();
        assertThat(summary.consumedAtTail()).isEqualTo(summary.produced());
        assertThat(summary.consumedFromStart()).isEqualTo(summary.produced());
    }

    @Test
    void trainingRunsTheLoadInAChildJvmAgainstTwoBrokersAndExitsZero(@TempDir Path dir) throws Exception {
        int exitCode = AotTraining.run(dir, 2, PHASE, BYTES_PER_PHASE);

        assertThat(exitCode).isZero();
        for (String broker : new String[] {"broker-0", "broker-1"}) {
            assertThat(dir.resolve(broker).resolve(TrainingLoad.ONE_PARTITION + "-0")).isDirectory();
            assertThat(dir.resolve(broker).resolve(TrainingLoad.SIX_PARTITIONS + "-5")).isDirectory();
            assertThat(Files.size(dir.resolve(broker).resolve(TrainingLoad.ONE_PARTITION + "-0")
                .resolve("00000000000000000000.log"))).as(broker).isPositive();
        }
    }
}
