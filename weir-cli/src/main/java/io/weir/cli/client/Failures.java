package io.weir.cli.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The one place where a client's exception becomes a sentence and an exit code: what the user
 * asked wrongly (the broker's message, exit 1) versus a cluster that cannot be reached or fails
 * (exit 2). Stateless.
 */
public final class Failures {

    /** Errors that mean the request itself was wrong; the broker's message says why. */
    private static final List<Class<? extends Exception>> USER_ERRORS = List.of(
        InvalidConfigurationException.class, InvalidRequestException.class, InvalidTopicException.class,
        TopicExistsException.class, InvalidPartitionsException.class, InvalidReplicationFactorException.class,
        InvalidReplicaAssignmentException.class, PolicyViolationException.class, RecordTooLargeException.class,
        UnknownTopicOrPartitionException.class, AuthenticationException.class, AuthorizationException.class,
        GroupIdNotFoundException.class, GroupNotEmptyException.class, InvalidGroupIdException.class);

    private Failures() {
    }

    public static CliException translate(Throwable thrown, ClientSettings settings) {
        Throwable e = unwrap(thrown);
        if (e instanceof CliException c) {
            return c;
        }
        if (e instanceof TimeoutException) {
            return CliException.cluster("the cluster at " + settings.bootstrapServers() + " did not answer within "
                + seconds(settings.timeoutMs()) + " (is a broker running there?)");
        }
        if (e instanceof ConfigException) {
            return CliException.user("invalid client configuration: " + e.getMessage());
        }
        if (USER_ERRORS.stream().anyMatch(type -> type.isInstance(e))) {
            return CliException.user(message(e));
        }
        if (e instanceof UnsupportedVersionException) {
            return CliException.cluster("the cluster does not support this request: " + message(e));
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            return CliException.user(message(e));
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return CliException.cluster("interrupted");
        }
        if (e instanceof KafkaException) {
            return CliException.cluster(message(e));
        }
        return CliException.cluster("unexpected error: " + e);
    }

    /** Strips the wrappers that futures and client constructors put around the real cause. */
    static Throwable unwrap(Throwable thrown) {
        Throwable e = thrown;
        while (e.getCause() != null && (e instanceof ExecutionException || e instanceof CompletionException
            || e.getClass() == KafkaException.class)) {
            e = e.getCause();
        }
        return e;
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
