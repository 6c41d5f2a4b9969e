package io.weir.cli.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RecordFormatTest {

    private static ConsumerRecord<byte[], byte[]> record(String key, String value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader("a", "1".getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader("b", null));
        return new ConsumerRecord<>("t", 2, 42L, 1700000000000L, TimestampType.CREATE_TIME, -1, -1,
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            value == null ? null : value.getBytes(StandardCharsets.UTF_8), headers, Optional.empty());
    }

    private static String render(RecordFormat format, ConsumerRecord<byte[], byte[]> r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        format.write(r, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void fieldsAndEscapes() throws IOException {
        RecordFormat f = RecordFormat.parse("%t %p %o %T [%k] [%s] %K %S %h 5%% \\t\\r\\\\\\n");
        assertThat(render(f, record("ké", "v"))).isEqualTo("t 2 42 1700000000000 [ké] [v] 3 1 a=1,b= 5% \t\r\\\n");
        assertThat(render(f, record(null, null))).isEqualTo("t 2 42 1700000000000 [] [] -1 -1 a=1,b= 5% \t\r\\\n");
    }

    @Test
    void defaultIsTheValueAndANewline() throws IOException {
        assertThat(render(RecordFormat.parse(RecordFormat.DEFAULT), record("k", "value"))).isEqualTo("value\n");
    }

    @Test
    void keyedPrintsTheSeparatorOnlyWithAKey() throws IOException {
        RecordFormat keyed = RecordFormat.keyed("::");
        assertThat(render(keyed, record("k", "v"))).isEqualTo("k::v\n");
        assertThat(render(keyed, record("", "v"))).isEqualTo("::v\n");
        assertThat(render(keyed, record(null, "v"))).isEqualTo("v\n");
    }

    @Test
    void badTemplatesAreRejected() {
        assertThatThrownBy(() -> RecordFormat.parse("%q")).hasMessageContaining("unknown field '%q'");
        assertThatThrownBy(() -> RecordFormat.parse("\\x")).hasMessageContaining("unknown escape");
        assertThatThrownBy(() -> RecordFormat.parse("%s%")).hasMessageContaining("lone '%'");
    }
}
