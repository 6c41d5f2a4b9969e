package io.weir.cli.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.weir.cli.Cli;
import io.weir.cli.Cli.Result;
import io.weir.cli.TestBroker;

@ExtendWith(TestBroker.Extension.class)
class TopicsCommandTest {

    private static String bootstrap;

    @BeforeAll
    static void broker(TestBroker broker) {
        bootstrap = broker.bootstrapServers();
    }

    private static Result weir(String... args) {
        return Cli.run(withBootstrap(args));
    }

    private static String[] withBootstrap(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = bootstrap;
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    private static Result ok(Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    @Test
    void createInBothModes() {
        JsonNode created = ok(weir("--output", "json", "topics", "create", "created-json", "--partitions", "3",
            "--replication-factor", "1", "--config", "retention.ms=3600000")).json();
        assertThat(created.get("topic").asText()).isEqualTo("created-json");
        assertThat(created.get("partitions").asInt()).isEqualTo(3);
        assertThat(created.get("replicationFactor").asInt()).isEqualTo(1);
        assertThat(created.get("configs").get("retention.ms").asText()).isEqualTo("3600000");

        Result table = ok(weir("topics", "create", "created-table"));
        assertThat(table.stdout()).startsWith("Created topic \"created-table\" with ").contains("replication factor 1");
    }

    @Test
    void listInBothModes() {
        ok(weir("topics", "create", "listed", "-p", "2"));
        JsonNode topics = ok(weir("topics", "list", "--output", "json")).json().get("topics");
        JsonNode listed = null;
        for (JsonNode t : topics) {
            if (t.get("name").asText().equals("listed")) {
                listed = t;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.get("partitions").asInt()).isEqualTo(2);
        assertThat(listed.get("replicationFactor").asInt()).isEqualTo(1);
        assertThat(listed.get("internal").asBoolean()).isFalse();

        Result table = ok(weir("topics", "list"));
        assertThat(table.stdout().lines().findFirst()).hasValueSatisfying(h -> assertThat(h).matches("TOPIC +PARTITIONS +REPLICATION-FACTOR"));
        assertThat(table.stdout()).containsPattern("(?m)^listed +2 +1$");
    }

    @Test
    void describeShowsPartitionsOffsetsAndNonDefaultConfigs() {
        ok(weir("topics", "create", "described", "-p", "2", "-c", "retention.ms=3600000"));
        ok(Cli.run("a\nb\nc\n".getBytes(StandardCharsets.UTF_8), withBootstrap("produce", "described", "--partition", "1")));

        JsonNode d = ok(weir("topics", "describe", "described", "-o", "json")).json();
        assertThat(d.get("name").asText()).isEqualTo("described");
        assertThat(d.get("topicId").asText()).isNotBlank();
        assertThat(d.get("configs").get("retention.ms").asText()).isEqualTo("3600000");
        assertThat(d.get("configs").has("cleanup.policy")).isFalse();
        JsonNode p1 = d.get("partitions").get(1);
        assertThat(p1.get("partition").asInt()).isEqualTo(1);
        assertThat(p1.get("leader").isInt()).isTrue();
        assertThat(p1.get("replicas")).hasSize(1);
        assertThat(p1.get("isr")).hasSize(1);
        assertThat(p1.get("offlineReplicas")).isEmpty();
        assertThat(p1.get("logStartOffset").asLong()).isZero();
        assertThat(p1.get("logEndOffset").asLong()).isEqualTo(3);
        assertThat(d.get("partitions").get(0).get("logEndOffset").asLong()).isZero();

        Result table = ok(weir("topics", "describe", "described"));
        assertThat(table.stdout()).contains("Topic: described").contains("Configs: retention.ms=3600000")
            .containsPattern("PARTITION +LEADER +REPLICAS +ISR +OFFLINE +LOG-START +LOG-END")
            .containsPattern("(?m)^1 +\\d+ +\\d+ +\\d+ +- +0 +3$");
    }

    @Test
    void alterSetsAndDeletesConfigs() {
        ok(weir("topics", "create", "altered", "-c", "retention.ms=3600000"));
        JsonNode changed = ok(weir("-o", "json", "topics", "alter", "altered", "--config", "cleanup.policy=compact",
            "--delete-config", "retention.ms")).json();
        assertThat(changed.get("type").asText()).isEqualTo("topic");
        assertThat(changed.get("set").get("cleanup.policy").asText()).isEqualTo("compact");
        assertThat(changed.get("deleted").get(0).asText()).isEqualTo("retention.ms");

        JsonNode configs = ok(weir("topics", "describe", "altered", "-o", "json")).json().get("configs");
        assertThat(configs.get("cleanup.policy").asText()).isEqualTo("compact");
        assertThat(configs.has("retention.ms")).isFalse();

        assertThat(ok(weir("topics", "alter", "altered", "--config", "segment.ms=600000")).stdout())
            .contains("Set segment.ms=600000 on topic \"altered\".");
        Result nothing = weir("topics", "alter", "altered");
        assertThat(nothing.exitCode()).isEqualTo(1);
        assertThat(nothing.stderr()).contains("nothing to change");
    }

    @Test
    void addPartitionsGrowsTheTopic() {
        ok(weir("topics", "create", "grown", "-p", "1"));
        JsonNode grown = ok(weir("topics", "add-partitions", "grown", "--partitions", "3", "-o", "json")).json();
        assertThat(grown.get("topic").asText()).isEqualTo("grown");
        assertThat(grown.get("partitions").asInt()).isEqualTo(3);
        assertThat(ok(weir("topics", "describe", "grown", "-o", "json")).json().get("partitions")).hasSize(3);
        assertThat(ok(weir("topics", "add-partitions", "grown", "-p", "4")).stdout())
            .isEqualTo("Topic \"grown\" now has 4 partitions.\n");

        Result shrink = weir("topics", "add-partitions", "grown", "-p", "2");
        assertThat(shrink.exitCode()).as(shrink.toString()).isEqualTo(1);
    }

    @Test
    void deleteInBothModes() {
        ok(weir("topics", "create", "deleted-1"));
        ok(weir("topics", "create", "deleted-2"));
        ok(weir("topics", "create", "deleted-3"));
        JsonNode deleted = ok(weir("topics", "delete", "deleted-1", "deleted-2", "-o", "json")).json();
        assertThat(deleted.get("deleted")).extracting(JsonNode::asText).containsExactly("deleted-1", "deleted-2");
        assertThat(ok(weir("topics", "delete", "deleted-3")).stdout()).isEqualTo("Deleted topic \"deleted-3\".\n");
        assertThat(ok(weir("topics", "list")).stdout()).doesNotContain("deleted-");
    }

    @Test
    void unknownTopicSuggestsTheClosestName() {
        ok(weir("topics", "create", "orders"));
        for (String[] args : new String[][] {{"topics", "describe", "order"}, {"topics", "delete", "order"},
            {"topics", "alter", "order", "-c", "retention.ms=1"}, {"topics", "add-partitions", "order", "-p", "5"}}) {
            Result r = weir(args);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.stderr()).isEqualTo("weir topics " + args[1]
                + ": topic \"order\" does not exist; did you mean \"orders\"?\n");
        }
        Result far = weir("topics", "describe", "zzzzzzzzzzzzzzz");
        assertThat(far.stderr()).isEqualTo("weir topics describe: topic \"zzzzzzzzzzzzzzz\" does not exist\n");
    }

    @Test
    void badConfigKeyIsAUserErrorWithTheBrokersMessage() {
        Result r = weir("topics", "create", "bad-config", "--config", "no.such.config=1");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("weir topics create: ").contains("no.such.config").doesNotContain("Exception");
        assertThat(r.stderr().lines()).hasSize(1);
    }

    @Test
    void existingTopicAndMissingSubcommandAreUserErrors() {
        ok(weir("topics", "create", "twice"));
        Result again = weir("topics", "create", "twice");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr()).contains("twice").contains("already exists");
        assertThat(weir("topics").exitCode()).isEqualTo(1);
    }
}
