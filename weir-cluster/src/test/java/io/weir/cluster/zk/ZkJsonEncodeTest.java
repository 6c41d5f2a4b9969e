package io.weir.cluster.zk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/**
 * The exact bytes of every znode encoder: field order, numbers versus strings, nulls, escaping.
 * Expected JSON is written with single quotes for readability; {@link #json} turns them into
 * double quotes.
 */
class ZkJsonEncodeTest {

    private static final Uuid TOPIC_ID = new Uuid(0x0123456789abcdefL, 0x7edcba9876543210L);

    private static byte[] json(String singleQuoted) {
        return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    private static void assertEncodes(byte[] actual, byte[] expected) {
        assertThat(new String(actual, StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void clusterIdHasAStringVersion() {
        assertEncodes(ZkJson.encodeClusterId("guubg9QuTSi3Q3Y41cYONg"),
            json("{'version':'1','id':'guubg9QuTSi3Q3Y41cYONg'}"));
    }

    @Test
    void brokerTakesTopLevelHostAndPortFromTheFirstPlaintextEndpoint() {
        BrokerRegistration broker = new BrokerRegistration(1, List.of(
            new EndpointInfo("INTERNAL", "SSL", "10.0.0.1", 9093),
            new EndpointInfo("PLAINTEXT", "PLAINTEXT", "kafka-1", 9092),
            new EndpointInfo("OTHER", "PLAINTEXT", "kafka-2", 9094)), Optional.of("rack-a"));

        assertEncodes(ZkJson.encodeBroker(broker, 1_700_000_000_000L), json("{'version':5,'host':'kafka-1','port':9092,"
            + "'endpoints':['INTERNAL://10.0.0.1:9093','PLAINTEXT://kafka-1:9092','OTHER://kafka-2:9094'],"
            + "'listener_security_protocol_map':{'INTERNAL':'SSL','PLAINTEXT':'PLAINTEXT','OTHER':'PLAINTEXT'},"
            + "'jmx_port':-1,'rack':'rack-a','timestamp':'1700000000000','features':{}}"));
    }

    @Test
    void brokerWithoutPlaintextHasANullHostAndNoRackField() {
        BrokerRegistration broker = new BrokerRegistration(3, List.of(new EndpointInfo("S", "SSL", "::1", 9)),
            Optional.empty());

        assertEncodes(ZkJson.encodeBroker(broker, 42), json("{'version':5,'host':null,'port':-1,'endpoints':['S://[::1]:9'],"
            + "'listener_security_protocol_map':{'S':'SSL'},'jmx_port':-1,'timestamp':'42','features':{}}"));
    }

    @Test
    void brokerWithoutEndpointsHasEmptyListAndMap() {
        assertEncodes(ZkJson.encodeBroker(new BrokerRegistration(0, List.of(), Optional.empty()), 0),
            json("{'version':5,'host':null,'port':-1,'endpoints':[],'listener_security_protocol_map':{},"
                + "'jmx_port':-1,'timestamp':'0','features':{}}"));
    }

    @Test
    void aRepeatedListenerNameAppearsOnceInTheProtocolMapWithItsLastProtocol() {
        BrokerRegistration broker = new BrokerRegistration(0, List.of(
            new EndpointInfo("A", "SSL", "h", 1),
            new EndpointInfo("B", "PLAINTEXT", "h", 2),
            new EndpointInfo("A", "SASL_SSL", "h", 3)), Optional.empty());

        assertEncodes(ZkJson.encodeBroker(broker, 5), json("{'version':5,'host':'h','port':2,"
            + "'endpoints':['A://h:1','B://h:2','A://h:3'],'listener_security_protocol_map':{'A':'SASL_SSL','B':'PLAINTEXT'},"
            + "'jmx_port':-1,'timestamp':'5','features':{}}"));
    }

    @Test
    void topicListsPartitionsInNumericOrderWithEmptyReassignmentMaps() {
        Map<Integer, List<Integer>> partitions = new LinkedHashMap<>();
        partitions.put(10, List.of(1));
        partitions.put(2, List.of());
        partitions.put(0, List.of(3, 1, 2));

        assertEncodes(ZkJson.encodeTopic(TOPIC_ID, partitions), json("{'version':3,'topic_id':'" + TOPIC_ID + "',"
            + "'partitions':{'0':[3,1,2],'2':[],'10':[1]},'adding_replicas':{},'removing_replicas':{}}"));
    }

    @Test
    void topicWithAReassignmentListsOnlyTheMovingPartitions() {
        TopicAssignment moving = new TopicAssignment("t", TOPIC_ID, Map.of(0, List.of(1), 1, List.of(4, 2, 3)),
            Map.of(1, List.of(4)), Map.of(1, List.of(3)), 7);

        assertEncodes(ZkJson.encodeTopic(moving), json("{'version':3,'topic_id':'" + TOPIC_ID + "',"
            + "'partitions':{'0':[1],'1':[4,2,3]},'adding_replicas':{'1':[4]},'removing_replicas':{'1':[3]}}"));
    }

    @Test
    void partitionStateHasKafkasFieldOrder() {
        assertEncodes(ZkJson.encodePartitionState(new LeaderAndIsr(2, 7, List.of(2, 0, 1), 3, 9)),
            json("{'controller_epoch':3,'leader':2,'version':1,'leader_epoch':7,'isr':[2,0,1]}"));
        assertEncodes(ZkJson.encodePartitionState(new LeaderAndIsr(LeaderAndIsr.NO_LEADER, 0, List.of(), 0, 0)),
            json("{'controller_epoch':0,'leader':-1,'version':1,'leader_epoch':0,'isr':[]}"));
        assertEncodes(ZkJson.encodePartitionState(new LeaderAndIsr(Integer.MAX_VALUE, Integer.MIN_VALUE,
                List.of(Integer.MIN_VALUE), Integer.MAX_VALUE, 0)),
            json("{'controller_epoch':2147483647,'leader':2147483647,'version':1,'leader_epoch':-2147483648,"
                + "'isr':[-2147483648]}"));
    }

    @Test
    void configSortsKeysAndWritesNullValuesAsNull() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("retention.ms", "86400000");
        configs.put("cleanup.policy", "compact");
        configs.put("unset", null);

        assertEncodes(ZkJson.encodeConfig(configs),
            json("{'version':1,'config':{'cleanup.policy':'compact','retention.ms':'86400000','unset':null}}"));
        assertEncodes(ZkJson.encodeConfig(Map.of()), json("{'version':1,'config':{}}"));
    }

    @Test
    void stringsAreEscapedAsJacksonDoesWithRawUtf8ExceptOutsideTheBmp() {
        Map<String, String> configs = new TreeMap<>();
        configs.put("a", "quote\" backslash\\ slash/ <>&'");
        configs.put("b", "nl\n tab\t cr\r bs\b ff\f nul\u0000 us\u001f del\u007f");
        configs.put("c", "é ß € \u2028 \ud83d\ude00");
        configs.put("k\"\n", "v");

        String expected = "{\"version\":1,\"config\":{"
            + "\"a\":\"quote\\\" backslash\\\\ slash/ <>&'\","
            + "\"b\":\"nl\\n tab\\t cr\\r bs\\b ff\\f nul\\u0000 us\\u001F del\u007f\","
            + "\"c\":\"é ß € \u2028 \\uD83D\\uDE00\","
            + "\"k\\\"\\n\":\"v\"}}";
        assertEncodes(ZkJson.encodeConfig(configs), expected.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void producerIdBlockBoundsAreStrings() {
        assertEncodes(ZkJson.encodeProducerIdBlock(new ProducerIdBlock(7, 0, 1000)),
            json("{'version':1,'broker':7,'block_start':'0','block_end':'999'}"));
        assertEncodes(ZkJson.encodeProducerIdBlock(new ProducerIdBlock(-1, 9_000_000_000L, 1)),
            json("{'version':1,'broker':-1,'block_start':'9000000000','block_end':'9000000000'}"));
    }

    @Test
    void controllerHasAStringTimestamp() {
        assertEncodes(ZkJson.encodeController(2, 1_700_000_000_123L),
            json("{'version':1,'brokerid':2,'timestamp':'1700000000123'}"));
    }

    @Test
    void controllerEpochIsAPlainInteger() {
        assertEncodes(ZkJson.encodeControllerEpoch(12), json("12"));
        assertEncodes(ZkJson.encodeControllerEpoch(-1), json("-1"));
    }

    @Test
    void isrChangeNotificationListsPartitionsInTheSetsOrder() {
        Set<TopicPartition> partitions = new LinkedHashSet<>(List.of(new TopicPartition("b", 3),
            new TopicPartition("a", 0), new TopicPartition("a.é", 12)));

        assertEncodes(ZkJson.encodeIsrChangeNotification(partitions), json("{'version':1,'partitions':["
            + "{'topic':'b','partition':3},{'topic':'a','partition':0},{'topic':'a.é','partition':12}]}"));
        assertEncodes(ZkJson.encodeIsrChangeNotification(Set.of()), json("{'version':1,'partitions':[]}"));
    }
}
