package io.weir.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class LogConfigTest {

    @Test
    void defaultsAreKafkas() {
        LogConfig c = LogConfig.defaults();
        assertThat(c.segmentBytes()).isEqualTo(1 << 30);
        assertThat(c.segmentMs()).isEqualTo(604_800_000L);
        assertThat(c.maxIndexSize()).isEqualTo(10 * 1024 * 1024);
        assertThat(c.indexInterval()).isEqualTo(4096);
        assertThat(c.retentionMs()).isEqualTo(604_800_000L);
        assertThat(c.retentionBytes()).isEqualTo(-1);
        assertThat(c.delete()).isTrue();
        assertThat(c.compact()).isFalse();
        assertThat(c.flushInterval()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.flushMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.maxMessageSize()).isEqualTo(1_048_588);
        assertThat(c.messageTimestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(c.fileDeleteDelayMs()).isEqualTo(60_000);
        assertThat(c.compressionType()).isEqualTo("producer");
        assertThat(c.minInSyncReplicas()).isEqualTo(1);
        assertThat(c.uncleanLeaderElectionEnable()).isFalse();
        assertThat(LogConfig.configNames()).contains("segment.bytes", "cleanup.policy", "message.timestamp.after.max.ms");
    }

    @Test
    void overridesWinOverDefaultsAndPoliciesCombine() {
        LogConfig c = LogConfig.fromProps(Map.of("segment.bytes", "1000", "cleanup.policy", "compact"),
                Map.of("cleanup.policy", "compact,delete", "retention.ms", -1));
        assertThat(c.segmentBytes()).isEqualTo(1000);
        assertThat(c.compact()).isTrue();
        assertThat(c.delete()).isTrue();
        assertThat(c.retentionMs()).isEqualTo(-1);
    }

    @Test
    void badValuesAreConfigExceptionsNamingTheKey() {
        assertThatThrownBy(() -> LogConfig.fromProps(Map.of(), Map.of("segment.bytes", "3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("segment.bytes").hasMessageContaining("3");
        assertThatThrownBy(() -> LogConfig.fromProps(Map.of(), Map.of("cleanup.policy", "forever")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cleanup.policy");
        assertThatThrownBy(() -> LogConfig.fromProps(Map.of(), Map.of("retention.ms", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retention.ms");
        assertThatThrownBy(() -> LogConfig.fromProps(Map.of(), Map.of("message.timestamp.type", "Now")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> LogConfig.fromProps(Map.of(),
                Map.of("min.compaction.lag.ms", 10, "max.compaction.lag.ms", 5)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max.compaction.lag.ms");
    }

    @Test
    void brokerPropertiesMapToTopicDefaults() {
        Map<String, Object> topic = LogConfig.topicDefaultsFromBrokerProps(Map.of(
                "log.segment.bytes", "2048",
                "log.retention.hours", "1",
                "log.retention.minutes", "5",
                "log.roll.hours", "2",
                "log.cleanup.policy", "compact",
                "log.index.size.max.bytes", "4096",
                "log.flush.interval.messages", "10",
                "message.max.bytes", "500",
                "log.message.timestamp.type", "LogAppendTime",
                "broker.id", "1"));
        assertThat(topic).containsEntry("segment.bytes", "2048").containsEntry("retention.ms", 300_000L)
                .containsEntry("segment.ms", 7_200_000L).containsEntry("cleanup.policy", "compact")
                .containsEntry("segment.index.bytes", "4096").containsEntry("flush.messages", "10")
                .containsEntry("max.message.bytes", "500")
                .containsEntry("message.timestamp.type", "LogAppendTime").doesNotContainKey("broker.id");
        LogConfig c = LogConfig.fromProps(topic, Map.of());
        assertThat(c.retentionMs()).isEqualTo(300_000L);
        assertThat(c.messageTimestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(LogConfig.topicDefaultsFromBrokerProps(Map.of("log.retention.ms", "-5",
                "log.retention.hours", "3"))).containsEntry("retention.ms", -1L);
        assertThat(LogConfig.brokerToTopicConfigNames()).containsEntry("log.roll.ms", "segment.ms");
    }

    @Test
    void logManagerConfigFromBrokerProps() {
        LogManagerConfig c = LogManagerConfig.fromBrokerProps(Map.of("log.dirs", "/a, /b",
                "log.retention.check.interval.ms", "1000", "log.segment.bytes", "4096"));
        assertThat(c.logDirs()).containsExactly(Path.of("/a"), Path.of("/b"));
        assertThat(c.retentionCheckIntervalMs()).isEqualTo(1000);
        assertThat(c.topicDefaults().segmentBytes()).isEqualTo(4096);
        assertThat(c.numRecoveryThreadsPerDataDir()).isEqualTo(1);
        assertThatThrownBy(() -> LogManagerConfig.defaults(List.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("log.dirs");
    }
}
