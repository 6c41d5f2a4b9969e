package io.weir.cli.consume;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import io.weir.cli.SignalShutdown;
import io.weir.cli.client.CliException;
import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import io.weir.cli.client.TopicNames;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code weir consume TOPIC}: prints records byte for byte with a kcat-style template (or as one
 * JSON array). Without {@code --group} it assigns the partitions itself and seeks; with one it
 * joins the group (see {@link GroupConsumption}). Follows new records until Ctrl-C unless
 * {@code --count} is given, which stops after that many records or at the end of the log.
 *
 * <p>Threading: consumes on the caller's thread; {@link #stop} may come from any thread (the
 * shutdown hook on Ctrl-C, or a test).
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
    description = "Print the records of a topic (one per line by default, byte for byte).")
public final class ConsumeCommand extends ClientCommand {

    private static final Duration POLL = Duration.ofMillis(500);

    /** The consumer's {@code isolation.level}. */
    public enum Isolation { read_committed, read_uncommitted }

    /** Where to start; at most one of them (default: the end, only new records). */
    static final class Start {
        @Option(names = "--from-beginning", required = true, description = "Start at the beginning of the log.")
        boolean beginning;

        @Option(names = "--offset", required = true, paramLabel = "N",
            description = "Start at offset N of each partition (clamped to the log).")
        Long offset;

        @Option(names = "--from-time", required = true, paramLabel = "ISO-8601",
            converter = StartPosition.TimeConverter.class,
            description = "Start at the first record at or after this time, e.g. 2024-05-01T12:00:00Z.")
        Instant time;

        StartPosition position() {
            if (offset != null) {
                return StartPosition.offset(offset);
            }
            return time != null ? StartPosition.time(time) : StartPosition.BEGINNING;
        }
    }

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic.")
    String topic;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Start start;

    @Option(names = {"-p", "--partition"}, paramLabel = "N", description = "Only partition N (default: all).")
    Integer partition;

    @Option(names = {"-g", "--group"}, paramLabel = "GROUP",
        description = "Consume as a member of this consumer group, committing what was printed "
            + "(needs a broker with consumer groups).")
    String group;

    @Option(names = {"-n", "--count"}, paramLabel = "N",
        description = "Stop after N records (and, without --follow, at the end of the log).")
    Long count;

    @Option(names = "--follow", negatable = true,
        description = "Keep waiting for new records until Ctrl-C (default without --count).")
    Boolean follow;

    @Option(names = {"-f", "--format"}, paramLabel = "TEMPLATE", converter = RecordFormat.Converter.class,
        description = "kcat-style: %%k key, %%s value, %%t topic, %%p partition, %%o offset, %%T timestamp, "
            + "%%h headers, %%K/%%S key/value length, \\n \\t (default: '%%s\\n').")
    RecordFormat format;

    @Option(names = {"-K", "--key-separator"}, paramLabel = "SEP",
        description = "Print 'key SEP value' for records with a key (the inverse of produce --key-separator).")
    String keySeparator;

    @Option(names = "--isolation", paramLabel = "LEVEL", defaultValue = "read_uncommitted",
        description = "read_committed or read_uncommitted (default: ${DEFAULT-VALUE}).")
    Isolation isolation;

    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    @Override
    protected void run(ClientSettings settings) throws Exception {
        validate(settings);
        int partitions;
        try (Admin admin = Clients.admin(settings)) {
            partitions = TopicNames.partitionCount(admin, topic, Optional.ofNullable(partition));
        }
        RecordSink sink = sink(settings);
        try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(settings, flags())) {
            consumer = c;
            SignalShutdown hook = SignalShutdown.install("weir-consume-shutdown", this::stopAndAwait);
            try {
                consume(c, sink, partitions);
            } catch (WakeupException e) {
                // stop() was called: a clean end
            } finally {
                hook.remove();
                sink.finish();
            }
        } finally {
            finished.countDown();
        }
    }

    private void consume(KafkaConsumer<byte[], byte[]> c, RecordSink sink, int partitions) throws IOException {
        StartPosition position = start == null ? StartPosition.LATEST : start.position();
        List<TopicPartition> all = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
        if (group != null) {
            Optional<Map<TopicPartition, Long>> ends = following() ? Optional.empty() : Optional.of(c.endOffsets(all));
            new GroupConsumption(c, topic, position, start != null).run(this::pollLoop, sink, ends);
            return;
        }
        List<TopicPartition> tps = partition != null ? List.of(new TopicPartition(topic, partition)) : all;
        c.assign(tps);
        position.seek(c, tps);
        pollLoop(c, sink, following() ? Optional.empty() : Optional.of(c.endOffsets(tps)), records -> { });
    }

    /**
     * Polls and prints until Ctrl-C, {@code --count} records, or every assigned partition reached
     * its offset in {@code ends} (with a group: once the group has assigned this member any).
     */
    void pollLoop(Consumer<byte[], byte[]> c, RecordSink sink, Optional<Map<TopicPartition, Long>> ends,
                  GroupConsumption.Printed printed) throws IOException {
        long remaining = count == null ? Long.MAX_VALUE : count;
        while (remaining > 0 && !stopped.get() && !reachedEnds(c, ends)) {
            Map<TopicPartition, Long> next = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                if (remaining-- == 0) {
                    break;
                }
                sink.write(r);
                next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
            }
            sink.flush();
            printed.onPrinted(next);
        }
    }

    private static boolean reachedEnds(Consumer<byte[], byte[]> c, Optional<Map<TopicPartition, Long>> ends) {
        if (ends.isEmpty()) {
            return false;
        }
        Set<TopicPartition> assigned = c.assignment();
        return !assigned.isEmpty()
            && assigned.stream().allMatch(tp -> c.position(tp) >= ends.get().getOrDefault(tp, 0L));
    }

    /** Ends a running consume cleanly: the current poll returns, the output is finished, clients close. */
    public void stop() {
        stopped.set(true);
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void stopAndAwait() {
        stop();
        try {
            finished.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean following() {
        return follow != null ? follow : count == null;
    }

    private void validate(ClientSettings settings) {
        if (format != null && (settings.json() || keySeparator != null)) {
            throw CliException.user("--format cannot be combined with " + (settings.json() ? "--output json" : "--key-separator"));
        }
        if (group != null && partition != null) {
            throw CliException.user("--partition cannot be combined with --group (the group assigns partitions)");
        }
        if (count != null && count < 1) {
            throw CliException.user("--count must be at least 1, got " + count);
        }
        if (start != null && start.offset != null && start.offset < 0) {
            throw CliException.user("--offset must be 0 or more, got " + start.offset);
        }
    }

    private RecordSink sink(ClientSettings settings) {
        BufferedOutputStream out = new BufferedOutputStream(stdio().out(), 64 * 1024);
        if (settings.json()) {
            return RecordSink.json(out);
        }
        return RecordSink.formatted(keySeparator != null ? RecordFormat.keyed(keySeparator)
            : format != null ? format : RecordFormat.parse(RecordFormat.DEFAULT), out);
    }

    private Map<String, Object> flags() {
        Map<String, Object> flags = new HashMap<>();
        flags.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.name());
        boolean beginning = start != null && start.beginning;
        flags.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, beginning ? "earliest" : "latest");
        if (group != null) {
            flags.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return flags;
    }
}
