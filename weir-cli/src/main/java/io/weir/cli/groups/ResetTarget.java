package io.weir.cli.groups;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import io.weir.cli.client.CliException;
import io.weir.cli.consume.StartPosition;
import picocli.CommandLine.Option;

/**
 * Where {@code weir groups reset-offsets} moves a group: exactly one of these options (a picocli
 * exclusive group). Every new offset lies within the partition's log, [earliest, latest].
 * Written once by picocli's parser, then read-only.
 */
final class ResetTarget {

    @Option(names = "--to-earliest", required = true, description = "The start of each log.")
    boolean earliest;

    @Option(names = "--to-latest", required = true, description = "The end of each log (skip everything).")
    boolean latest;

    @Option(names = "--to-offset", required = true, paramLabel = "N",
        description = "Offset N (clamped to each log's start and end).")
    Long offset;

    @Option(names = "--to-time", required = true, paramLabel = "ISO-8601", converter = StartPosition.TimeConverter.class,
        description = "The first record at or after this time (the end when there is none), e.g. 2024-05-01T12:00:00Z.")
    Instant time;

    @Option(names = "--shift-by", required = true, paramLabel = "N",
        description = "The committed offset plus N (negative: back; clamped to the log).")
    Long shift;

    /** The new offset of every partition in {@code partitions}, given what the group has committed. */
    Map<TopicPartition, Long> newOffsets(Admin admin, List<TopicPartition> partitions,
                                         Map<TopicPartition, Long> committed)
        throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> start = offsets(admin, partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> end = offsets(admin, partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> wanted = time != null ? atTime(admin, partitions, end)
            : shift != null ? shifted(partitions, committed)
            : offset != null ? constant(partitions, offset)
            : earliest ? start : end;
        Map<TopicPartition, Long> clamped = new HashMap<>();
        partitions.forEach(tp -> clamped.put(tp, Math.max(start.get(tp), Math.min(wanted.get(tp), end.get(tp)))));
        return clamped;
    }

    private Map<TopicPartition, Long> atTime(Admin admin, List<TopicPartition> partitions,
                                             Map<TopicPartition, Long> end)
        throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> found = offsets(admin, partitions, OffsetSpec.forTimestamp(time.toEpochMilli()));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        partitions.forEach(tp -> offsets.put(tp, found.get(tp) < 0 ? end.get(tp) : found.get(tp)));
        return offsets;
    }

    private Map<TopicPartition, Long> shifted(List<TopicPartition> partitions, Map<TopicPartition, Long> committed) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Long current = committed.get(tp);
            if (current == null) {
                throw CliException.user("partition " + tp + " has no committed offset to shift from; reset it with "
                    + "--to-earliest, --to-latest, --to-offset or --to-time, or leave it out with --partition");
            }
            offsets.put(tp, saturatedSum(current, shift));
        }
        return offsets;
    }

    private static long saturatedSum(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException overflow) {
            return b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static Map<TopicPartition, Long> constant(Collection<TopicPartition> partitions, long offset) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        partitions.forEach(tp -> offsets.put(tp, offset));
        return offsets;
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec)
        throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        ListOffsetsResult result = admin.listOffsets(request);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            offsets.put(tp, result.partitionResult(tp).get().offset());
        }
        return offsets;
    }
}
