package io.weir.tests;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A group member in its own JVM, so a test can kill it with SIGKILL (no LeaveGroup, no close):
 * {@code GroupMemberMain BOOTSTRAP GROUP TOPIC PROTOCOL}. Prints "assigned N" on each change.
 */
public final class GroupMemberMain {

    private GroupMemberMain() {
    }

    public static void main(String[] args) {
        Properties p = new Properties();
        p.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0], ConsumerConfig.GROUP_ID_CONFIG, args[1],
            ConsumerConfig.GROUP_PROTOCOL_CONFIG, args[3], ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class.getName(), ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class.getName()));
        if ("classic".equals(args[3])) {
            p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "3000");
            p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(args[2]));
            int last = -1;
            while (true) {
                consumer.poll(Duration.ofMillis(100));
                int now = consumer.assignment().size();
                if (now != last) {
                    System.out.println("assigned " + now);
                    System.out.flush();
                    last = now;
                }
            }
        }
    }
}
