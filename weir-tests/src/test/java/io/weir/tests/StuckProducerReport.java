package io.weir.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;

/**
 * What a fault test knows when a producer's records stay neither acknowledged nor failed: the
 * producer's own view (leaders it knows, retry and request counts, its network thread's stack,
 * its last log lines) and the network threads of every broker (a thread dump per broker, kept
 * under the test's report directory). Built to go into the failure message, which is the part of
 * a CI log that is always shown.
 *
 * <p>Thread-safe: warnings arrive on client threads, the report is built on the test thread.
 */
final class StuckProducerReport extends AppenderBase<ILoggingEvent> {

    private static final String CLIENTS = "org.apache.kafka.clients";
    private static final int KEPT_LINES = 2_000;
    private static final int MAX_LINE_CHARS = 240;
    private static final List<String> METRICS = List.of("record-send-total", "record-retry-total",
        "record-error-total", "request-total", "response-total", "metadata-age");

    private final Deque<String> lines = new ArrayDeque<>();

    private Appender<ILoggingEvent> console;

    /**
     * Starts collecting what the Kafka clients of this JVM log from INFO up (request timeouts,
     * disconnects and producer epoch bumps are INFO); only WARN and above still reach the console.
     */
    static StuckProducerReport attach() {
        Logger clients = (Logger) LoggerFactory.getLogger(CLIENTS);
        StuckProducerReport report = new StuckProducerReport();
        report.setContext(clients.getLoggerContext());
        report.setName("stuck-producer-report");
        report.console = ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).getAppender("STDOUT");
        report.start();
        clients.setLevel(Level.INFO);
        clients.setAdditive(false);
        clients.addAppender(report);
        return report;
    }

    /** Stops collecting; the clients' logging is as configured again. */
    void detach() {
        Logger clients = (Logger) LoggerFactory.getLogger(CLIENTS);
        clients.detachAppender(this);
        clients.setAdditive(true);
        clients.setLevel(null);
        stop();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.WARN) && console != null) {
            console.doAppend(event);
        }
        synchronized (this) {
            if (lines.size() == KEPT_LINES) {
                lines.removeFirst();
            }
            String line = event.getLevel() + " " + event.getFormattedMessage();
            lines.addLast(line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "..." : line);
        }
    }

    /** The producer's view: leaders, counters, network thread, and its last {@code count} log lines. */
    String producerView(String name, Producer<?, ?> producer, String topic, int count) {
        StringBuilder out = new StringBuilder("producer " + name + ":");
        try {
            for (PartitionInfo p : producer.partitionsFor(topic)) {
                out.append(" p").append(p.partition()).append(" leader ")
                    .append(p.leader() == null ? "none" : p.leader().id());
            }
        } catch (RuntimeException e) {
            out.append(" partitionsFor failed: ").append(e);
        }
        Map<MetricName, ? extends Metric> metrics = producer.metrics();
        metrics.forEach((metricName, metric) -> {
            if (metricName.group().equals("producer-metrics") && METRICS.contains(metricName.name())) {
                out.append("; ").append(metricName.name()).append('=').append(metric.metricValue());
            }
        });
        String clientId = metrics.keySet().stream().map(m -> m.tags().get("client-id")).filter(id -> id != null)
            .findFirst().orElse("?");
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().equals("kafka-producer-network-thread | " + clientId)) {
                out.append("; network thread ").append(thread.getState()).append(" at ")
                    .append(Arrays.stream(stack).limit(4).map(String::valueOf).collect(Collectors.joining(" < ")));
            }
        });
        List<String> mine;
        synchronized (this) {
            mine = this.lines.stream().filter(w -> w.contains("clientId=" + clientId + "]")).toList();
        }
        out.append("; its last log lines: ").append(mine.subList(Math.max(0, mine.size() - count), mine.size()));
        return out.toString();
    }

    /**
     * Dumps the threads of each broker process into {@code dir} and returns, per broker, the
     * states and top frames of its network threads (an event loop stuck in a handler shows here).
     */
    static String brokerNetworkThreads(List<BrokerProcess> brokers, Path dir) {
        List<String> lines = new ArrayList<>();
        for (BrokerProcess b : brokers) {
            if (!b.isAlive()) {
                lines.add("broker " + b.id() + " not running");
                continue;
            }
            try {
                String dump = threadDump(b.pid());
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("broker-" + b.id() + "-threads.txt"), dump, StandardCharsets.UTF_8);
                lines.add("broker " + b.id() + ": " + networkThreads(dump));
            } catch (IOException | RuntimeException e) {
                lines.add("broker " + b.id() + ": no thread dump (" + e + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return String.join(" | ", lines);
            }
        }
        return String.join(" | ", lines);
    }

    private static String threadDump(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "Thread.print").redirectErrorStream(true)
            .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("jcmd did not finish");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Each "weir-network-thread" of a thread dump: idle in epoll_wait, or its state and top frames. */
    private static String networkThreads(String dump) {
        List<String> threads = new ArrayList<>();
        for (String block : dump.split("\n\n")) {
            if (!block.startsWith("\"weir-network-thread")) {
                continue;
            }
            String[] lines = block.split("\n");
            String name = lines[0].substring(1, lines[0].indexOf('"', 1));
            List<String> frames = Arrays.stream(lines).skip(1).map(String::strip).filter(l -> l.startsWith("at ")
                || l.startsWith("java.lang.Thread.State") || l.startsWith("- ")).limit(5).toList();
            boolean idle = frames.size() > 1 && frames.get(1).contains("epollWait");
            threads.add(name + (idle ? " idle in epoll_wait" : " " + frames));
        }
        return threads.isEmpty() ? "no network threads in the dump" : String.join(", ", threads);
    }
}
