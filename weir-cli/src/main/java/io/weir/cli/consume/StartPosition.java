package io.weir.cli.consume;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Where {@code weir consume} starts in each partition: the end (only new records), the
 * beginning, an offset (clamped to the log's start and end), or the first record at or after a
 * time (ListOffsets by timestamp; the end when there is none). Immutable.
 */
public record StartPosition(Kind kind, long offset, Instant time) {

    public enum Kind { LATEST, BEGINNING, OFFSET, TIME }

    public static final StartPosition LATEST = new StartPosition(Kind.LATEST, 0, null);
    public static final StartPosition BEGINNING = new StartPosition(Kind.BEGINNING, 0, null);

    public static StartPosition offset(long offset) {
        return new StartPosition(Kind.OFFSET, offset, null);
    }

    public static StartPosition time(Instant time) {
        return new StartPosition(Kind.TIME, 0, time);
    }

    /** Positions the consumer on {@code partitions} (assigned to it). */
    public void seek(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        switch (kind) {
            case LATEST -> consumer.seekToEnd(partitions);
            case BEGINNING -> consumer.seekToBeginning(partitions);
            case OFFSET -> seekToOffset(consumer, partitions);
            case TIME -> seekToTime(consumer, partitions);
            default -> throw new IllegalStateException(kind.name());
        }
    }

    private void seekToOffset(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        partitions.forEach(tp -> consumer.seek(tp, Math.max(start.get(tp), Math.min(offset, end.get(tp)))));
    }

    private void seekToTime(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, time.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        partitions.forEach(tp -> consumer.seek(tp, found.get(tp) == null ? end.get(tp) : found.get(tp).offset()));
    }

    /**
     * picocli converter for {@code --from-time}: an ISO-8601 instant ({@code 2024-05-01T12:00:00Z}),
     * date-time with offset, or local date-time or date (in the system's time zone).
     */
    public static final class TimeConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException notWithOffset) {
                try {
                    return LocalDateTime.parse(value).atZone(ZoneId.systemDefault()).toInstant();
                } catch (DateTimeParseException notLocal) {
                    try {
                        return LocalDate.parse(value).atStartOfDay(ZoneId.systemDefault()).toInstant();
                    } catch (DateTimeParseException notDate) {
                        throw new TypeConversionException("expected an ISO-8601 time such as 2024-05-01T12:00:00Z, got '"
                            + value + "'");
                    }
                }
            }
        }
    }
}
