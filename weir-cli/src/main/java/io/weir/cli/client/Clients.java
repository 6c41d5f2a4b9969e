package io.weir.cli.client;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Creates the Kafka clients of the CLI. Each client's settings are layered: the CLI's defaults
 * (10 s timeouts, so an unreachable cluster fails fast), then the {@code --command-config}
 * file, then what the command's own flags say. Stateless.
 */
public final class Clients {

    private Clients() {
    }

    public static Admin admin(ClientSettings settings) {
        Map<String, Object> config = defaults(settings, "weir-admin");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ClientSettings.DEFAULT_TIMEOUT_MS);
        config.putAll(settings.clientProperties());
        return Admin.create(config);
    }

    public static KafkaProducer<byte[], byte[]> producer(ClientSettings settings, Map<String, Object> flags) {
        Map<String, Object> config = defaults(settings, "weir-produce");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ClientSettings.DEFAULT_TIMEOUT_MS);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) (3 * ClientSettings.DEFAULT_TIMEOUT_MS));
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.putAll(settings.clientProperties());
        config.putAll(flags);
        return new KafkaProducer<>(config);
    }

    public static KafkaConsumer<byte[], byte[]> consumer(ClientSettings settings, Map<String, Object> flags) {
        Map<String, Object> config = defaults(settings, "weir-consume");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ClientSettings.DEFAULT_TIMEOUT_MS);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.putAll(settings.clientProperties());
        config.putAll(flags);
        return new KafkaConsumer<>(config);
    }

    private static Map<String, Object> defaults(ClientSettings settings, String clientId) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) ClientSettings.DEFAULT_TIMEOUT_MS);
        return config;
    }
}
