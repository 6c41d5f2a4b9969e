package io.weir.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

/**
 * The seeded cluster simulation ({@link ClusterSimulation}): controller, brokers and ZooKeeper
 * over a network that loses, delays and partitions, with the invariants of
 * {@link SimInvariants} checked after every step. {@code -Dweir.sim.seed=N} runs one seed
 * (with the brokers' logs when {@code -Dweir.sim.log=true}); {@code -Dweir.sim.seeds=N} runs
 * seeds 1..N.
 */
class ClusterSimulationTest {

    private static final int STEPS = Integer.getInteger("weir.sim.steps", 400);
    private static Level savedLevel;
    private static int seedsRun;
    private static int seedsWithAcks;

    @TempDir(factory = InMemoryIfPossible.class)
    Path dir;

    /**
     * Logs in {@code /dev/shm} where there is one: every leader change writes the leader-epoch
     * checkpoint with an fsync, thousands per run, which on a busy disk is most of the time.
     */
    static final class InMemoryIfPossible implements TempDirFactory {
        @Override
        public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension)
                throws IOException {
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "weir-sim-")
                : Files.createTempDirectory("weir-sim-");
        }
    }

    static LongStream seeds() {
        String one = System.getProperty("weir.sim.seed");
        if (one != null) {
            return LongStream.of(Long.parseLong(one));
        }
        return LongStream.rangeClosed(1, Long.getLong("weir.sim.seeds", 60));
    }

    /** Thousands of role changes per seed: INFO logging would be most of the run time. */
    @BeforeAll
    static void quiet() {
        Logger weir = (Logger) LoggerFactory.getLogger("io.weir");
        savedLevel = weir.getLevel();
        if (!Boolean.getBoolean("weir.sim.log")) {
            weir.setLevel(Level.OFF);
        }
    }

    /**
     * Not an invariant but a guard against a vacuous simulation: a hostile seed may acknowledge
     * nothing (every partition offline or below min.insync.replicas), most must not.
     */
    @AfterAll
    static void mostSeedsAcknowledgedRecords() {
        ((Logger) LoggerFactory.getLogger("io.weir")).setLevel(savedLevel);
        assertThat(seedsWithAcks).as("seeds (of %d) with acknowledged produces", seedsRun)
            .isGreaterThanOrEqualTo(seedsRun * 3 / 4);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @Timeout(60)
    void invariantsHoldAndReplicasConverge(long seed) {
        ClusterSimulation sim = new ClusterSimulation(seed, dir);
        try {
            sim.run(STEPS);
            seedsRun++;
            if (sim.acknowledged() > 0) {
                seedsWithAcks++;
            }
        } finally {
            sim.close();
        }
    }
}
