package io.weir.cluster.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * What the znode decoders accept, including the lenient conversions they have always made
 * (numbers read as text where text is expected), and the {@link ZkStoreException} naming the path
 * for what they reject: integers (replica ids, leaders, epochs, partitions) must be JSON integers
 * within int range, as Kafka reads them. JSON is written with single quotes; {@link #json} turns
 * them into double quotes.
 */
class ZkJsonDecodeTest {

    private static final String PATH = "/some/znode";
    private static final Uuid TOPIC_ID = new Uuid(0x0123456789abcdefL, 0x7edcba9876543210L);

    private static byte[] json(String singleQuoted) {
        return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> rejects(Function<byte[], ?> decoder, byte[] data) {
        return assertThatThrownBy(() -> decoder.apply(data)).isInstanceOf(ZkStoreException.class)
            .hasMessageContaining(PATH);
    }

    private static Map<String, String> config(String singleQuoted) {
        return ZkJson.decodeConfig(PATH, json(singleQuoted));
    }

    private static List<Integer> isr(String isrJson) {
        return ZkJson.decodePartitionState(PATH,
            json("{'controller_epoch':1,'leader':1,'version':1,'leader_epoch':0,'isr':" + isrJson + "}"), 0).isr();
    }

    private static Map<Integer, List<Integer>> partitions(String partitionsJson) {
        return ZkJson.decodeTopic(PATH, "t",
            json("{'version':3,'topic_id':'" + TOPIC_ID + "','partitions':" + partitionsJson + "}"), 0).partitions();
    }

    /** A topic znode with a valid {@code topic_id} and then {@code members} (single-quoted JSON). */
    private static byte[] topicWith(String members) {
        return json("{'topic_id':'" + TOPIC_ID + "'," + members + "}");
    }

    private static BrokerRegistration broker(String singleQuoted) {
        return ZkJson.decodeBroker(PATH, 1, json(singleQuoted));
    }

    @Test
    void rootMustBeAJsonObject() {
        Function<byte[], ?> clusterId = data -> ZkJson.decodeClusterId(PATH, data);
        rejects(clusterId, null).hasMessage("znode " + PATH + " has no data");
        rejects(clusterId, json(" \n ")).hasMessageContaining("does not hold a JSON object");
        rejects(clusterId, json("null")).hasMessageContaining("does not hold a JSON object");
        rejects(clusterId, json("['id']")).hasMessageContaining("does not hold a JSON object");
        rejects(clusterId, json("'id'")).hasMessageContaining("does not hold a JSON object");
        rejects(clusterId, json("12")).hasMessageContaining("does not hold a JSON object: 12");
    }

    @Test
    void malformedJsonIsReportedAsSuchEvenWhenTheRootIsNotAnObject() {
        Function<byte[], ?> clusterId = data -> ZkJson.decodeClusterId(PATH, data);
        rejects(clusterId, json("{'id':'a'")).hasMessageContaining("holds malformed JSON: {\"id\":\"a\"");
        rejects(clusterId, json("{'id':'a',}")).hasMessageContaining("malformed JSON");
        rejects(clusterId, json("{id:'a'}")).hasMessageContaining("malformed JSON");
        rejects(clusterId, json("{'id':'a\\q'}")).hasMessageContaining("malformed JSON");
        rejects(clusterId, json("{'id':01}")).hasMessageContaining("malformed JSON");
        rejects(clusterId, json("{'id':'a' /* c */}")).hasMessageContaining("malformed JSON");
        rejects(clusterId, json("[1,")).hasMessageContaining("malformed JSON");
        rejects(clusterId, json("'a\\q'")).hasMessageContaining("malformed JSON");
        rejects(clusterId, new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xff, '"', '}'})
            .hasMessageContaining("malformed JSON");
    }

    @Test
    void contentAfterTheRootObjectIsIgnoredAndARepeatedFieldKeepsItsLastValue() {
        assertThat(ZkJson.decodeClusterId(PATH, json("{'id':'a'} trailing ] garbage"))).isEqualTo("a");
        assertThat(ZkJson.decodeClusterId(PATH, json("{'id':'a','id':'b'}"))).isEqualTo("b");
        assertThat(ZkJson.decodeClusterId(PATH, json(" {'id':'é\\u00e9\\n'} "))).isEqualTo("éé\n");
    }

    @Test
    void textFieldsTakeScalarsAsTheirTextAndContainersAsEmpty() {
        assertThat(ZkJson.decodeClusterId(PATH, json("{'id':12}"))).isEqualTo("12");
        assertThat(ZkJson.decodeClusterId(PATH, json("{'id':-9223372036854775809}"))).isEqualTo("-9223372036854775809");
        assertThat(ZkJson.decodeClusterId(PATH, json("{'id':1.50}"))).isEqualTo("1.5");
        assertThat(ZkJson.decodeClusterId(PATH, json("{'id':1e3}"))).isEqualTo("1000.0");
        assertThat(ZkJson.decodeClusterId(PATH, json("{'id':true}"))).isEqualTo("true");
        assertThat(ZkJson.decodeClusterId(PATH, json("{'id':{'a':1}}"))).isEmpty();
        assertThat(ZkJson.decodeClusterId(PATH, json("{'id':[1]}"))).isEmpty();
        rejects(data -> ZkJson.decodeClusterId(PATH, data), json("{'id':null}")).hasMessageContaining("lacks field 'id'");
        rejects(data -> ZkJson.decodeClusterId(PATH, data), json("{'ID':'a'}")).hasMessageContaining("lacks field 'id'");
    }

    @Test
    void integerFieldsTakeJsonIntegersInIntRangeOnly() {
        Function<String, Integer> controller = brokerid -> ZkJson.decodeControllerId(PATH,
            json("{'version':1,'brokerid':" + brokerid + ",'timestamp':'1'}"));
        assertThat(controller.apply("3")).isEqualTo(3);
        assertThat(controller.apply("-2147483648")).isEqualTo(Integer.MIN_VALUE);
        assertThat(controller.apply("2147483647")).isEqualTo(Integer.MAX_VALUE);
        for (String notAnInt : List.of("'3'", "1.9", "-1.9", "2147483647.0", "2e3", "2147483648", "-2147483649",
                "2147483647.5", "1e10", "true", "null", "[3]", "{}")) {
            rejects(data -> controller.apply(notAnInt), null).hasMessageContaining("lacks integer field 'brokerid'");
        }
        rejects(data -> ZkJson.decodeControllerId(PATH, data), json("{'version':1}"))
            .hasMessageContaining("lacks integer field 'brokerid'");
    }

    @Test
    void partitionStateNeedsLeaderEpochsButNotIsr() {
        Function<byte[], ?> state = data -> ZkJson.decodePartitionState(PATH, data, 0);
        assertThat(ZkJson.decodePartitionState(PATH, json("{'leader':1,'leader_epoch':2,'controller_epoch':3}"), 5))
            .isEqualTo(new LeaderAndIsr(1, 2, List.of(), 3, 5));
        rejects(state, json("{'leader_epoch':2,'controller_epoch':3}")).hasMessageContaining("'leader'");
        rejects(state, json("{'leader':'1','leader_epoch':2,'controller_epoch':3}")).hasMessageContaining("'leader'");
        rejects(state, json("{'leader':1.0,'leader_epoch':2,'controller_epoch':3}")).hasMessageContaining("'leader'");
        rejects(state, json("{'leader':1,'leader_epoch':2147483648,'controller_epoch':3}"))
            .hasMessageContaining("'leader_epoch'");
        rejects(state, json("{'leader':1,'controller_epoch':3}")).hasMessageContaining("'leader_epoch'");
        rejects(state, json("{'leader':1,'leader_epoch':2,'controller_epoch':null}"))
            .hasMessageContaining("'controller_epoch'");
        rejects(state, json("{}")).hasMessageContaining("lacks integer field 'leader'");
    }

    @Test
    void replicaListsAreArraysOfIntegers() {
        assertThat(isr("[2,0,1]")).containsExactly(2, 0, 1);
        assertThat(isr("[-1,2147483647]")).containsExactly(-1, Integer.MAX_VALUE);
        assertThat(isr("[]")).isEmpty();
        assertThat(isr("null")).isEmpty();
        assertThat(ZkJson.decodePartitionState(PATH, json("{'leader':1,'leader_epoch':0,'controller_epoch':1}"), 0)
            .isr()).isEmpty();
        for (String element : List.of("'1'", "'x'", "''", "1.9", "1.0", "1e2", "4294967297", "true", "null", "[7]",
            "{'a':7}")) {
            rejects(data -> isr("[0," + element + "]"), null).hasMessageContaining("replica id that is not an integer");
        }
        for (String notArray : List.of("3", "'1,2'", "{'x':5}", "true")) {
            rejects(data -> isr(notArray), null).hasMessageContaining("replica list that is not an array");
        }
    }

    @Test
    void topicPartitionsAreKeyedByDecimalPartitionIds() {
        assertThat(partitions("{'0':[1,2],'+1':[3],'10':[]}"))
            .isEqualTo(Map.of(0, List.of(1, 2), 1, List.of(3), 10, List.of()));
        assertThat(partitions("{'0':[1],'00':[2]}")).isEqualTo(Map.of(0, List.of(2)));
        assertThat(partitions("null")).isEmpty();
        assertThat(ZkJson.decodeTopic(PATH, "t", json("{'topic_id':'" + TOPIC_ID + "'}"), 0).partitions()).isEmpty();
        Function<byte[], ?> topic = data -> ZkJson.decodeTopic(PATH, "t", data, 0);
        rejects(topic, topicWith("'partitions':{'0':['3']}"))
            .hasMessageContaining("replica id that is not an integer: 3");
        rejects(topic, topicWith("'partitions':{'0':[1],'1':[2.0]}"))
            .hasMessageContaining("replica id that is not an integer: 2.0");
        rejects(topic, topicWith("'partitions':{'0':[1]},'removing_replicas':{'0':'1'}"))
            .hasMessageContaining("replica list that is not an array: 1");
        for (String notObject : List.of("[[1]]", "'0:1'", "7")) {
            rejects(topic, topicWith("'partitions':" + notObject))
                .hasMessageContaining("replica assignment that is not an object");
        }
        rejects(topic, topicWith("'partitions':{},'adding_replicas':[]"))
            .hasMessageContaining("replica assignment that is not an object");
        rejects(topic, topicWith("'partitions':{'x':[1]}"))
            .hasMessageContaining("non-numeric partition 'x'");
        rejects(topic, topicWith("'partitions':{'0':[1]},'adding_replicas':{' 0':[1]}"))
            .hasMessageContaining("non-numeric partition ' 0'");
    }

    @Test
    void topicNeedsAValidTopicIdAndReadsReassignments() {
        TopicAssignment topic = ZkJson.decodeTopic(PATH, "t", json("{'version':3,'topic_id':'" + TOPIC_ID + "',"
            + "'partitions':{'0':[3,1,2]},'adding_replicas':{'0':[3]},'removing_replicas':{'0':[2]}}"), 4);
        assertThat(topic).isEqualTo(new TopicAssignment("t", TOPIC_ID, Map.of(0, List.of(3, 1, 2)),
            Map.of(0, List.of(3)), Map.of(0, List.of(2)), 4));
        Function<byte[], ?> decode = data -> ZkJson.decodeTopic(PATH, "t", data, 0);
        rejects(decode, json("{'topic_id':'nope','partitions':{}}")).hasMessageContaining("malformed topic_id 'nope'");
        rejects(decode, json("{'topic_id':17,'partitions':{}}")).hasMessageContaining("malformed topic_id '17'");
        rejects(decode, json("{'topic_id':null,'partitions':{}}")).hasMessageContaining("lacks field 'topic_id'");
    }

    @Test
    void brokerFallsBackToTheListenerNameAsProtocol() {
        assertThat(broker("{'endpoints':['SSL://h:1','X://h:2','Y://h:3','Z://h:4'],"
            + "'listener_security_protocol_map':{'X':null,'Y':5,'Z':{}}}").endpoints()).containsExactly(
            new EndpointInfo("SSL", "SSL", "h", 1), new EndpointInfo("X", "X", "h", 2),
            new EndpointInfo("Y", "5", "h", 3), new EndpointInfo("Z", "", "h", 4));
        assertThat(broker("{'endpoints':['A://h:1'],'listener_security_protocol_map':['A']}").endpoints())
            .containsExactly(new EndpointInfo("A", "A", "h", 1));
    }

    @Test
    void brokerEndpointsAndRackAreLenientAboutShape() {
        assertThat(broker("{}")).isEqualTo(new BrokerRegistration(1, List.of(), Optional.empty()));
        assertThat(broker("{'endpoints':'PLAINTEXT://h:1','rack':null}"))
            .isEqualTo(new BrokerRegistration(1, List.of(), Optional.empty()));
        assertThat(broker("{'endpoints':{'a':'PLAINTEXT://h:1'},'rack':7}")).isEqualTo(new BrokerRegistration(1,
            List.of(new EndpointInfo("PLAINTEXT", "PLAINTEXT", "h", 1)), Optional.of("7")));
        assertThat(broker("{'endpoints':['L://[fe80::1]:-1'],'rack':{}}")).isEqualTo(new BrokerRegistration(1,
            List.of(new EndpointInfo("L", "L", "fe80::1", -1)), Optional.of("")));
        Function<byte[], ?> decode = data -> ZkJson.decodeBroker(PATH, 1, data);
        rejects(decode, json("{'endpoints':['h:1']}")).hasMessage("malformed endpoint 'h:1' in " + PATH);
        rejects(decode, json("{'endpoints':[null]}")).hasMessage("malformed endpoint 'null' in " + PATH);
        rejects(decode, json("{'endpoints':[9092]}")).hasMessage("malformed endpoint '9092' in " + PATH);
        rejects(decode, json("{'endpoints':[['P://h:1']]}")).hasMessage("malformed endpoint '' in " + PATH);
        rejects(decode, json("{'endpoints':['P://h:2147483648']}"))
            .hasMessage("malformed endpoint 'P://h:2147483648' in " + PATH);
    }

    @Test
    void configValuesAreTextOrNull() {
        Map<String, String> expected = new HashMap<>();
        expected.put("s", "x");
        expected.put("i", "86400000");
        expected.put("d", "0.5");
        expected.put("b", "false");
        expected.put("n", null);
        expected.put("o", "");
        expected.put("a", "");
        assertThat(config("{'version':1,'config':{'s':'x','i':86400000,'d':5e-1,'b':false,'n':null,'o':{'x':1},'a':[1]}}"))
            .isEqualTo(expected).containsOnlyKeys("a", "b", "d", "i", "n", "o", "s");
        assertThat(config("{'version':1}")).isEmpty();
        assertThat(config("{'version':1,'config':['a']}")).isEmpty();
        assertThat(config("{'version':1,'config':'a=b'}")).isEmpty();
        rejects(data -> ZkJson.decodeConfig(PATH, data), json("  ")).hasMessageContaining("does not hold a JSON object");
        rejects(data -> ZkJson.decodeConfig(PATH, data), json("{'config':{}")).hasMessageContaining("malformed JSON");
    }

    @Test
    void producerIdBlockBoundsMayBeStringsOrNumbers() {
        assertThat(ZkJson.decodeProducerIdBlock(PATH, json("{'version':1,'broker':7,'block_start':'0','block_end':'999'}")))
            .isEqualTo(new ProducerIdBlock(7, 0, 1000));
        assertThat(ZkJson.decodeProducerIdBlock(PATH, json("{'broker':7,'block_start':9000000000,'block_end':9000000009}")))
            .isEqualTo(new ProducerIdBlock(7, 9_000_000_000L, 10));
        Function<byte[], ?> decode = data -> ZkJson.decodeProducerIdBlock(PATH, data);
        rejects(decode, json("{'broker':7,'block_start':'x','block_end':'9'}")).hasMessageContaining("malformed producer id block");
        rejects(decode, json("{'broker':7,'block_start':0.0,'block_end':9}")).hasMessageContaining("malformed producer id block");
        rejects(decode, json("{'broker':7,'block_start':0,'block_end':4294967296}"))
            .hasMessageContaining("malformed producer id block");
        rejects(decode, json("{'broker':7,'block_end':9}")).hasMessageContaining("lacks field 'block_start'");
        rejects(decode, json("{'broker':7,'block_start':'x'}")).hasMessageContaining("malformed producer id block");
        rejects(decode, json("{'broker':7,'block_start':10,'block_end':9}")).hasMessageContaining("malformed producer id block");
        rejects(decode, json("{'broker':7,'block_start':-5,'block_end':9}")).hasMessageContaining("malformed producer id block");
        rejects(decode, json("{'broker':'7','block_start':0,'block_end':9}")).hasMessageContaining("lacks integer field 'broker'");
    }

    @Test
    void isrChangeNotificationEntriesNeedTopicAndPartition() {
        Function<String, Set<TopicPartition>> decode = partitions -> ZkJson.decodeIsrChangeNotification(PATH,
            json("{'version':1,'partitions':" + partitions + "}"));
        assertThat(decode.apply("[{'topic':'a','partition':1},{'topic':5,'partition':2,'x':0},{'topic':'a','partition':1}]"))
            .containsExactlyInAnyOrder(new TopicPartition("a", 1), new TopicPartition("5", 2));
        assertThat(decode.apply("{'x':{'topic':'a','partition':1}}")).containsExactly(new TopicPartition("a", 1));
        assertThat(decode.apply("null")).isEmpty();
        assertThat(ZkJson.decodeIsrChangeNotification(PATH, json("{'version':1}"))).isEmpty();
        for (String bad : List.of("[['a',1]]", "['a']", "[{'partition':1}]", "[{'topic':null,'partition':1}]")) {
            rejects(data -> decode.apply(bad), null).hasMessageContaining("lacks field 'topic'");
        }
        for (String bad : List.of("'1'", "2.5", "1.0")) {
            rejects(data -> decode.apply("[{'topic':'a','partition':" + bad + "}]"), null)
                .hasMessageContaining("lacks integer field 'partition'");
        }
    }

    /** Every proper prefix of a valid payload (a znode write cut short) is rejected with the path. */
    @Test
    void everyTruncationOfAValidPayloadIsRejected() {
        BrokerRegistration b = new BrokerRegistration(1, List.of(new EndpointInfo("PLAINTEXT", "PLAINTEXT", "::1", 9)),
            Optional.of("r"));
        Map<byte[], Function<byte[], ?>> payloads = Map.of(
            ZkJson.encodeClusterId("c"), data -> ZkJson.decodeClusterId(PATH, data),
            ZkJson.encodeBroker(b, 1), data -> ZkJson.decodeBroker(PATH, 1, data),
            ZkJson.encodeTopic(TOPIC_ID, Map.of(0, List.of(1, 2))), data -> ZkJson.decodeTopic(PATH, "t", data, 0),
            ZkJson.encodePartitionState(new LeaderAndIsr(1, 2, List.of(1), 3, 0)),
            data -> ZkJson.decodePartitionState(PATH, data, 0),
            ZkJson.encodeConfig(Map.of("k", "v")), data -> ZkJson.decodeConfig(PATH, data),
            ZkJson.encodeProducerIdBlock(new ProducerIdBlock(1, 0, 10)), data -> ZkJson.decodeProducerIdBlock(PATH, data),
            ZkJson.encodeController(1, 2), data -> ZkJson.decodeControllerId(PATH, data),
            ZkJson.encodeIsrChangeNotification(Set.of(new TopicPartition("t", 0))),
            data -> ZkJson.decodeIsrChangeNotification(PATH, data));
        payloads.forEach((payload, decoder) -> {
            assertThat(decoder.apply(payload)).isNotNull();
            for (int length = 1; length < payload.length; length++) {
                rejects(decoder, Arrays.copyOf(payload, length));
            }
        });
    }
}
