package org.apache.kafka.tools;

import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Kafka's ProducerPerformance unchanged, plus a per-second timeline (by the second a record was
 * sent, from the JVM's start) of its acknowledgement latency and of the time the tool's thread
 * spent blocked in send(): shows where in a run the tail of a fixed-rate row comes from (see
 * docs/benchmarks.md, "Fixed-rate rows"). Not part of any build; from the repository's root:
 *
 *   javac -cp 'bench/target/kafka-lib/*' -d /tmp/timeline bench/diagnostics/TimelinePerf.java
 *   java -Xmx1g -cp "/tmp/timeline:bench/target/kafka-lib/*" org.apache.kafka.tools.TimelinePerf \
 *       ...ProducerPerformance's arguments...
 *
 * It sits in ProducerPerformance's package to override its package-private createKafkaProducer.
 * Callbacks run on the producer's I/O thread and send() on the tool's thread, so each array has
 * one writer; they are read after the producer is closed.
 */
public class TimelinePerf extends ProducerPerformance {
    static final long T0 = System.currentTimeMillis();
    static final int N = 900;
    static final long[] acked = new long[N], latSum = new long[N], slow = new long[N], sent = new long[N], blockSum = new long[N];
    static final int[] latMax = new int[N];
    static final long[] blockMax = new long[N];

    public static void main(String[] args) throws Exception {
        new TimelinePerf().start(args);
        System.out.println("TIMELINE sec sent acked avg_ms max_ms over100ms send_block_sum_ms send_block_max_ms");
        for (int i = 0; i < N; i++) {
            if (sent[i] == 0 && acked[i] == 0) continue;
            System.out.printf("TIMELINE %3d %6d %6d %7.1f %5d %6d %6d %5d%n", i, sent[i], acked[i],
                acked[i] == 0 ? 0.0 : latSum[i] / (double) acked[i], latMax[i], slow[i], blockSum[i], blockMax[i]);
        }
    }

    @Override
    KafkaProducer<byte[], byte[]> createKafkaProducer(Properties props) {
        return new KafkaProducer<>(props) {
            @Override
            public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
                long start = System.currentTimeMillis();
                int sec = (int) Math.min(N - 1, (start - T0) / 1000);
                Future<RecordMetadata> f = super.send(record, (m, e) -> {
                    int lat = (int) (System.currentTimeMillis() - start);
                    acked[sec]++;
                    latSum[sec] += lat;
                    latMax[sec] = Math.max(latMax[sec], lat);
                    if (lat > 100) slow[sec]++;
                    callback.onCompletion(m, e);
                });
                long blocked = System.currentTimeMillis() - start;
                sent[sec]++;
                blockSum[sec] += blocked;
                blockMax[sec] = Math.max(blockMax[sec], blocked);
                return f;
            }
        };
    }
}
