package io.weir.cli;

/**
 * The exit codes of every {@code weir} command; stable, documented in docs/cli.md and in
 * {@code weir --help}. Scripts depend on them: never renumber.
 */
public final class ExitCodes {

    /** The command did what was asked. */
    public static final int OK = 0;
    /** The user asked for something wrong: bad arguments, unknown topic, invalid config. */
    public static final int USER_ERROR = 1;
    /** The cluster could not be reached or failed the request. */
    public static final int CLUSTER_ERROR = 2;

    private ExitCodes() {
    }
}
