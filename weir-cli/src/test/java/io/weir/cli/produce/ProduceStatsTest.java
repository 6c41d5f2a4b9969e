package io.weir.cli.produce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import io.weir.common.MockTime;

/** The progress display of {@code weir produce} on a terminal, on a manual clock. */
class ProduceStatsTest {

    private final MockTime time = new MockTime();
    private final StringWriter terminal = new StringWriter();

    private ProduceStats stats(OptionalLong inputSize) {
        return new ProduceStats("orders", time, Optional.of(new PrintWriter(terminal)), inputSize);
    }

    private static void sendAndAck(ProduceStats stats, int lines, int lineBytes) {
        for (int i = 0; i < lines; i++) {
            stats.onCompletion(lineBytes - 1, null);
            stats.maybeShowProgress(lineBytes);
        }
    }

    @Test
    void aFileOfKnownSizeGetsABarOnceASecondAfterTheFirstSecond() {
        ProduceStats stats = stats(OptionalLong.of(1000));
        sendAndAck(stats, 19, 25);
        assertThat(terminal.toString()).isEmpty(); // a short input shows no progress

        time.advance(1000);
        sendAndAck(stats, 1, 25); // half of the file read
        String bar = "[" + "=".repeat(12) + ">" + " ".repeat(11) + "]  50%  ";
        assertThat(terminal.toString()).isEqualTo("\r" + bar + "Produced 20 records (480 B) to orders in 1.0 s: "
            + "20 records/s, 480 B/s   ");

        time.advance(500);
        sendAndAck(stats, 20, 25);
        assertThat(terminal.toString()).doesNotContain("100%"); // not again within the second

        time.advance(500);
        sendAndAck(stats, 1, 25);
        assertThat(terminal.toString()).contains("\r[" + "=".repeat(24) + "] 100%  Produced 41 records");
        stats.finish();
        assertThat(terminal.toString()).endsWith("   " + System.lineSeparator());
    }

    @Test
    void inputOfUnknownSizeShowsTheCountsOnly() {
        ProduceStats stats = stats(OptionalLong.empty());
        time.advance(2000);
        sendAndAck(stats, 4, 3);
        assertThat(terminal.toString()).startsWith("\rProduced 1 record (2 B) to orders in 2.0 s");
    }

    @Test
    void notOnATerminalNothingIsShown() {
        ProduceStats stats = new ProduceStats("orders", time, Optional.empty(), OptionalLong.of(10));
        time.advance(5000);
        sendAndAck(stats, 3, 4);
        assertThat(stats.finish()).hasValueSatisfying(s -> assertThat(s.records()).isEqualTo(3));
    }
}
