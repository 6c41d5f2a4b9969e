package io.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * Client mistakes end as one sentence and exit 1 for the user, and the broker logs no stack trace
 * and no error for them (they are answered with error codes, not faults).
 */
@ExtendWith(TestBroker.Extension.class)
class ClientMistakesTest {

    private static final List<List<String>> MISTAKES = List.of(
        List.of("topics", "describe", "mistaken-typo"),
        List.of("topics", "create", "mistaken"),
        List.of("topics", "create", "mistaken-config", "--config", "no.such.key=1"),
        List.of("topics", "create", "mistaken-value", "--config", "retention.ms=soon"),
        List.of("topics", "create", "mistaken-rf", "--replication-factor", "3"),
        List.of("topics", "add-partitions", "mistaken", "--partitions", "1"),
        List.of("topics", "alter", "mistaken", "--config", "no.such.key=1"),
        List.of("configs", "set", "topic", "mistaken", "no.such.key=1"),
        List.of("configs", "get", "topic", "mistaken", "no.such.key"),
        List.of("produce", "mistaken", "--partition", "7"),
        List.of("consume", "mistakn", "--from-beginning", "-n", "1"),
        List.of("groups", "describe", "no-such-group"),
        List.of("groups", "reset-offsets", "no-such-group", "--topic", "mistakn", "--to-earliest"));

    @Test
    void mistakesAreOneSentenceAndExitOneAndTheBrokerLogsNoStackTrace(TestBroker broker) {
        Cli.ok(Cli.against(broker.bootstrapServers(), new byte[0], "topics", "create", "mistaken", "-p", "2"));
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        try {
            for (List<String> args : MISTAKES) {
                Cli.Result r = Cli.against(broker.bootstrapServers(), "x\n".getBytes(StandardCharsets.UTF_8),
                    args.toArray(String[]::new));
                assertThat(r.exitCode()).as(args + ": " + r).isEqualTo(1);
                assertThat(r.stderr().lines()).as(args + ": " + r).hasSize(1);
                assertThat(r.stderr()).as(args.toString()).startsWith("weir " + args.get(0))
                    .doesNotContain("Exception").doesNotContain("\tat ");
            }
        } finally {
            root.detachAppender(log);
            log.stop();
        }
        assertThat(log.list).filteredOn(e -> e.getLoggerName().startsWith("io.weir."))
            .noneMatch(e -> e.getThrowableProxy() != null || e.getLevel().isGreaterOrEqual(Level.ERROR));
    }
}
