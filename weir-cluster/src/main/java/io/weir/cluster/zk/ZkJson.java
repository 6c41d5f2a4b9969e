package io.weir.cluster.zk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Encodes and decodes the JSON payloads of Kafka's znodes, in the shapes ZooKeeper-mode Kafka
 * 3.x writes (docs/zookeeper.md lists them). Decoders take the znode path for their error
 * messages and throw {@link ZkStoreException} on malformed data. Stateless and thread-safe.
 */
public final class ZkJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern ENDPOINT = Pattern.compile("^(.+)://\\[?([^\\[\\]]*?)\\]?:(-?[0-9]+)$");

    private ZkJson() {
    }

    /** {@code {"version":"1","id":"..."}}; the version is a string in Kafka's format. */
    public static byte[] encodeClusterId(String id) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("version", "1");
        node.put("id", id);
        return bytes(node);
    }

    public static String decodeClusterId(String path, byte[] data) {
        return text(path, parse(path, data), "id");
    }

    /**
     * Kafka's version 5 broker registration. The top-level host and port are the first PLAINTEXT
     * endpoint's (null and -1 without one), for old clients; timestamp is a string.
     */
    public static byte[] encodeBroker(BrokerRegistration broker, long timestampMs) {
        Optional<EndpointInfo> plaintext = broker.endpoints().stream()
            .filter(e -> e.securityProtocol().equals("PLAINTEXT")).findFirst();
        ObjectNode node = MAPPER.createObjectNode();
        node.put("version", 5);
        node.put("host", plaintext.map(EndpointInfo::host).orElse(null));
        node.put("port", plaintext.map(EndpointInfo::port).orElse(-1));
        ArrayNode endpoints = node.putArray("endpoints");
        ObjectNode protocols = node.putObject("listener_security_protocol_map");
        for (EndpointInfo e : broker.endpoints()) {
            endpoints.add(e.connectionString());
            protocols.put(e.listenerName(), e.securityProtocol());
        }
        node.put("jmx_port", -1);
        broker.rack().ifPresent(rack -> node.put("rack", rack));
        node.put("timestamp", Long.toString(timestampMs));
        node.putObject("features");
        return bytes(node);
    }

    public static BrokerRegistration decodeBroker(String path, int id, byte[] data) {
        JsonNode node = parse(path, data);
        JsonNode protocols = node.path("listener_security_protocol_map");
        List<EndpointInfo> endpoints = new ArrayList<>();
        for (JsonNode e : node.path("endpoints")) {
            Matcher m = ENDPOINT.matcher(e.asText());
            if (!m.matches()) {
                throw new ZkStoreException("malformed endpoint '" + e.asText() + "' in " + path);
            }
            String listener = m.group(1);
            String protocol = protocols.path(listener).asText(listener);
            endpoints.add(new EndpointInfo(listener, protocol, m.group(2), Integer.parseInt(m.group(3))));
        }
        JsonNode rack = node.get("rack");
        return new BrokerRegistration(id, endpoints,
            rack == null || rack.isNull() ? Optional.empty() : Optional.of(rack.asText()));
    }

    /** Kafka's version 3 topic znode with no reassignment in progress. */
    public static byte[] encodeTopic(Uuid topicId, Map<Integer, List<Integer>> partitions) {
        return encodeTopic(new TopicAssignment("", topicId, partitions, 0));
    }

    /**
     * Kafka's version 3 topic znode: {@code {"version":3,"topic_id":"..","partitions":{"0":[1,2]},
     * "adding_replicas":{},"removing_replicas":{}}}; the two reassignment maps list only the
     * partitions being reassigned.
     */
    public static byte[] encodeTopic(TopicAssignment assignment) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("version", 3);
        node.put("topic_id", assignment.topicId().toString());
        putReplicaMap(node.putObject("partitions"), assignment.partitions());
        putReplicaMap(node.putObject("adding_replicas"), assignment.addingReplicas());
        putReplicaMap(node.putObject("removing_replicas"), assignment.removingReplicas());
        return bytes(node);
    }

    private static void putReplicaMap(ObjectNode target, Map<Integer, List<Integer>> replicasByPartition) {
        new TreeMap<>(replicasByPartition).forEach((p, replicas) -> {
            ArrayNode array = target.putArray(Integer.toString(p));
            replicas.forEach(array::add);
        });
    }

    /** Reads versions 1 to 3; the reassignment maps are empty when absent (versions before 2). */
    public static TopicAssignment decodeTopic(String path, String topic, byte[] data, int zkVersion) {
        JsonNode node = parse(path, data);
        String id = text(path, node, "topic_id");
        Map<Integer, List<Integer>> partitions = replicaMap(path, node.path("partitions"));
        Map<Integer, List<Integer>> adding = replicaMap(path, node.path("adding_replicas"));
        Map<Integer, List<Integer>> removing = replicaMap(path, node.path("removing_replicas"));
        try {
            return new TopicAssignment(topic, Uuid.fromString(id), partitions, adding, removing, zkVersion);
        } catch (IllegalArgumentException e) {
            throw new ZkStoreException("malformed topic_id '" + id + "' in " + path, e);
        }
    }

    private static Map<Integer, List<Integer>> replicaMap(String path, JsonNode object) {
        Map<Integer, List<Integer>> replicas = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            replicas.put(parseInt(path, e.getKey()), ints(e.getValue()));
        }
        return replicas;
    }

    /** {@code {"controller_epoch":..,"leader":..,"version":1,"leader_epoch":..,"isr":[..]}}. */
    public static byte[] encodePartitionState(LeaderAndIsr state) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("controller_epoch", state.controllerEpoch());
        node.put("leader", state.leader());
        node.put("version", 1);
        node.put("leader_epoch", state.leaderEpoch());
        ArrayNode isr = node.putArray("isr");
        state.isr().forEach(isr::add);
        return bytes(node);
    }

    public static LeaderAndIsr decodePartitionState(String path, byte[] data, int zkVersion) {
        JsonNode node = parse(path, data);
        return new LeaderAndIsr(integer(path, node, "leader"), integer(path, node, "leader_epoch"),
            ints(node.path("isr")), integer(path, node, "controller_epoch"), zkVersion);
    }

    /** A config entity ({@code /config/topics/<t>}, {@code /config/brokers/<id>}): {@code {"version":1,"config":{..}}}. */
    public static byte[] encodeConfig(Map<String, String> configs) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("version", 1);
        ObjectNode config = node.putObject("config");
        new TreeMap<>(configs).forEach(config::put);
        return bytes(node);
    }

    /** An empty or missing payload decodes to no configs, as in Kafka. */
    public static Map<String, String> decodeConfig(String path, byte[] data) {
        Map<String, String> configs = new TreeMap<>();
        if (data == null || data.length == 0) {
            return configs;
        }
        for (Map.Entry<String, JsonNode> e : parse(path, data).path("config").properties()) {
            configs.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
        }
        return configs;
    }

    /** {@code {"version":1,"broker":0,"block_start":"0","block_end":"999"}}; the bounds are strings. */
    public static byte[] encodeProducerIdBlock(ProducerIdBlock block) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("version", 1);
        node.put("broker", block.brokerId());
        node.put("block_start", Long.toString(block.firstProducerId()));
        node.put("block_end", Long.toString(block.lastProducerId()));
        return bytes(node);
    }

    public static ProducerIdBlock decodeProducerIdBlock(String path, byte[] data) {
        JsonNode node = parse(path, data);
        try {
            long start = Long.parseLong(text(path, node, "block_start"));
            long end = Long.parseLong(text(path, node, "block_end"));
            return new ProducerIdBlock(integer(path, node, "broker"), start, Math.toIntExact(end - start + 1));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ZkStoreException("malformed producer id block in " + path + ": " + utf8(data), e);
        }
    }

    /** The ephemeral {@code /controller}: {@code {"version":1,"brokerid":1,"timestamp":"<ms>"}}. */
    public static byte[] encodeController(int brokerId, long timestampMs) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("version", 1);
        node.put("brokerid", brokerId);
        node.put("timestamp", Long.toString(timestampMs));
        return bytes(node);
    }

    /** The controller's broker id in {@code /controller}. */
    public static int decodeControllerId(String path, byte[] data) {
        return integer(path, parse(path, data), "brokerid");
    }

    /** {@code /controller_epoch} holds the epoch as a plain decimal integer, as in Kafka. */
    public static byte[] encodeControllerEpoch(int epoch) {
        return Integer.toString(epoch).getBytes(StandardCharsets.UTF_8);
    }

    public static int decodeControllerEpoch(String path, byte[] data) {
        String text = data == null ? "" : utf8(data).trim();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ZkStoreException("znode " + path + " does not hold an integer: '" + text + "'", e);
        }
    }

    /**
     * An ISR change notification ({@code /isr_change_notification/isr_change_<seq>}):
     * {@code {"version":1,"partitions":[{"topic":"t","partition":0}]}}.
     */
    public static byte[] encodeIsrChangeNotification(Set<TopicPartition> partitions) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("version", 1);
        ArrayNode array = node.putArray("partitions");
        for (TopicPartition tp : partitions) {
            ObjectNode entry = array.addObject();
            entry.put("topic", tp.topic());
            entry.put("partition", tp.partition());
        }
        return bytes(node);
    }

    public static Set<TopicPartition> decodeIsrChangeNotification(String path, byte[] data) {
        Set<TopicPartition> partitions = new HashSet<>();
        for (JsonNode entry : parse(path, data).path("partitions")) {
            partitions.add(new TopicPartition(text(path, entry, "topic"), integer(path, entry, "partition")));
        }
        return partitions;
    }

    static JsonNode parse(String path, byte[] data) {
        if (data == null || data.length == 0) {
            throw new ZkStoreException("znode " + path + " has no data");
        }
        try {
            JsonNode node = MAPPER.readTree(data);
            if (node == null || !node.isObject()) {
                throw new ZkStoreException("znode " + path + " does not hold a JSON object: " + utf8(data));
            }
            return node;
        } catch (IOException e) {
            throw new ZkStoreException("znode " + path + " holds malformed JSON: " + utf8(data), e);
        }
    }

    private static String text(String path, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new ZkStoreException("znode " + path + " lacks field '" + field + "'");
        }
        return value.asText();
    }

    private static int integer(String path, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new ZkStoreException("znode " + path + " lacks integer field '" + field + "'");
        }
        return value.asInt();
    }

    private static int parseInt(String path, String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new ZkStoreException("znode " + path + " has a non-numeric partition '" + s + "'", e);
        }
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> list = new ArrayList<>(array.size());
        array.forEach(n -> list.add(n.asInt()));
        return list;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize " + node, e);
        }
    }

    private static String utf8(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }
}
