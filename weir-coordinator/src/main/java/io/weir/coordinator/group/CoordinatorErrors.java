package io.weir.coordinator.group;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.protocol.Errors;

/**
 * The one place where a failed operation becomes a protocol error code, as Kafka normalizes
 * them: write failures of a partition that moved are NOT_COORDINATOR, transient ones
 * COORDINATOR_NOT_AVAILABLE, unexpected ones UNKNOWN_SERVER_ERROR.
 *
 * <p>Stateless.
 */
public final class CoordinatorErrors {

    private CoordinatorErrors() {
    }

    public static Errors normalize(Throwable error) {
        while ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
            error = error.getCause();
        }
        Errors e = Errors.forException(error);
        return switch (e) {
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                 REQUEST_TIMED_OUT -> Errors.COORDINATOR_NOT_AVAILABLE;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> e;
        };
    }

    static String message(Throwable error, Errors code) {
        while ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
            error = error.getCause();
        }
        return code == Errors.forException(error) ? error.getMessage() : code.message();
    }
}
