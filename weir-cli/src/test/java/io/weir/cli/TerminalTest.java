package io.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Terminal detection reads /proc/self/fd links: a pseudo-terminal or a tty is a terminal. */
class TerminalTest {

    @TempDir
    Path dir;

    @Test
    void linksToTerminalDevicesAreTerminals() throws Exception {
        assertThat(Terminal.isTerminalLink(Files.createSymbolicLink(dir.resolve("pts"), Path.of("/dev/pts/3"))))
            .isTrue();
        assertThat(Terminal.isTerminalLink(Files.createSymbolicLink(dir.resolve("tty"), Path.of("/dev/tty1"))))
            .isTrue();
        assertThat(Terminal.isTerminalLink(Files.createSymbolicLink(dir.resolve("pipe"), Path.of("pipe:[1234]"))))
            .isFalse();
        Path file = Files.writeString(dir.resolve("log.txt"), "x");
        assertThat(Terminal.isTerminalLink(Files.createSymbolicLink(dir.resolve("file"), file))).isFalse();
        assertThat(Terminal.isTerminalLink(file)).isFalse();
    }

    @Test
    void onlyARegularFileHasAKnownSize() throws Exception {
        Path file = Files.writeString(dir.resolve("in.txt"), "a\nbb\n");
        assertThat(Terminal.regularFileSize(Files.createSymbolicLink(dir.resolve("fd0"), file))).hasValue(5);
        assertThat(Terminal.regularFileSize(dir)).isEmpty();
        assertThat(Terminal.regularFileSize(dir.resolve("missing"))).isEmpty();
    }
}
