package io.weir.cli.client;

import io.weir.cli.ExitCodes;

/**
 * A command failed in a way the user should read: the message is one sentence (no stack trace)
 * and the exit code one of {@link ExitCodes}. {@code Weir}'s execution handler prints it.
 */
public final class CliException extends RuntimeException {

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** Bad arguments, unknown topic, invalid config: exit 1. */
    public static CliException user(String message) {
        return new CliException(ExitCodes.USER_ERROR, message);
    }

    /** Unreachable or failing cluster: exit 2. */
    public static CliException cluster(String message) {
        return new CliException(ExitCodes.CLUSTER_ERROR, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
