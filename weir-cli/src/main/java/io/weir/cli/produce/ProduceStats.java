package io.weir.cli.produce;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.weir.cli.client.Report;
import io.weir.common.Time;

/**
 * Counts what {@code weir produce} wrote: records and bytes acknowledged, failures with the first
 * error, and an optional progress line (on a terminal) at most once a second, the first after a
 * second, so short inputs show none. When the input's size is known (a file) the line starts
 * with a bar of the share of it read so far.
 *
 * <p>Thread-safe: the main thread counts sends, the producer's I/O thread acknowledgements, and a
 * shutdown hook may take the summary; {@link #finish} hands it out once.
 */
final class ProduceStats {

    private static final long PROGRESS_INTERVAL_NS = 1_000_000_000L;
    static final int BAR_WIDTH = 24;

    private final String topic;
    private final Time time;
    private final Optional<PrintWriter> progress;
    private final OptionalLong inputSizeInBytes;
    private final long startNs;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private long lastProgressNs;
    private boolean progressShown;
    private long bytesRead;

    /** {@code progress}: where the progress line goes (a terminal), if anywhere. */
    ProduceStats(String topic, Time time, Optional<PrintWriter> progress, OptionalLong inputSizeInBytes) {
        this.topic = topic;
        this.time = time;
        this.progress = progress;
        this.inputSizeInBytes = inputSizeInBytes;
        this.startNs = time.nanoseconds();
        this.lastProgressNs = startNs;
    }

    /** Producer callback: one record acknowledged ({@code error} null) or failed. */
    void onCompletion(int sizeInBytes, Exception error) {
        if (error == null) {
            records.incrementAndGet();
            bytes.addAndGet(sizeInBytes);
        } else {
            failed.incrementAndGet();
            firstError.compareAndSet(null, error);
        }
    }

    Optional<Exception> firstError() {
        return Optional.ofNullable(firstError.get());
    }

    /**
     * Main thread, after each send of a line of {@code lineBytes} (its newline included): refreshes
     * the progress line once a second on a terminal.
     */
    void maybeShowProgress(int lineBytes) {
        bytesRead += lineBytes;
        if (progress.isEmpty()) {
            return;
        }
        long now = time.nanoseconds();
        if (now - lastProgressNs >= PROGRESS_INTERVAL_NS) {
            lastProgressNs = now;
            progressShown = true;
            progress.get().print("\r" + progressLine() + "   ");
            progress.get().flush();
        }
    }

    /** {@code [=====>      ]  42% } before the summary when the input's size is known. */
    String progressLine() {
        if (inputSizeInBytes.isEmpty() || inputSizeInBytes.getAsLong() <= 0) {
            return summary().line();
        }
        double done = Math.min(1.0, bytesRead / (double) inputSizeInBytes.getAsLong());
        int filled = (int) Math.floor(done * BAR_WIDTH);
        StringBuilder bar = new StringBuilder("[");
        for (int i = 0; i < BAR_WIDTH; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        return bar.append(String.format(Locale.ROOT, "] %3d%%  ", (int) Math.floor(done * 100)))
            .append(summary().line()).toString();
    }

    /** The summary the first time it is asked for; empty after (the hook and the main thread race for it). */
    Optional<Summary> finish() {
        if (!finished.compareAndSet(false, true)) {
            return Optional.empty();
        }
        if (progressShown) {
            progress.get().println();
        }
        return Optional.of(summary());
    }

    private Summary summary() {
        long elapsedNs = Math.max(1, time.nanoseconds() - startNs);
        double seconds = elapsedNs / 1e9;
        return new Summary(topic, records.get(), bytes.get(), failed.get(), elapsedNs / 1_000_000,
            Math.round(records.get() / seconds), Math.round(bytes.get() / seconds));
    }

    /**
     * json: {@code {"topic", "records", "bytes", "failed", "elapsedMs", "recordsPerSecond", "bytesPerSecond"}};
     * records and bytes (keys plus values) count what the cluster acknowledged.
     */
    record Summary(String topic, long records, long bytes, long failed, long elapsedMs, long recordsPerSecond,
                   long bytesPerSecond) implements Report {

        @Override
        public void printTable(PrintWriter out) {
            out.println(line());
        }

        String line() {
            return String.format(Locale.ROOT, "Produced %d record%s (%s) to %s in %.1f s: %d records/s, %s/s%s",
                records, records == 1 ? "" : "s", size(bytes), topic, elapsedMs / 1000.0, recordsPerSecond,
                size(bytesPerSecond), failed == 0 ? "" : "; " + failed + " failed");
        }

        private static String size(long bytes) {
            if (bytes < 1024) {
                return bytes + " B";
            }
            return bytes < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
    }
}
