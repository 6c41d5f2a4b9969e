package io.weir.cli.completion;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.weir.cli.Cli;
import io.weir.cli.Cli.Result;

class CompletionCommandTest {

    @Test
    void bashScriptCompletesTheCommands() {
        Result r = Cli.run("completion", "bash");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("complete -F").contains("topics").contains("add-partitions")
            .contains("--bootstrap-server").contains("--from-beginning");
    }

    @Test
    void zshUsesBashCompletionCompatibility() {
        Result r = Cli.run("completion", "zsh");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("bashcompinit").contains("consume");
    }

    @Test
    void otherShellsAreAUsageError() {
        Result r = Cli.run("completion", "fish");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("fish");
    }
}
