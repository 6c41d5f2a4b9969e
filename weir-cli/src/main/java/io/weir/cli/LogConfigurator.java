package io.weir.cli;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.List;
import java.util.Optional;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.model.ModelConstants;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.OnConsoleStatusListener;
import ch.qos.logback.core.util.StatusListenerConfigHelper;

/**
 * The console log of every process the {@code weir} command starts (broker, ZooKeeper, client
 * commands), set up in code. It replaced a logback.xml: parsing XML (Joran and the JDK's XML
 * parser, ~500 more classes) cost each process 4-13 MiB of peak resident memory and 0.2-0.4 s of
 * start-up CPU, depending on the collector and JIT flags (docs/metrics.md, "Logs").
 *
 * <p>Logback's {@code ContextInitializer} runs the configurators registered as services
 * (META-INF/services) before its own, and goes on to the next only while each returns
 * {@link ExecutionStatus#INVOKE_NEXT_IF_ANY}; its own are Joran (the file named by
 * {@code logback.configurationFile}, else logback-test.xml, else logback.xml on the classpath)
 * and then a DEBUG-to-stdout fallback. This one steps aside for the first two, so
 * {@code WEIR_OPTS=-Dlogback.configurationFile=FILE} and the modules' test logback-test.xml still
 * win; a {@code logback.configurationFile} that names nothing gets these defaults, as it got the
 * logback.xml in the jar before. A logback.xml on the classpath is not looked for: the one a build
 * from before this class left in weir-cli/target/classes would otherwise bring the XML back.
 *
 * <p>Threading: Logback calls {@link #configure} once, on the thread that first asks for a logger.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    private static final String APPENDER_NAME = "CONSOLE";
    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";
    private static final Level ROOT_LEVEL = Level.WARN;

    /** A logger's level, set in {@link #LEVELS}. */
    private record LoggerLevel(String logger, Level level) {
    }

    /** The loggers whose level is set rather than inherited from the root's WARN. */
    private static final List<LoggerLevel> LEVELS = List.of(
        // Weir's significant events (docs/metrics.md lists them).
        new LoggerLevel("io.weir", Level.INFO),
        // WARN, as the root; set explicitly so that these stay quiet if the root's level is lowered.
        new LoggerLevel("org.apache.zookeeper", Level.WARN),
        new LoggerLevel("org.apache.curator", Level.WARN),
        new LoggerLevel("io.netty", Level.WARN),
        // "maxCnxns is not configured, using default value 0" at every embedded start.
        new LoggerLevel("org.apache.zookeeper.server.ServerCnxnFactory", Level.ERROR),
        // The clients of weir topics/produce/consume warn on every reconnect attempt; the command
        // itself says in one line what went wrong.
        new LoggerLevel("org.apache.kafka", Level.ERROR));

    private final ClassLoader resources;

    /** For Logback's ServiceLoader: looks for configuration files where Joran does. */
    public LogConfigurator() {
        this(LogConfigurator.class.getClassLoader());
    }

    /** Looks for logback-test.xml and a classpath {@code logback.configurationFile} in {@code resources}. */
    LogConfigurator(ClassLoader resources) {
        this.resources = resources;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Optional<String> file = configurationFile();
        if (file.isPresent()) {
            addInfo("Leaving the configuration to Joran, which will read " + file.get());
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        if (Boolean.getBoolean(ModelConstants.DEBUG_SYSTEM_PROPERTY_KEY)) {
            // -Dlogback.debug=true prints Logback's own status messages, as it did when Joran read
            // the XML (Joran is where Logback reads that property).
            StatusListenerConfigHelper.addOnConsoleListenerInstance(context, new OnConsoleStatusListener());
        }
        addInfo("Configuring Weir's console log on System.err");
        configureConsole(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The configuration file Joran would read before a logback.xml, searched for in Joran's order. */
    private Optional<String> configurationFile() {
        String property = System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
        if (property != null && joranFinds(property)) {
            return Optional.of(property);
        }
        URL testFile = resources.getResource(ClassicConstants.TEST_AUTOCONFIG_FILE);
        if (testFile != null) {
            return Optional.of(testFile.toString());
        }
        if (property != null) {
            addInfo(ClassicConstants.CONFIG_FILE_PROPERTY + "=" + property + " names no URL, resource or file");
        }
        return Optional.empty();
    }

    /**
     * Whether Joran takes {@code location} as its configuration: a URL (even one that fails to
     * open, which Joran then reports), else a classpath resource, else an existing file.
     */
    private boolean joranFinds(String location) {
        try {
            new URL(location);
            return true;
        } catch (MalformedURLException notAUrl) {
            return resources.getResource(location) != null || new File(location).isFile();
        }
    }

    private static void configureConsole(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(APPENDER_NAME);
        // stderr: stdout is for command output (records, tables).
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(ROOT_LEVEL);
        root.addAppender(console);
        for (LoggerLevel level : LEVELS) {
            context.getLogger(level.logger()).setLevel(level.level());
        }
    }
}
