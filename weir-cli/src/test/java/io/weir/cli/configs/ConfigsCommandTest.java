package io.weir.cli.configs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.weir.cli.Cli;
import io.weir.cli.Cli.Result;
import io.weir.cli.TestBroker;

@ExtendWith(TestBroker.Extension.class)
class ConfigsCommandTest {

    private static String bootstrap;

    @BeforeAll
    static void broker(TestBroker broker) {
        bootstrap = broker.bootstrapServers();
    }

    private static Result weir(String... args) {
        List<String> all = new ArrayList<>(List.of("-b", bootstrap));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    private static Result ok(Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private static JsonNode setting(String topic, String key) {
        JsonNode doc = ok(weir("configs", "get", "topic", topic, key, "-o", "json")).json();
        assertThat(doc.get("type").asText()).isEqualTo("topic");
        assertThat(doc.get("name").asText()).isEqualTo(topic);
        assertThat(doc.get("configs")).hasSize(1);
        return doc.get("configs").get(0);
    }

    @Test
    void setGetDeleteRoundTrip() {
        ok(weir("topics", "create", "configured"));
        JsonNode before = setting("configured", "retention.ms");
        assertThat(before.get("source").asText()).isEqualTo("default_config");

        JsonNode set = ok(weir("configs", "set", "topic", "configured", "retention.ms=120000", "segment.ms=600000",
            "-o", "json")).json();
        assertThat(set.get("set").get("retention.ms").asText()).isEqualTo("120000");
        JsonNode after = setting("configured", "retention.ms");
        assertThat(after.get("value").asText()).isEqualTo("120000");
        assertThat(after.get("source").asText()).isEqualTo("dynamic_topic_config");
        assertThat(after.get("sensitive").asBoolean()).isFalse();

        Result table = ok(weir("configs", "get", "topic", "configured", "retention.ms", "segment.ms"));
        assertThat(table.stdout()).containsPattern("(?m)^KEY +VALUE +SOURCE$")
            .containsPattern("(?m)^retention\\.ms +120000 +dynamic_topic_config$");

        assertThat(ok(weir("configs", "delete", "topic", "configured", "retention.ms")).stdout())
            .isEqualTo("Deleted retention.ms from topic \"configured\".\n");
        assertThat(setting("configured", "retention.ms").get("source").asText()).isEqualTo("default_config");
        assertThat(setting("configured", "segment.ms").get("value").asText()).isEqualTo("600000");

        assertThat(ok(weir("configs", "set", "topic", "configured", "segment.ms=700000")).stdout())
            .isEqualTo("Set segment.ms=700000 on topic \"configured\".\n");
        assertThat(setting("configured", "segment.ms").get("value").asText()).isEqualTo("700000");
        JsonNode deleted = ok(weir("configs", "delete", "topic", "configured", "segment.ms", "-o", "json")).json();
        assertThat(deleted.get("deleted")).extracting(JsonNode::asText).containsExactly("segment.ms");
        assertThat(deleted.get("set")).isEmpty();
    }

    @Test
    void brokerConfigsAreReadable() {
        String id = ok(weir("cluster", "-o", "json")).json().get("brokers").get(0).get("id").asText();
        JsonNode doc = ok(weir("configs", "get", "broker", id, "-o", "json")).json();
        assertThat(doc.get("type").asText()).isEqualTo("broker");
        assertThat(doc.get("configs")).extracting(c -> c.get("name").asText()).contains("log.dirs", "num.partitions");
        Result unknown = weir("configs", "get", "broker", "9999");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("broker \"9999\" does not exist; the brokers are " + id);
    }

    @Test
    void brokerRefusalsAndBadKeysAreUserErrorsWithTheBrokersMessage() {
        ok(weir("topics", "create", "strict"));
        Result badKey = weir("configs", "set", "topic", "strict", "no.such.key=1");
        assertThat(badKey.exitCode()).as(badKey.toString()).isEqualTo(1);
        assertThat(badKey.stderr()).startsWith("weir configs set: ").contains("no.such.key");
        assertThat(badKey.stderr().lines()).hasSize(1);

        Result badValue = weir("configs", "set", "topic", "strict", "retention.ms=soon");
        assertThat(badValue.exitCode()).as(badValue.toString()).isEqualTo(1);

        String id = ok(weir("cluster", "-o", "json")).json().get("brokers").get(0).get("id").asText();
        Result broker = weir("configs", "set", "broker", id, "log.retention.ms=1");
        assertThat(broker.exitCode()).as(broker.toString()).isEqualTo(1);
        assertThat(broker.stderr()).startsWith("weir configs set: ").doesNotContain("Exception");

        Result unknownGet = weir("configs", "get", "topic", "strict", "no.such.key");
        assertThat(unknownGet.exitCode()).isEqualTo(1);
        assertThat(unknownGet.stderr()).contains("has no config no.such.key");
        Result unknownTopic = weir("configs", "get", "topic", "strickt");
        assertThat(unknownTopic.stderr()).contains("topic \"strickt\" does not exist; did you mean \"strict\"?");
        assertThat(weir("configs", "get", "cluster", "x").exitCode()).isEqualTo(1);
    }
}
