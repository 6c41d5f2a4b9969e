package io.weir.cli.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.weir.cli.Cli;
import io.weir.cli.Cli.Result;
import io.weir.cli.TestBroker;
import io.weir.common.Time;

@ExtendWith(TestBroker.Extension.class)
class ProduceConsumeTest {

    private static String bootstrap;

    @TempDir
    Path tempDir;

    @BeforeAll
    static void broker(TestBroker broker) {
        bootstrap = broker.bootstrapServers();
    }

    private static Result weir(byte[] stdin, String... args) {
        return Cli.against(bootstrap, stdin, args);
    }

    private static Result weir(String... args) {
        return weir(new byte[0], args);
    }

    private static Result ok(Result r) {
        return Cli.ok(r);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void topic(String name, int partitions) {
        ok(weir("topics", "create", name, "--partitions", Integer.toString(partitions)));
    }

    @Test
    void produceThenConsumeRoundTripsStdinByteForByte() {
        topic("round-trip", 1);
        byte[] input = utf8("hello\n\nwörld ✓ 日本語\n\r\n  spaces  \n\t\n");
        Result produced = ok(weir(input, "produce", "round-trip"));
        assertThat(produced.stderr()).startsWith("Produced 6 records (").contains("to round-trip in");
        assertThat(produced.stdoutBytes()).isEmpty();

        Result consumed = ok(weir("consume", "round-trip", "--from-beginning", "--count", "6"));
        assertThat(consumed.stdoutBytes()).isEqualTo(input);
        assertThat(consumed.stderr()).isEmpty();
    }

    @Test
    void keySeparatorRoundTrips() {
        topic("keyed", 1);
        byte[] input = utf8("k1:v1\n:empty key\nk3:\n\nno key here\nk:v:w\nschlüssel:wert ü\n");
        ok(weir(input, "produce", "keyed", "--key-separator", ":"));

        assertThat(ok(weir("consume", "keyed", "--from-beginning", "-n", "7", "--key-separator", ":")).stdoutBytes())
            .isEqualTo(input);
        assertThat(ok(weir("consume", "keyed", "--from-beginning", "-n", "7", "--format", "%K|%k|%s\\n")).stdout())
            .isEqualTo("2|k1|v1\n0||empty key\n2|k3|\n-1||\n-1||no key here\n1|k|v:w\n10|schlüssel|wert ü\n");
    }

    @Test
    void lastLineWithoutNewlineIsARecordAndFileInputWorks() throws Exception {
        topic("no-final-newline", 1);
        Path file = tempDir.resolve("records.txt");
        Files.write(file, utf8("one\ntwo"));
        ok(weir("produce", "no-final-newline", "--file", file.toString()));
        assertThat(ok(weir("consume", "no-final-newline", "--from-beginning", "-n", "2")).stdout())
            .isEqualTo("one\ntwo\n");
    }

    /** A clock on which every reading is a second after the previous one: each line is "a second later". */
    private static Time secondPerReading() {
        AtomicLong nowNs = new AtomicLong();
        return new Time() {
            @Override
            public long milliseconds() {
                return nowNs.get() / 1_000_000L;
            }

            @Override
            public long nanoseconds() {
                return nowNs.addAndGet(1_000_000_000L);
            }

            @Override
            public void sleep(long ms) {
                nowNs.addAndGet(ms * 1_000_000L);
            }
        };
    }

    @Test
    void onATerminalALongInputShowsProgressWithABarWhenItsSizeIsKnown() {
        topic("progress", 1);
        byte[] input = utf8("a\nb\nc\nd\n");
        Result shown = ok(Cli.onTerminal(secondPerReading(), input, "-b", bootstrap, "produce", "progress"));
        assertThat(shown.stderr()).startsWith("\r[======>                 ]  25%  Produced ")
            .contains("\r[========================] 100%  Produced ")
            .containsPattern("   \\RProduced 4 records \\(4 B\\) to progress in \\d+\\.\\d s");

        Result plain = ok(Cli.run(input, "-b", bootstrap, "produce", "progress"));
        assertThat(plain.stderr()).doesNotContain("\r").startsWith("Produced 4 records");
        assertThat(ok(weir("consume", "progress", "--from-beginning", "-n", "8")).stdout())
            .isEqualTo("a\nb\nc\nd\n".repeat(2));
    }

    @Test
    void produceSummaryAsJson() {
        topic("summary-json", 1);
        JsonNode summary = ok(weir(utf8("a\nbb\nccc\n"), "produce", "summary-json", "-o", "json",
            "--acks", "1", "--compression", "gzip")).json();
        assertThat(summary.get("topic").asText()).isEqualTo("summary-json");
        assertThat(summary.get("records").asLong()).isEqualTo(3);
        assertThat(summary.get("bytes").asLong()).isEqualTo(6);
        assertThat(summary.get("failed").asLong()).isZero();
        assertThat(summary.has("elapsedMs")).isTrue();
        assertThat(summary.has("recordsPerSecond")).isTrue();
        assertThat(ok(weir("consume", "summary-json", "--from-beginning", "-n", "3")).stdout()).isEqualTo("a\nbb\nccc\n");
    }

    @Test
    void consumeAsJsonWithHeadersAndPartition() {
        topic("json-records", 2);
        ok(weir(utf8("k=v1\nv2\n"), "produce", "json-records", "--partition", "1", "-K", "=", "-H", "trace=abc",
            "-H", "source=test"));
        JsonNode records = ok(weir("consume", "json-records", "--partition", "1", "--from-beginning", "-n", "2",
            "-o", "json")).json();
        assertThat(records.isArray()).isTrue();
        assertThat(records).hasSize(2);
        JsonNode first = records.get(0);
        assertThat(first.get("topic").asText()).isEqualTo("json-records");
        assertThat(first.get("partition").asInt()).isEqualTo(1);
        assertThat(first.get("offset").asLong()).isZero();
        assertThat(first.get("timestamp").asLong()).isPositive();
        assertThat(first.get("key").asText()).isEqualTo("k");
        assertThat(first.get("value").asText()).isEqualTo("v1");
        assertThat(first.get("headers").get(0).get("key").asText()).isEqualTo("trace");
        assertThat(first.get("headers").get(0).get("value").asText()).isEqualTo("abc");
        assertThat(records.get(1).get("key").isNull()).isTrue();
        assertThat(ok(weir("consume", "json-records", "--partition", "0", "--from-beginning", "--no-follow", "-o",
            "json")).json()).isEmpty();
    }

    @Test
    void formatTemplateFields() {
        topic("formatted", 1);
        ok(weir(utf8("key\tvalue\n"), "produce", "formatted", "-K", "\t", "-H", "h1=x", "-H", "h2=y"));
        Result r = ok(weir("consume", "formatted", "--from-beginning", "-n", "1",
            "--format", "%t|%p|%o|%k|%s|%h|100%%\\t%T\\n"));
        assertThat(r.stdout()).matches("formatted\\|0\\|0\\|key\\|value\\|h1=x,h2=y\\|100%\t\\d+\n");
    }

    @Test
    void withoutFollowACountStopsAtTheEndOfTheLog() {
        topic("ends", 3);
        ok(weir(utf8("1\n2\n3\n4\n5\n"), "produce", "ends"));
        Result r = ok(weir("consume", "ends", "--from-beginning", "--count", "100"));
        assertThat(r.stdout().lines().sorted()).containsExactly("1", "2", "3", "4", "5");
        assertThat(ok(weir("consume", "ends", "--count", "1")).stdout()).isEmpty();
    }

    @Test
    void offsetStartsThereInEachPartition() {
        topic("offsets", 1);
        ok(weir(utf8("r0\nr1\nr2\nr3\n"), "produce", "offsets"));
        assertThat(ok(weir("consume", "offsets", "--offset", "2", "-n", "10")).stdout()).isEqualTo("r2\nr3\n");
        assertThat(ok(weir("consume", "offsets", "--offset", "99", "-n", "10")).stdout()).isEmpty();
    }

    @Test
    void fromTimePicksTheFirstRecordAtOrAfterIt() {
        topic("timed", 1);
        Instant base = Instant.now().minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
            new StringSerializer())) {
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord<>("timed", 0, base.plusSeconds(10L * i).toEpochMilli(), null, "t" + i));
            }
            producer.flush();
        }
        assertThat(ok(weir("consume", "timed", "--from-time", base.plusSeconds(15).toString(), "-n", "10")).stdout())
            .isEqualTo("t2\nt3\n");
        assertThat(ok(weir("consume", "timed", "--from-time", base.plusSeconds(10).toString(), "-n", "1")).stdout())
            .isEqualTo("t1\n");
        assertThat(ok(weir("consume", "timed", "--from-time", base.plusSeconds(999).toString(), "-n", "1")).stdout())
            .isEmpty();
        Result bad = weir("consume", "timed", "--from-time", "yesterday");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stderr()).contains("expected an ISO-8601 time");
    }

    @Test
    void followRunsUntilStoppedAndClosesTheJsonArray() throws Exception {
        topic("followed", 1);
        ok(weir(utf8("first\n"), "produce", "followed"));
        Cli.Running running = Cli.start("consume", "followed", "--from-beginning", "-o", "json",
            "--bootstrap-server", bootstrap);
        try {
            running.out.awaitContains("\"first\"", Duration.ofSeconds(30));
            ok(weir(utf8("second\n"), "produce", "followed"));
            running.out.awaitContains("\"second\"", Duration.ofSeconds(30));
        } finally {
            running.<ConsumeCommand>subcommand("consume").stop();
        }
        Result r = running.await(Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.json()).extracting(n -> n.get("value").asText()).containsExactly("first", "second");
    }

    @Test
    void readCommittedAndCompressionWork() {
        topic("isolated", 1);
        ok(weir(utf8("x\ny\n"), "produce", "isolated", "--compression", "lz4"));
        assertThat(ok(weir("consume", "isolated", "--from-beginning", "-n", "2", "--isolation", "read_committed"))
            .stdout()).isEqualTo("x\ny\n");
    }

    @Test
    void unknownTopicOrPartitionIsAUserError() {
        topic("payments", 2);
        Result produce = weir(utf8("x\n"), "produce", "payment");
        assertThat(produce.exitCode()).isEqualTo(1);
        assertThat(produce.stderr()).isEqualTo("weir produce: topic \"payment\" does not exist; did you mean \"payments\"?\n");
        Result consume = weir("consume", "paymnts");
        assertThat(consume.exitCode()).isEqualTo(1);
        assertThat(consume.stderr()).isEqualTo("weir consume: topic \"paymnts\" does not exist; did you mean \"payments\"?\n");
        Result partition = weir(utf8("x\n"), "produce", "payments", "--partition", "2");
        assertThat(partition.exitCode()).isEqualTo(1);
        assertThat(partition.stderr()).contains("has partitions 0 to 1; there is no partition 2");
    }

    @Test
    void badArgumentsAreUserErrors() {
        topic("args", 1);
        assertThat(weir("consume", "args", "--from-beginning", "--offset", "3").exitCode()).isEqualTo(1);
        assertThat(weir("consume", "args", "--format", "%x").stderr()).contains("unknown field '%x'");
        assertThat(weir("consume", "args", "-o", "json", "--format", "%s").stderr())
            .contains("--format cannot be combined with --output json");
        assertThat(weir(utf8("x\n"), "produce", "args", "--acks", "2").stderr()).contains("--acks must be all, 1 or 0");
        assertThat(weir("consume", "args", "--group", "g", "--partition", "0").exitCode()).isEqualTo(1);
    }

    @Test
    void aGroupContinuesWhereItsLastRunStopped() {
        topic("grouped", 2);
        ok(weir(utf8("a\nb\nc\n"), "produce", "grouped", "--partition", "0"));
        ok(weir(utf8("d\ne\nf\ng\n"), "produce", "grouped", "--partition", "1"));
        List<String> seen = new ArrayList<>();
        for (int count : new int[] {2, 3}) {
            String out = ok(weir("consume", "grouped", "--group", "g1", "--from-beginning", "-n",
                Integer.toString(count))).stdout();
            assertThat(out.lines()).hasSize(count);
            seen.addAll(out.lines().toList());
        }
        String rest = ok(weir("consume", "grouped", "--group", "g1", "--from-beginning", "-n", "100")).stdout();
        assertThat(rest.lines()).as("stops at the end of the log").hasSize(2);
        seen.addAll(rest.lines().toList());
        assertThat(seen).as("each record once, across three runs").containsExactlyInAnyOrder("a", "b", "c", "d", "e",
            "f", "g");
        assertThat(ok(weir("consume", "grouped", "--group", "g1", "-n", "1")).stdout()).isEmpty();
        JsonNode group = ok(weir("groups", "describe", "g1", "-o", "json")).json();
        assertThat(group.get("totalLag").asLong()).isZero();
        assertThat(group.get("partitions")).extracting(p -> p.get("committedOffset").asLong()).containsExactly(3L, 4L);
    }

    @Test
    void allRecordsArriveAcrossPartitions() {
        topic("spread", 3);
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            input.append("key-").append(i).append(' ').append("value-").append(i).append('\n');
        }
        ok(weir(utf8(input.toString()), "produce", "spread", "-K", " "));
        Result r = ok(weir("consume", "spread", "--from-beginning", "-n", "1000", "-K", " "));
        assertThat(r.stdout().lines().sorted()).containsExactlyElementsOf(input.toString().lines().sorted().toList());
    }
}
