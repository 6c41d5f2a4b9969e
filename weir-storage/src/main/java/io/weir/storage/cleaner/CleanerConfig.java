package io.weir.storage.cleaner;

import java.util.Map;

/**
 * The broker's {@code log.cleaner.*} settings, with Kafka's names and defaults. Validates itself
 * at construction with a message naming the setting.
 *
 * @param enabled {@code log.cleaner.enable}
 * @param dedupeBufferSize {@code log.cleaner.dedupe.buffer.size}: memory of the key -> offset map
 * @param dedupeBufferLoadFactor {@code log.cleaner.io.buffer.load.factor}: how full the map may get
 * @param ioBufferSize {@code log.cleaner.io.buffer.size}: each of the read and write buffers
 * @param maxIoBufferSize the largest the I/O buffers may grow to for one large batch
 * @param backoffMs {@code log.cleaner.backoff.ms}: idle time when no log needs cleaning
 */
public record CleanerConfig(boolean enabled, long dedupeBufferSize, double dedupeBufferLoadFactor, int ioBufferSize,
                            int maxIoBufferSize, long backoffMs) {

    public static final long DEFAULT_DEDUPE_BUFFER_SIZE = 128L * 1024 * 1024;
    public static final double DEFAULT_LOAD_FACTOR = 0.9;
    public static final int DEFAULT_IO_BUFFER_SIZE = 512 * 1024;
    public static final int DEFAULT_MAX_IO_BUFFER_SIZE = 1024 * 1024 + 12;
    public static final long DEFAULT_BACKOFF_MS = 15_000L;

    public CleanerConfig {
        require(dedupeBufferSize >= SkimpyOffsetMap.BYTES_PER_ENTRY * 2L, "log.cleaner.dedupe.buffer.size",
                "must hold at least two entries (" + SkimpyOffsetMap.BYTES_PER_ENTRY * 2 + " bytes)", dedupeBufferSize);
        require(dedupeBufferLoadFactor > 0 && dedupeBufferLoadFactor <= 1, "log.cleaner.io.buffer.load.factor",
                "must be in (0, 1]", dedupeBufferLoadFactor);
        require(ioBufferSize > 0, "log.cleaner.io.buffer.size", "must be positive", ioBufferSize);
        require(maxIoBufferSize >= ioBufferSize, "max I/O buffer size", "must be at least log.cleaner.io.buffer.size",
                maxIoBufferSize);
        require(backoffMs >= 0, "log.cleaner.backoff.ms", "must not be negative", backoffMs);
        long slots = Math.min(dedupeBufferSize, Integer.MAX_VALUE) / SkimpyOffsetMap.BYTES_PER_ENTRY;
        require(slots * dedupeBufferLoadFactor >= 1, "log.cleaner.dedupe.buffer.size",
                "is too small for even one key at load factor " + dedupeBufferLoadFactor, dedupeBufferSize);
    }

    private static void require(boolean ok, String name, String rule, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(name + " " + rule + ", got " + value);
        }
    }

    public static CleanerConfig defaults() {
        return new CleanerConfig(true, DEFAULT_DEDUPE_BUFFER_SIZE, DEFAULT_LOAD_FACTOR, DEFAULT_IO_BUFFER_SIZE,
                DEFAULT_MAX_IO_BUFFER_SIZE, DEFAULT_BACKOFF_MS);
    }

    /** From server.properties values; absent keys take Kafka's defaults. */
    public static CleanerConfig fromBrokerProps(Map<String, String> props) {
        int ioBufferSize = Integer.parseInt(props.getOrDefault("log.cleaner.io.buffer.size",
                Integer.toString(DEFAULT_IO_BUFFER_SIZE)));
        int maxMessageBytes = Integer.parseInt(props.getOrDefault("message.max.bytes",
                Integer.toString(DEFAULT_MAX_IO_BUFFER_SIZE)));
        return new CleanerConfig(
                Boolean.parseBoolean(props.getOrDefault("log.cleaner.enable", "true")),
                Long.parseLong(props.getOrDefault("log.cleaner.dedupe.buffer.size",
                        Long.toString(DEFAULT_DEDUPE_BUFFER_SIZE))),
                Double.parseDouble(props.getOrDefault("log.cleaner.io.buffer.load.factor",
                        Double.toString(DEFAULT_LOAD_FACTOR))),
                ioBufferSize,
                Math.max(ioBufferSize, Math.max(DEFAULT_MAX_IO_BUFFER_SIZE, maxMessageBytes)),
                Long.parseLong(props.getOrDefault("log.cleaner.backoff.ms", Long.toString(DEFAULT_BACKOFF_MS))));
    }
}
