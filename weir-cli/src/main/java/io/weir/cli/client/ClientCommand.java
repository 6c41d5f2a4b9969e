package io.weir.cli.client;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.weir.cli.ExitCodes;
import io.weir.cli.Stdio;
import io.weir.cli.Weir;
import io.weir.common.Time;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The base of every command that talks to a cluster: resolves the client options, runs the
 * command, and turns whatever the clients throw into a {@link CliException} (one sentence and
 * an exit code; {@code Weir} prints it).
 *
 * <p>Threading: {@link #call} runs on the caller's thread.
 */
public abstract class ClientCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    @Mixin
    ClientOptions clientOptions;

    @Override
    public final Integer call() {
        ClientSettings settings = ClientSettings.resolve(clientOptions, root().clientOptions(), System::getenv);
        try {
            run(settings);
            return ExitCodes.OK;
        } catch (Exception e) {
            throw Failures.translate(e, settings);
        }
    }

    /** Does the command's work; anything thrown becomes a user or cluster error. */
    protected abstract void run(ClientSettings settings) throws Exception;

    /** Prints the result as the user asked: a JSON document or a table. */
    protected void print(ClientSettings settings, Report report) {
        if (settings.json()) {
            Json.print(out(), report);
        } else {
            report.printTable(out());
            out().flush();
        }
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    protected Stdio stdio() {
        return root().stdio();
    }

    protected Time time() {
        return root().time();
    }

    private Weir root() {
        return (Weir) spec.root().userObject();
    }
}
