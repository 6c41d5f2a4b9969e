package io.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.DefaultJoranConfigurator;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.status.OnConsoleStatusListener;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;

/**
 * Weir's console log is configured in code, and steps aside for a logback.configurationFile and a
 * logback-test.xml, which Logback's Joran then reads. Each test configures a fresh
 * {@link LoggerContext}, not the global one.
 */
class LogConfiguratorTest {

    private static final String FILE_PROPERTY = ClassicConstants.CONFIG_FILE_PROPERTY;

    /** A configuration Joran can read, recognisable by its appender's name and its root level. */
    private static final String XML = """
        <configuration>
          <appender name="FROM_FILE" class="ch.qos.logback.core.read.ListAppender"/>
          <root level="DEBUG"><appender-ref ref="FROM_FILE"/></root>
        </configuration>
        """;

    @TempDir
    Path dir;

    @Test
    void defaultsLogToStderrWithTimeLevelSimpleLoggerNameAndMessage() throws Exception {
        LoggerContext context = new LoggerContext();
        assertThat(configure(new LogConfigurator(noConfigurationFiles()), context))
            .isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(appenderNames(root)).containsExactly("CONSOLE");
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("CONSOLE");
        assertThat(console.isStarted()).isTrue();
        assertThat(console.getTarget()).isEqualTo("System.err");
        PatternLayoutEncoder encoder = (PatternLayoutEncoder) console.getEncoder();
        assertThat(encoder.getPattern()).isEqualTo("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");

        LoggingEvent event = new LoggingEvent(Logger.FQCN, context.getLogger("io.weir.broker.Broker"), Level.INFO,
            "Weir broker {} started", null, new Object[] {0});
        assertThat(new String(encoder.encode(event), StandardCharsets.UTF_8))
            .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  Broker - Weir broker 0 started" + System.lineSeparator());
        // Logback prints its status to stdout when it holds a warning or an error: none here.
        assertThat(new StatusUtil(context).getHighestLevel(0)).isEqualTo(Status.INFO);
    }

    @Test
    void defaultsSetRootWarnAndTheLibrariesLevels() {
        LoggerContext context = new LoggerContext();
        configure(new LogConfigurator(noConfigurationFiles()), context);

        Map<String, Level> expected = Map.of(
            Logger.ROOT_LOGGER_NAME, Level.WARN,
            "io.weir", Level.INFO,
            "org.apache.zookeeper", Level.WARN,
            "org.apache.zookeeper.server.ServerCnxnFactory", Level.ERROR,
            "org.apache.curator", Level.WARN,
            "org.apache.kafka", Level.ERROR,
            "io.netty", Level.WARN);
        expected.forEach((name, level) -> assertThat(context.getLogger(name).getLevel()).as(name).isEqualTo(level));
        assertThat(context.getLoggerList()).filteredOn(logger -> logger.getLevel() != null)
            .extracting(Logger::getName).containsExactlyInAnyOrderElementsOf(expected.keySet());

        assertThat(context.getLogger("io.weir.broker.Broker").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("org.apache.kafka.clients.NetworkClient").getEffectiveLevel())
            .isEqualTo(Level.ERROR);
        assertThat(context.getLogger("com.example.Other").getEffectiveLevel()).isEqualTo(Level.WARN);
    }

    @Test
    void aFileInTheConfigurationFilePropertyIsLeftToJoran() throws Exception {
        Path file = Files.writeString(dir.resolve("custom.xml"), XML);
        LoggerContext context = new LoggerContext();
        withProperty(FILE_PROPERTY, file.toString(), () -> {
            assertThat(configure(new LogConfigurator(noConfigurationFiles()), context))
                .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(appenderNames(context.getLogger(Logger.ROOT_LOGGER_NAME))).isEmpty();
            // What Logback's ContextInitializer runs next: Joran reads the file.
            assertThat(configure(new DefaultJoranConfigurator(), context))
                .isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        });
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(appenderNames(root)).containsExactly("FROM_FILE");
        assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
    }

    @Test
    void aUrlOrAClasspathResourceInThePropertyIsLeftToJoran() throws Exception {
        Files.writeString(dir.resolve("on-classpath.xml"), XML);
        try (URLClassLoader classpath = classpathOf(dir)) {
            for (String location : List.of("on-classpath.xml", dir.resolve("nowhere.xml").toUri().toString())) {
                withProperty(FILE_PROPERTY, location, () ->
                    assertThat(configure(new LogConfigurator(classpath), new LoggerContext())).as(location)
                        .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY));
            }
        }
    }

    @Test
    void aPropertyThatNamesNothingGetsTheDefaults() throws Exception {
        LoggerContext context = new LoggerContext();
        withProperty(FILE_PROPERTY, dir.resolve("missing.xml").toString(), () ->
            assertThat(configure(new LogConfigurator(noConfigurationFiles()), context))
                .isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY));
        assertThat(appenderNames(context.getLogger(Logger.ROOT_LOGGER_NAME))).containsExactly("CONSOLE");
    }

    @Test
    void logbackTestXmlOnTheClasspathIsLeftToJoran() throws Exception {
        Files.writeString(dir.resolve("logback-test.xml"), XML);
        try (URLClassLoader classpath = classpathOf(dir)) {
            LoggerContext context = new LoggerContext();
            assertThat(configure(new LogConfigurator(classpath), context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(appenderNames(context.getLogger(Logger.ROOT_LOGGER_NAME))).isEmpty();
        }
    }

    /** A stale logback.xml in weir-cli/target/classes, from a build before it was deleted, must not bring Joran back. */
    @Test
    void logbackXmlOnTheClasspathDoesNotReplaceTheDefaults() throws Exception {
        Files.writeString(dir.resolve("logback.xml"), XML);
        try (URLClassLoader classpath = classpathOf(dir)) {
            LoggerContext context = new LoggerContext();
            assertThat(configure(new LogConfigurator(classpath), context))
                .isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
            assertThat(appenderNames(context.getLogger(Logger.ROOT_LOGGER_NAME))).containsExactly("CONSOLE");
        }
    }

    @Test
    void logbackDebugPrintsLogbacksStatusAsWithTheXml() throws Exception {
        LoggerContext quiet = new LoggerContext();
        configure(new LogConfigurator(noConfigurationFiles()), quiet);
        assertThat(quiet.getStatusManager().getCopyOfStatusListenerList()).isEmpty();

        LoggerContext debug = new LoggerContext();
        withProperty("logback.debug", "true", () -> configure(new LogConfigurator(noConfigurationFiles()), debug));
        assertThat(debug.getStatusManager().getCopyOfStatusListenerList())
            .hasExactlyElementsOfTypes(OnConsoleStatusListener.class);
    }

    @Test
    void isRegisteredAsALogbackConfigurator() {
        assertThat(ServiceLoader.load(Configurator.class, getClass().getClassLoader()))
            .hasAtLeastOneElementOfType(LogConfigurator.class);
    }

    /** Logback's whole start-up on this module's test classpath: its logback-test.xml wins. */
    @Test
    void thisModulesLogbackTestXmlStillConfiguresTests() throws Exception {
        assertThat(System.getProperty(FILE_PROPERTY)).isNull();
        LoggerContext context = new LoggerContext();
        new ContextInitializer(context).autoConfig(getClass().getClassLoader());

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(appenderNames(root)).containsExactly("STDOUT");
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
    }

    private static ExecutionStatus configure(Configurator configurator, LoggerContext context) {
        configurator.setContext(context);
        return configurator.configure(context);
    }

    /** Runs {@code body} with a system property set, then restores it. */
    private static void withProperty(String name, String value, ThrowingRunnable body) throws Exception {
        String before = System.getProperty(name);
        System.setProperty(name, value);
        try {
            body.run();
        } finally {
            if (before == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, before);
            }
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Sees only the JDK's resources: no logback.xml, no logback-test.xml. */
    private static ClassLoader noConfigurationFiles() {
        return new ClassLoader(null) {
        };
    }

    private static URLClassLoader classpathOf(Path directory) throws Exception {
        return new URLClassLoader(new URL[] {directory.toUri().toURL()}, null);
    }

    private static List<String> appenderNames(Logger logger) {
        List<String> names = new ArrayList<>();
        logger.iteratorForAppenders().forEachRemaining(appender -> names.add(appender.getName()));
        return names;
    }
}
