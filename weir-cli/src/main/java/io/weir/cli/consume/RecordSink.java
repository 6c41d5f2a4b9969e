package io.weir.cli.consume;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import io.weir.cli.client.Json;

/**
 * Where {@code weir consume} writes records: the {@link RecordFormat} template as raw bytes, or
 * one JSON array streamed element by element (closed on {@link #finish}, also after Ctrl-C).
 *
 * <p>Not thread-safe: used by the consume loop only.
 */
interface RecordSink {

    void write(ConsumerRecord<byte[], byte[]> record) throws IOException;

    /** Called after each poll, so a follower sees records as they come. */
    void flush() throws IOException;

    /** Ends the output (the JSON array's closing bracket) and flushes; the stream stays open. */
    void finish() throws IOException;

    static RecordSink formatted(RecordFormat format, OutputStream out) {
        return new RecordSink() {
            @Override
            public void write(ConsumerRecord<byte[], byte[]> record) throws IOException {
                format.write(record, out);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void finish() throws IOException {
                out.flush();
            }
        };
    }

    static RecordSink json(OutputStream out) {
        return new JsonArraySink(out);
    }

    /** The JSON array: {@code [}, then one {@link RecordJson} per line, then {@code ]}. */
    final class JsonArraySink implements RecordSink {
        private final OutputStream out;
        private boolean first = true;

        JsonArraySink(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(ConsumerRecord<byte[], byte[]> record) throws IOException {
            out.write((first ? "[\n" : ",\n").getBytes(StandardCharsets.US_ASCII));
            first = false;
            out.write(Json.COMPACT.writeValueAsBytes(RecordJson.of(record)));
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void finish() throws IOException {
            out.write((first ? "[]\n" : "\n]\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /**
     * One record in json output: {@code {"topic", "partition", "offset", "timestamp", "key", "value",
     * "headers": [{"key", "value"}]}}; keys and values are decoded as UTF-8 (invalid bytes become
     * U+FFFD; use --format for binary data) and null when absent.
     */
    record RecordJson(String topic, int partition, long offset, long timestamp, String key, String value,
                      List<HeaderJson> headers) {
        static RecordJson of(ConsumerRecord<byte[], byte[]> r) {
            List<HeaderJson> headers = new ArrayList<>();
            for (Header h : r.headers()) {
                headers.add(new HeaderJson(h.key(), text(h.value())));
            }
            return new RecordJson(r.topic(), r.partition(), r.offset(), r.timestamp(), text(r.key()), text(r.value()),
                headers);
        }

        private static String text(byte[] bytes) {
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** One header of a record in json output. */
    record HeaderJson(String key, String value) {
    }
}
