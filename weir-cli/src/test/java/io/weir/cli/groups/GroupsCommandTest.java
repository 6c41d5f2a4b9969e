package io.weir.cli.groups;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.weir.cli.Cli;
import io.weir.cli.Cli.Result;
import io.weir.cli.TestBroker;

@ExtendWith(TestBroker.Extension.class)
@Timeout(120)
class GroupsCommandTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static String bootstrap;

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

    private static Result userError(Result r) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr().lines()).as(r.toString()).hasSize(1);
        return r;
    }

    /** A topic with {@code counts[p]} records in partition p ("p-i" values). */
    private static void topic(String name, int... counts) {
        ok(weir("topics", "create", name, "--partitions", Integer.toString(counts.length)));
        for (int p = 0; p < counts.length; p++) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < counts[p]; i++) {
                lines.append(p).append('-').append(i).append('\n');
            }
            if (counts[p] > 0) {
                ok(weir(lines.toString().getBytes(StandardCharsets.UTF_8), "produce", name, "--partition",
                    Integer.toString(p)));
            }
        }
    }

    static KafkaConsumer<String, String> member(String group, String clientId, Map<String, Object> extra) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putAll(extra);
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /** Polls (bounded) until {@code done}; returns every record it got. */
    static List<ConsumerRecord<String, String>> pollUntil(KafkaConsumer<String, String> c, BooleanSupplier done) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within " + WAIT).isLessThan(deadline);
            c.poll(Duration.ofMillis(100)).forEach(records::add);
        }
        return records;
    }

    /** Runs {@code groups describe -o json} until {@code check} holds (bounded); returns that document. */
    private static JsonNode awaitDescribe(String group, Predicate<JsonNode> check) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode d = ok(weir("groups", "describe", group, "-o", "json")).json();
            if (check.test(d)) {
                return d;
            }
            assertThat(System.nanoTime()).as("describe never matched: " + d).isLessThan(deadline);
        }
    }

    private static JsonNode listed(String group) {
        for (JsonNode g : ok(weir("groups", "list", "-o", "json")).json().get("groups")) {
            if (g.get("group").asText().equals(group)) {
                return g;
            }
        }
        return null;
    }

    private static Map<Integer, JsonNode> byPartition(JsonNode partitions) {
        Map<Integer, JsonNode> map = new HashMap<>();
        partitions.forEach(p -> map.put(p.get("partition").asInt(), p));
        return map;
    }

    private static JsonNode reset(String group, String topic, String... target) {
        List<String> args = new ArrayList<>(List.of("groups", "reset-offsets", group, "--topic", topic, "-o", "json"));
        args.addAll(List.of(target));
        return ok(weir(args.toArray(String[]::new))).json();
    }

    /** {partition: [old, new]} of a reset's json, old null as -1. */
    private static Map<Integer, List<Long>> moves(JsonNode reset) {
        Map<Integer, List<Long>> moves = new HashMap<>();
        reset.get("partitions").forEach(p -> moves.put(p.get("partition").asInt(), List.of(
            p.get("oldOffset").isNull() ? -1L : p.get("oldOffset").asLong(), p.get("newOffset").asLong())));
        return moves;
    }

    @Test
    void liveGroupIsListedAndDescribedWithLagAndCannotBeResetOrDeleted() {
        topic("lag", 6, 4);
        TopicPartition p0 = new TopicPartition("lag", 0);
        try (KafkaConsumer<String, String> c = member("lagging", "lag-client", Map.of())) {
            c.subscribe(List.of("lag"));
            pollUntil(c, () -> c.assignment().size() == 2);
            c.commitSync(Map.of(p0, new OffsetAndMetadata(2)));

            JsonNode listed = listed("lagging");
            assertThat(listed).isNotNull();
            assertThat(listed.get("type").asText()).isEqualTo("classic");
            assertThat(listed.get("state").asText()).isEqualTo("Stable");
            assertThat(ok(weir("groups", "list")).stdout()).containsPattern("(?m)^GROUP +TYPE +STATE$")
                .containsPattern("(?m)^lagging +classic +Stable$");

            JsonNode d = ok(weir("groups", "describe", "lagging", "-o", "json")).json();
            checkLiveDescription(d);
            String memberId = d.get("members").get(0).get("memberId").asText();
            assertThat(ok(weir("groups", "describe", "lagging")).stdout())
                .contains("Group: lagging  (classic, Stable, assignor range)")
                .containsPattern("Coordinator: broker \\d+ \\(127\\.0\\.0\\.1:\\d+\\)").contains("Members: 1")
                .containsPattern("(?m)^MEMBER +INSTANCE +CLIENT +HOST +PARTITIONS$")
                .containsPattern("(?m)^" + Pattern.quote(memberId) + " +- +lag-client +\\S+ +lag-0,lag-1$")
                .containsPattern("(?m)^TOPIC +PARTITION +COMMITTED +END +LAG +MEMBER$")
                .containsPattern("(?m)^lag +0 +2 +6 +4 +" + Pattern.quote(memberId) + "$")
                .containsPattern("(?m)^lag +1 +- +4 +- +" + Pattern.quote(memberId) + "$")
                .contains("Total lag: 4\n");

            assertThat(userError(weir("groups", "reset-offsets", "lagging", "--topic", "lag", "--to-earliest")).stderr())
                .isEqualTo("weir groups reset-offsets: group \"lagging\" has 1 active member; stop its consumers "
                    + "before you reset its offsets (the group must be empty)\n");
            assertThat(userError(weir("groups", "delete", "lagging")).stderr())
                .isEqualTo("weir groups delete: group \"lagging\" has 1 active member; stop its consumers "
                    + "before you delete it (the group must be empty)\n");
        }
        JsonNode empty = awaitDescribe("lagging", d -> d.get("state").asText().equals("Empty"));
        assertThat(empty.get("members")).isEmpty();
        assertThat(byPartition(empty.get("partitions")).get(0).get("committedOffset").asLong()).isEqualTo(2);
    }

    private static void checkLiveDescription(JsonNode d) {
        assertThat(d.get("group").asText()).isEqualTo("lagging");
        assertThat(d.get("type").asText()).isEqualTo("classic");
        assertThat(d.get("state").asText()).isEqualTo("Stable");
        assertThat(d.get("protocol").asText()).isEqualTo("range");
        assertThat(d.get("coordinator").get("id").isInt()).isTrue();
        assertThat(d.get("coordinator").get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(d.get("members")).hasSize(1);
        JsonNode m = d.get("members").get(0);
        assertThat(m.get("memberId").asText()).isNotBlank();
        assertThat(m.get("instanceId").isNull()).isTrue();
        assertThat(m.get("clientId").asText()).isEqualTo("lag-client");
        assertThat(m.get("host").asText()).contains("127.0.0.1");
        assertThat(m.get("assignment")).extracting(a -> a.get("topic").asText() + "-" + a.get("partition").asInt())
            .containsExactly("lag-0", "lag-1");
        JsonNode partitions = d.get("partitions");
        assertThat(partitions).hasSize(2);
        Map<Integer, JsonNode> byPartition = byPartition(partitions);
        JsonNode p0 = byPartition.get(0);
        assertThat(p0.get("topic").asText()).isEqualTo("lag");
        assertThat(p0.get("committedOffset").asLong()).isEqualTo(2);
        assertThat(p0.get("endOffset").asLong()).isEqualTo(6);
        assertThat(p0.get("lag").asLong())
            .isEqualTo(p0.get("endOffset").asLong() - p0.get("committedOffset").asLong()).isEqualTo(4);
        assertThat(p0.get("memberId").asText()).isEqualTo(m.get("memberId").asText());
        JsonNode p1 = byPartition.get(1);
        assertThat(p1.get("committedOffset").isNull()).isTrue();
        assertThat(p1.get("endOffset").asLong()).isEqualTo(4);
        assertThat(p1.get("lag").isNull()).isTrue();
        assertThat(d.get("totalLag").asLong()).isEqualTo(4);
    }

    @Test
    void consumerProtocolGroupsHaveTypeConsumer() {
        topic("kip848", 3, 1);
        Map<String, Object> consumerProtocol = Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        try (KafkaConsumer<String, String> c = member("modern", "modern-client", consumerProtocol)) {
            c.subscribe(List.of("kip848"));
            pollUntil(c, () -> c.assignment().size() == 2);
            c.commitSync(Map.of(tp("kip848", 0), new OffsetAndMetadata(1)));

            JsonNode listed = ok(weir("groups", "list", "--type", "consumer", "-o", "json")).json().get("groups");
            assertThat(listed).extracting(g -> g.get("group").asText()).contains("modern");
            assertThat(listed).extracting(g -> g.get("type").asText()).containsOnly("consumer");
            assertThat(ok(weir("groups", "list", "--type", "classic")).stdout()).doesNotContain("modern");
            assertThat(ok(weir("groups", "list", "--state", "stable,Empty")).stdout())
                .containsPattern("(?m)^modern +consumer +Stable$");
            JsonNode d = awaitDescribe("modern", doc -> doc.get("state").asText().equals("Stable"));
            assertThat(d.get("type").asText()).isEqualTo("consumer");
            assertThat(d.get("members")).hasSize(1);
            assertThat(d.get("members").get(0).get("clientId").asText()).isEqualTo("modern-client");
            assertThat(d.get("members").get(0).get("assignment")).hasSize(2);
            JsonNode p0 = byPartition(d.get("partitions")).get(0);
            assertThat(p0.get("lag").asLong()).isEqualTo(2);
            assertThat(userError(weir("groups", "reset-offsets", "modern", "-t", "kip848", "--to-latest")).stderr())
                .contains("has 1 active member");
        }
        awaitDescribe("modern", d -> d.get("members").isEmpty());
        assertThat(moves(reset("modern", "kip848", "--to-latest"))).isEqualTo(Map.of(0, List.of(1L, 3L),
            1, List.of(-1L, 1L)));
    }

    @Test
    void resetOffsetsChangesWhatTheGroupConsumesNext() {
        topic("rewound", 3, 2);
        try (KafkaConsumer<String, String> c = member("rewinder", "rewind-1", Map.of())) {
            c.subscribe(List.of("rewound"));
            pollUntil(c, () -> c.assignment().size() == 2
                && c.position(tp("rewound", 0)) == 3 && c.position(tp("rewound", 1)) == 2);
            c.commitSync();
        }
        awaitDescribe("rewinder", d -> d.get("members").isEmpty());

        JsonNode dry = reset("rewinder", "rewound", "--to-earliest", "--dry-run");
        assertThat(dry.get("group").asText()).isEqualTo("rewinder");
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
        assertThat(moves(dry)).isEqualTo(Map.of(0, List.of(3L, 0L), 1, List.of(2L, 0L)));
        assertThat(ok(weir("groups", "reset-offsets", "rewinder", "--topic", "rewound", "--to-earliest", "--dry-run"))
            .stdout()).containsPattern("(?m)^TOPIC +PARTITION +OLD +NEW$").containsPattern("(?m)^rewound +0 +3 +0$")
            .endsWith("Dry run: nothing changed.\n");
        JsonNode unchanged = ok(weir("groups", "describe", "rewinder", "-o", "json")).json();
        assertThat(unchanged.get("totalLag").asLong()).isZero();
        assertThat(byPartition(unchanged.get("partitions")).get(0).get("committedOffset").asLong()).isEqualTo(3);

        assertThat(ok(weir("groups", "reset-offsets", "rewinder", "--topic", "rewound", "--to-earliest")).stdout())
            .containsPattern("(?m)^rewound +0 +3 +0$").containsPattern("(?m)^rewound +1 +2 +0$")
            .endsWith("Reset the offsets of group \"rewinder\".\n");
        assertThat(ok(weir("groups", "describe", "rewinder", "-o", "json")).json().get("totalLag").asLong())
            .isEqualTo(5);

        Map<String, Object> latest = Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        try (KafkaConsumer<String, String> next = member("rewinder", "rewind-2", latest)) {
            next.subscribe(List.of("rewound"));
            List<ConsumerRecord<String, String>> again = pollUntil(next, () -> next.assignment().size() == 2
                && next.position(tp("rewound", 0)) == 3 && next.position(tp("rewound", 1)) == 2);
            assertThat(again).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrder("0-0", "0-1", "0-2", "1-0", "1-1");
        }
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    @Test
    void resetToOffsetShiftAndLatestAreClampedToTheLog() {
        topic("moved", 6, 4);
        JsonNode seeded = reset("mover", "moved", "--to-offset", "3");
        assertThat(moves(seeded)).as("a new group is created").isEqualTo(Map.of(0, List.of(-1L, 3L), 1, List.of(-1L, 3L)));
        assertThat(seeded.get("dryRun").asBoolean()).isFalse();

        assertThat(moves(reset("mover", "moved", "--shift-by", "-2"))).isEqualTo(Map.of(0, List.of(3L, 1L),
            1, List.of(3L, 1L)));
        assertThat(moves(reset("mover", "moved", "--shift-by", "2", "--partition", "1")))
            .isEqualTo(Map.of(1, List.of(1L, 3L)));
        assertThat(moves(reset("mover", "moved", "--shift-by", "-100"))).isEqualTo(Map.of(0, List.of(1L, 0L),
            1, List.of(3L, 0L)));
        assertThat(moves(reset("mover", "moved", "--to-offset", "99"))).isEqualTo(Map.of(0, List.of(0L, 6L),
            1, List.of(0L, 4L)));
        assertThat(moves(reset("mover", "moved", "--to-offset", "1", "-p", "0"))).isEqualTo(Map.of(0, List.of(6L, 1L)));
        assertThat(moves(reset("mover", "moved", "--shift-by", "100"))).isEqualTo(Map.of(0, List.of(1L, 6L),
            1, List.of(4L, 4L)));
        reset("mover", "moved", "--to-earliest");
        assertThat(moves(reset("mover", "moved", "--to-latest"))).isEqualTo(Map.of(0, List.of(0L, 6L),
            1, List.of(0L, 4L)));

        JsonNode d = ok(weir("groups", "describe", "mover", "-o", "json")).json();
        assertThat(d.get("state").asText()).isEqualTo("Empty");
        assertThat(d.get("members")).isEmpty();
        assertThat(d.get("totalLag").asLong()).isZero();
    }

    @Test
    void resetToTimePicksTheFirstRecordAtOrAfterIt() {
        ok(weir("topics", "create", "timed-reset"));
        Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
            new StringSerializer())) {
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord<>("timed-reset", 0, base.plusSeconds(10L * i).toEpochMilli(), null,
                    "t" + i));
            }
            producer.flush();
        }
        assertThat(moves(reset("timer", "timed-reset", "--to-time", base.plusSeconds(15).toString())))
            .isEqualTo(Map.of(0, List.of(-1L, 2L)));
        assertThat(moves(reset("timer", "timed-reset", "--to-time", base.plusSeconds(10).toString())))
            .isEqualTo(Map.of(0, List.of(2L, 1L)));
        assertThat(moves(reset("timer", "timed-reset", "--to-time", base.plusSeconds(999).toString())))
            .isEqualTo(Map.of(0, List.of(1L, 4L)));
        assertThat(moves(reset("timer", "timed-reset", "--to-time", base.minusSeconds(60).toString())))
            .isEqualTo(Map.of(0, List.of(4L, 0L)));
        Result bad = weir("groups", "reset-offsets", "timer", "--topic", "timed-reset", "--to-time", "soon");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stderr()).contains("expected an ISO-8601 time");
    }

    @Test
    void deleteRemovesGroupsAndTheirOffsets() {
        topic("deleting", 2);
        reset("doomed-1", "deleting", "--to-offset", "1");
        reset("doomed-2", "deleting", "--to-offset", "1");
        reset("doomed-3", "deleting", "--to-offset", "1");
        assertThat(listed("doomed-1")).isNotNull();
        assertThat(listed("doomed-1").get("state").asText()).isEqualTo("Empty");

        JsonNode deleted = ok(weir("groups", "delete", "doomed-1", "doomed-2", "-o", "json")).json();
        assertThat(deleted.get("deleted")).extracting(JsonNode::asText).containsExactly("doomed-1", "doomed-2");
        assertThat(ok(weir("groups", "delete", "doomed-3")).stdout()).isEqualTo("Deleted group \"doomed-3\".\n");
        assertThat(listed("doomed-1")).isNull();
        assertThat(ok(weir("groups", "list")).stdout()).doesNotContain("doomed-");
        assertThat(userError(weir("groups", "describe", "doomed-1")).stderr())
            .startsWith("weir groups describe: group \"doomed-1\" does not exist");
        JsonNode fresh = reset("doomed-1", "deleting", "--to-earliest", "--dry-run");
        assertThat(fresh.get("partitions").get(0).get("oldOffset").isNull()).as("offsets deleted too").isTrue();
    }

    @Test
    void unknownGroupsAreUserErrors() {
        assertThat(userError(weir("groups", "describe", "no-such-group-anywhere")).stderr())
            .isEqualTo("weir groups describe: group \"no-such-group-anywhere\" does not exist\n");
        assertThat(userError(weir("groups", "delete", "no-such-group-anywhere")).stderr())
            .isEqualTo("weir groups delete: group \"no-such-group-anywhere\" does not exist\n");

        topic("typo", 1);
        reset("inventory", "typo", "--to-earliest");
        assertThat(userError(weir("groups", "describe", "inventroy")).stderr())
            .isEqualTo("weir groups describe: group \"inventroy\" does not exist; did you mean \"inventory\"?\n");
        assertThat(userError(weir("groups", "delete", "inventory", "inventroy")).stderr()).contains("inventroy");
        assertThat(listed("inventory")).as("nothing deleted when one group is unknown").isNotNull();
    }

    @Test
    void badArgumentsAreUserErrors() {
        topic("args-groups", 1);
        assertThat(weir("groups", "reset-offsets", "g", "--topic", "args-groups").exitCode()).isEqualTo(1);
        assertThat(weir("groups", "reset-offsets", "g", "--topic", "args-groups", "--to-earliest", "--to-latest")
            .exitCode()).isEqualTo(1);
        assertThat(userError(weir("groups", "reset-offsets", "g", "--topic", "args-group", "--to-earliest")).stderr())
            .contains("topic \"args-group\" does not exist; did you mean \"args-groups\"?");
        assertThat(userError(weir("groups", "reset-offsets", "g", "--topic", "args-groups", "-p", "3",
            "--to-earliest")).stderr()).contains("there is no partition 3");
        assertThat(userError(weir("groups", "reset-offsets", "never-committed", "--topic", "args-groups",
            "--shift-by", "1")).stderr()).contains("partition args-groups-0 has no committed offset to shift from");
        assertThat(userError(weir("groups", "list", "--state", "Sleepy")).stderr())
            .contains("unknown group state \"Sleepy\"; expected one of").contains("Stable");
        assertThat(weir("groups").exitCode()).isEqualTo(1);
    }
}
