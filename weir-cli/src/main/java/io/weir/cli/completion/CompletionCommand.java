package io.weir.cli.completion;

import java.util.concurrent.Callable;

import io.weir.cli.ExitCodes;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weir completion bash|zsh}: prints the shell completion script (picocli's AutoComplete).
 * zsh uses the same bash script: it turns on zsh's bash-completion compatibility
 * ({@code bashcompinit}) itself.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a shell completion script.",
        "bash: source <(weir completion bash)   zsh: source <(weir completion zsh) (uses bashcompinit)"})
public final class CompletionCommand implements Callable<Integer> {

    /** The shells the script works in. */
    public enum Shell { bash, zsh }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "bash|zsh", description = "The shell.")
    Shell shell;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("weir", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
