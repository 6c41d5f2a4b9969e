package io.weir.cli.produce;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.weir.cli.KeyValue;
import io.weir.cli.SignalShutdown;
import io.weir.cli.client.CliException;
import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import io.weir.cli.client.Failures;
import io.weir.cli.client.Json;
import io.weir.cli.client.TopicNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code weir produce TOPIC}: one record per input line, byte for byte (see {@link LineReader}),
 * then a summary (stderr, or the JSON document on stdout). Ctrl-C stops reading, flushes what
 * was sent and prints the summary. The topic must exist (no accidental creation by a typo).
 *
 * <p>Threading: reads and sends on the caller's thread; the producer's callbacks count on its
 * I/O thread; Ctrl-C flushes from the shutdown hook.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = "Write one record per line of stdin (or --file) to a topic.")
public final class ProduceCommand extends ClientCommand {

    /** The codecs of {@code compression.type}. */
    public enum Compression { none, gzip, snappy, lz4, zstd }

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic (must exist).")
    String topic;

    @Option(names = "--file", paramLabel = "FILE", description = "Read the lines from FILE instead of stdin.")
    Path file;

    @Option(names = {"-K", "--key-separator"}, paramLabel = "SEP",
        description = "Split each line at the first SEP into key and value (a line without SEP has no key).")
    String keySeparator;

    @Option(names = {"-H", "--header"}, paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
        description = "A header on every record (repeatable).")
    List<KeyValue> headers = new ArrayList<>();

    @Option(names = {"-p", "--partition"}, paramLabel = "N",
        description = "Write every record to partition N (default: by key, or spread without one).")
    Integer partition;

    @Option(names = "--acks", paramLabel = "all|1|0", defaultValue = "all",
        description = "Acknowledgements to wait for (default: ${DEFAULT-VALUE}).")
    String acks;

    @Option(names = {"-z", "--compression"}, paramLabel = "CODEC", defaultValue = "none",
        description = "none, gzip, snappy, lz4 or zstd (default: ${DEFAULT-VALUE}).")
    Compression compression;

    @Override
    protected void run(ClientSettings settings) throws Exception {
        if (!List.of("all", "-1", "1", "0").contains(acks)) {
            throw CliException.user("--acks must be all, 1 or 0, got '" + acks + "'");
        }
        try (Admin admin = Clients.admin(settings)) {
            TopicNames.partitionCount(admin, topic, Optional.ofNullable(partition));
        }
        ProduceStats stats = new ProduceStats(topic, time(),
            stdio().errIsTerminal() ? Optional.of(err()) : Optional.empty(), inputSize());
        try (InputStream in = input(); KafkaProducer<byte[], byte[]> producer = Clients.producer(settings, flags())) {
            SignalShutdown hook = SignalShutdown.install("weir-produce-shutdown", () -> {
                producer.close(Duration.ofMillis(settings.timeoutMs()));
                stats.finish().ifPresent(summary -> printSummary(settings, summary));
            });
            try {
                sendAll(new LineReader(in), producer, stats);
                producer.flush();
            } finally {
                hook.remove();
            }
        }
        finish(settings, stats);
    }

    private Map<String, Object> flags() {
        return Map.of(ProducerConfig.ACKS_CONFIG, acks, ProducerConfig.COMPRESSION_TYPE_CONFIG, compression.name());
    }

    /** The size of the input when it is a file (for the progress bar), else empty. */
    private OptionalLong inputSize() throws IOException {
        return file == null ? stdio().inSizeInBytes() : OptionalLong.of(Files.size(file));
    }

    private InputStream input() throws IOException {
        return file == null ? stdio().in() : Files.newInputStream(file);
    }

    private void sendAll(LineReader lines, KafkaProducer<byte[], byte[]> producer, ProduceStats stats)
        throws IOException {
        byte[] separator = keySeparator == null ? null : keySeparator.getBytes(StandardCharsets.UTF_8);
        Header[] recordHeaders = headers.stream()
            .map(h -> new RecordHeader(h.key(), h.value().getBytes(StandardCharsets.UTF_8))).toArray(Header[]::new);
        for (byte[] line = lines.next(); line != null && stats.firstError().isEmpty(); line = lines.next()) {
            ProducerRecord<byte[], byte[]> record = record(line, separator, recordHeaders);
            int size = line.length - (record.key() == null ? 0 : separator.length);
            try {
                producer.send(record, (metadata, error) -> stats.onCompletion(size, error));
            } catch (InterruptException e) {
                return;
            }
            stats.maybeShowProgress(line.length + 1);
        }
    }

    private ProducerRecord<byte[], byte[]> record(byte[] line, byte[] separator, Header[] recordHeaders) {
        int at = separator == null ? -1 : indexOf(line, separator);
        byte[] key = at < 0 ? null : Arrays.copyOfRange(line, 0, at);
        byte[] value = at < 0 ? line : Arrays.copyOfRange(line, at + separator.length, line.length);
        return new ProducerRecord<>(topic, partition, key, value, new RecordHeaders(recordHeaders));
    }

    static int indexOf(byte[] line, byte[] separator) {
        outer:
        for (int i = 0; i + separator.length <= line.length; i++) {
            for (int j = 0; j < separator.length; j++) {
                if (line[i + j] != separator[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void finish(ClientSettings settings, ProduceStats stats) {
        Optional<ProduceStats.Summary> summary = stats.finish();
        summary.ifPresent(s -> printSummary(settings, s));
        Optional<Exception> error = stats.firstError();
        if (error.isPresent()) {
            CliException cause = Failures.translate(error.get(), settings);
            long failed = summary.map(ProduceStats.Summary::failed).orElse(0L);
            throw new CliException(cause.exitCode(), failed + " record" + (failed == 1 ? " was" : "s were")
                + " not written: " + cause.getMessage());
        }
    }

    private void printSummary(ClientSettings settings, ProduceStats.Summary summary) {
        if (settings.json()) {
            Json.print(out(), summary);
        } else {
            PrintWriter err = err();
            summary.printTable(err);
            err.flush();
        }
    }
}
