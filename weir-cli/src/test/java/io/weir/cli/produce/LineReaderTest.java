package io.weir.cli.produce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static List<String> lines(InputStream in) throws IOException {
        LineReader reader = new LineReader(in);
        List<String> lines = new ArrayList<>();
        for (byte[] line = reader.next(); line != null; line = reader.next()) {
            lines.add(new String(line, StandardCharsets.UTF_8));
        }
        return lines;
    }

    private static List<String> lines(String s) throws IOException {
        return lines(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void splitsAtNewlinesKeepingEverythingElse() throws IOException {
        assertThat(lines("")).isEmpty();
        assertThat(lines("\n")).containsExactly("");
        assertThat(lines("a")).containsExactly("a");
        assertThat(lines("a\n")).containsExactly("a");
        assertThat(lines("a\n\nb\r\nc")).containsExactly("a", "", "b\r", "c");
        assertThat(lines("ü✓\n日本\n")).containsExactly("ü✓", "日本");
    }

    @Test
    void linesSpanningReadsAndBuffers() throws IOException {
        String longLine = "x".repeat(200_000);
        assertThat(lines(longLine + "\nshort\n" + longLine)).containsExactly(longLine, "short", longLine);
        InputStream oneByteAtATime = new ByteArrayInputStream("ab\n\ncd".getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(1, len));
            }
        };
        assertThat(lines(oneByteAtATime)).containsExactly("ab", "", "cd");
    }

    @Test
    void separatorSearchFindsTheFirstOccurrence() {
        byte[] line = "k::v::w".getBytes(StandardCharsets.UTF_8);
        assertThat(ProduceCommand.indexOf(line, "::".getBytes(StandardCharsets.UTF_8))).isEqualTo(1);
        assertThat(ProduceCommand.indexOf(line, ";".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(ProduceCommand.indexOf(new byte[0], ":".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }
}
