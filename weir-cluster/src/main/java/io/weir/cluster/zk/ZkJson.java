package io.weir.cluster.zk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Encodes and decodes the JSON payloads of Kafka's znodes, in the shapes ZooKeeper-mode Kafka
 * 3.x writes (docs/zookeeper.md lists them). Decoders take the znode path for their error
 * messages and throw {@link ZkStoreException} on malformed data. Stateless and thread-safe.
 *
 * <p>Written on jackson-core's streaming generator and parser only: jackson-databind would be
 * the broker's only user of its ~330 classes (about 6 MiB more resident memory). Decoded values
 * go through {@link JsonTree}, which keeps the lenient conversions these decoders had on
 * databind's tree model. The generator writes a null {@code String} as JSON null.
 */
public final class ZkJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final Pattern ENDPOINT = Pattern.compile("^(.+)://\\[?([^\\[\\]]*?)\\]?:(-?[0-9]+)$");

    private ZkJson() {
    }

    /** {@code {"version":"1","id":"..."}}; the version is a string in Kafka's format. */
    public static byte[] encodeClusterId(String id) {
        return object(g -> {
            g.writeStringField("version", "1");
            g.writeStringField("id", id);
        });
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
        // A repeated listener name keeps its first place with its last protocol, as it always had.
        Map<String, String> protocols = new LinkedHashMap<>();
        broker.endpoints().forEach(e -> protocols.put(e.listenerName(), e.securityProtocol()));
        return object(g -> {
            g.writeNumberField("version", 5);
            g.writeStringField("host", plaintext.map(EndpointInfo::host).orElse(null));
            g.writeNumberField("port", plaintext.map(EndpointInfo::port).orElse(-1));
            g.writeArrayFieldStart("endpoints");
            for (EndpointInfo e : broker.endpoints()) {
                g.writeString(e.connectionString());
            }
            g.writeEndArray();
            writeStringMap(g, "listener_security_protocol_map", protocols);
            g.writeNumberField("jmx_port", -1);
            if (broker.rack().isPresent()) {
                g.writeStringField("rack", broker.rack().get());
            }
            g.writeStringField("timestamp", Long.toString(timestampMs));
            g.writeObjectFieldStart("features");
            g.writeEndObject();
        });
    }

    public static BrokerRegistration decodeBroker(String path, int id, byte[] data) {
        Map<String, Object> node = parse(path, data);
        Map<String, Object> protocols = JsonTree.members(node.get("listener_security_protocol_map"));
        List<EndpointInfo> endpoints = new ArrayList<>();
        for (Object e : JsonTree.elements(node.get("endpoints"))) {
            String connection = JsonTree.asText(e);
            Matcher m = ENDPOINT.matcher(connection);
            if (!m.matches()) {
                throw new ZkStoreException("malformed endpoint '" + connection + "' in " + path);
            }
            String listener = m.group(1);
            String protocol = Optional.ofNullable(protocols.get(listener)).map(JsonTree::asText).orElse(listener);
            endpoints.add(new EndpointInfo(listener, protocol, m.group(2), port(path, connection, m.group(3))));
        }
        return new BrokerRegistration(id, endpoints, Optional.ofNullable(node.get("rack")).map(JsonTree::asText));
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
        return object(g -> {
            g.writeNumberField("version", 3);
            g.writeStringField("topic_id", assignment.topicId().toString());
            writeReplicaMap(g, "partitions", assignment.partitions());
            writeReplicaMap(g, "adding_replicas", assignment.addingReplicas());
            writeReplicaMap(g, "removing_replicas", assignment.removingReplicas());
        });
    }

    private static void writeReplicaMap(JsonGenerator g, String name, Map<Integer, List<Integer>> replicasByPartition)
        throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<Integer, List<Integer>> e : new TreeMap<>(replicasByPartition).entrySet()) {
            g.writeFieldName(Integer.toString(e.getKey()));
            writeInts(g, e.getValue());
        }
        g.writeEndObject();
    }

    /** Reads versions 1 to 3; the reassignment maps are empty when absent (versions before 2). */
    public static TopicAssignment decodeTopic(String path, String topic, byte[] data, int zkVersion) {
        Map<String, Object> node = parse(path, data);
        String id = text(path, node, "topic_id");
        Map<Integer, List<Integer>> partitions = replicaMap(path, node.get("partitions"));
        Map<Integer, List<Integer>> adding = replicaMap(path, node.get("adding_replicas"));
        Map<Integer, List<Integer>> removing = replicaMap(path, node.get("removing_replicas"));
        try {
            return new TopicAssignment(topic, Uuid.fromString(id), partitions, adding, removing, zkVersion);
        } catch (IllegalArgumentException e) {
            throw new ZkStoreException("malformed topic_id '" + id + "' in " + path, e);
        }
    }

    /** Partition id -> replica list; absent or null is empty, any other non-object is rejected. */
    private static Map<Integer, List<Integer>> replicaMap(String path, Object object) {
        if (object != null && !(object instanceof Map)) {
            throw new ZkStoreException("znode " + path + " has a replica assignment that is not an object: "
                + JsonTree.asText(object));
        }
        Map<Integer, List<Integer>> replicas = new HashMap<>();
        for (Map.Entry<String, Object> e : JsonTree.members(object).entrySet()) {
            replicas.put(parseInt(path, e.getKey()), ints(path, e.getValue()));
        }
        return replicas;
    }

    /** {@code {"controller_epoch":..,"leader":..,"version":1,"leader_epoch":..,"isr":[..]}}. */
    public static byte[] encodePartitionState(LeaderAndIsr state) {
        return object(g -> {
            g.writeNumberField("controller_epoch", state.controllerEpoch());
            g.writeNumberField("leader", state.leader());
            g.writeNumberField("version", 1);
            g.writeNumberField("leader_epoch", state.leaderEpoch());
            g.writeFieldName("isr");
            writeInts(g, state.isr());
        });
    }

    public static LeaderAndIsr decodePartitionState(String path, byte[] data, int zkVersion) {
        Map<String, Object> node = parse(path, data);
        return new LeaderAndIsr(integer(path, node, "leader"), integer(path, node, "leader_epoch"),
            ints(path, node.get("isr")), integer(path, node, "controller_epoch"), zkVersion);
    }

    /** A config entity ({@code /config/topics/<t>}, {@code /config/brokers/<id>}): {@code {"version":1,"config":{..}}}. */
    public static byte[] encodeConfig(Map<String, String> configs) {
        return object(g -> {
            g.writeNumberField("version", 1);
            writeStringMap(g, "config", new TreeMap<>(configs));
        });
    }

    /** An empty or missing payload decodes to no configs, as in Kafka. */
    public static Map<String, String> decodeConfig(String path, byte[] data) {
        Map<String, String> configs = new TreeMap<>();
        if (data == null || data.length == 0) {
            return configs;
        }
        for (Map.Entry<String, Object> e : JsonTree.members(parse(path, data).get("config")).entrySet()) {
            configs.put(e.getKey(), e.getValue() == null ? null : JsonTree.asText(e.getValue()));
        }
        return configs;
    }

    /** {@code {"version":1,"broker":0,"block_start":"0","block_end":"999"}}; the bounds are strings. */
    public static byte[] encodeProducerIdBlock(ProducerIdBlock block) {
        return object(g -> {
            g.writeNumberField("version", 1);
            g.writeNumberField("broker", block.brokerId());
            g.writeStringField("block_start", Long.toString(block.firstProducerId()));
            g.writeStringField("block_end", Long.toString(block.lastProducerId()));
        });
    }

    public static ProducerIdBlock decodeProducerIdBlock(String path, byte[] data) {
        Map<String, Object> node = parse(path, data);
        try {
            long start = Long.parseLong(text(path, node, "block_start"));
            long end = Long.parseLong(text(path, node, "block_end"));
            return new ProducerIdBlock(integer(path, node, "broker"), start, Math.toIntExact(end - start + 1));
        } catch (IllegalArgumentException | ArithmeticException e) { // NumberFormatException, a bad block
            throw new ZkStoreException("malformed producer id block in " + path + ": " + utf8(data), e);
        }
    }

    /** The ephemeral {@code /controller}: {@code {"version":1,"brokerid":1,"timestamp":"<ms>"}}. */
    public static byte[] encodeController(int brokerId, long timestampMs) {
        return object(g -> {
            g.writeNumberField("version", 1);
            g.writeNumberField("brokerid", brokerId);
            g.writeStringField("timestamp", Long.toString(timestampMs));
        });
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
        return object(g -> {
            g.writeNumberField("version", 1);
            g.writeArrayFieldStart("partitions");
            for (TopicPartition tp : partitions) {
                g.writeStartObject();
                g.writeStringField("topic", tp.topic());
                g.writeNumberField("partition", tp.partition());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    public static Set<TopicPartition> decodeIsrChangeNotification(String path, byte[] data) {
        Set<TopicPartition> partitions = new HashSet<>();
        for (Object e : JsonTree.elements(parse(path, data).get("partitions"))) {
            Map<String, Object> entry = JsonTree.members(e);
            partitions.add(new TopicPartition(text(path, entry, "topic"), integer(path, entry, "partition")));
        }
        return partitions;
    }

    /** The root object of a znode's payload; what follows it is ignored. */
    private static Map<String, Object> parse(String path, byte[] data) {
        if (data == null || data.length == 0) {
            throw new ZkStoreException("znode " + path + " has no data");
        }
        try (JsonParser p = FACTORY.createParser(data)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                return JsonTree.readObject(p);
            }
            if (first != null) {
                JsonTree.read(p); // a malformed root value is malformed JSON rather than "not an object"
            }
        } catch (IOException e) {
            throw new ZkStoreException("znode " + path + " holds malformed JSON: " + utf8(data), e);
        }
        throw new ZkStoreException("znode " + path + " does not hold a JSON object: " + utf8(data));
    }

    /** A field's text (a number or boolean as written); the field must be present and not null. */
    private static String text(String path, Map<String, Object> object, String field) {
        Object value = object.get(field);
        if (value == null) {
            throw new ZkStoreException("znode " + path + " lacks field '" + field + "'");
        }
        return JsonTree.asText(value);
    }

    /** A field holding a JSON integer within int range (as Kafka's {@code DecodeJson} reads an Int). */
    private static int integer(String path, Map<String, Object> object, String field) {
        if (!(object.get(field) instanceof Integer value)) {
            throw new ZkStoreException("znode " + path + " lacks integer field '" + field + "'");
        }
        return value;
    }

    private static int port(String path, String endpoint, String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new ZkStoreException("malformed endpoint '" + endpoint + "' in " + path, e);
        }
    }

    private static int parseInt(String path, String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new ZkStoreException("znode " + path + " has a non-numeric partition '" + s + "'", e);
        }
    }

    /**
     * A replica or ISR list: a JSON array of integers within int range; absent or null is empty.
     * Anything else is rejected, as Kafka rejects it: read leniently, {@code "x"} or {@code 1.5}
     * would name a broker that was never assigned.
     */
    private static List<Integer> ints(String path, Object array) {
        if (array == null) {
            return List.of();
        }
        if (!(array instanceof List<?> elements)) {
            throw new ZkStoreException("znode " + path + " has a replica list that is not an array: "
                + JsonTree.asText(array));
        }
        List<Integer> ids = new ArrayList<>(elements.size());
        for (Object e : elements) {
            if (!(e instanceof Integer id)) {
                throw new ZkStoreException("znode " + path + " has a replica id that is not an integer: " + e);
            }
            ids.add(id);
        }
        return ids;
    }

    private static void writeInts(JsonGenerator g, List<Integer> ints) throws IOException {
        g.writeStartArray();
        for (int i : ints) {
            g.writeNumber(i);
        }
        g.writeEndArray();
    }

    private static void writeStringMap(JsonGenerator g, String name, Map<String, String> map) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> e : map.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    /** The members written between '{' and '}'. */
    @FunctionalInterface
    private interface Members {
        void write(JsonGenerator g) throws IOException;
    }

    /** A JSON object as UTF-8 bytes. */
    private static byte[] object(Members members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            members.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        return out.toByteArray();
    }

    private static String utf8(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }
}
