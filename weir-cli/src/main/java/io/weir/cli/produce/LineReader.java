package io.weir.cli.produce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines at {@code '\n'}, byte for byte: nothing is decoded, a
 * {@code '\r'} stays part of its line, an empty line is an empty record, and a last line without
 * a newline is still a line (but a final newline does not start another one).
 *
 * <p>Not thread-safe.
 */
public final class LineReader {

    private static final int BUFFER_BYTES = 64 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;

    public LineReader(InputStream in) {
        this.in = in;
    }

    /** The next line without its {@code '\n'}, or null at the end of the stream. */
    public byte[] next() throws IOException {
        ByteArrayOutputStream partial = null;
        while (true) {
            if (position == limit && !fill()) {
                return partial == null ? null : partial.toByteArray();
            }
            int newline = indexOfNewline();
            int end = newline < 0 ? limit : newline;
            if (newline >= 0 && partial == null) {
                byte[] line = Arrays.copyOfRange(buffer, position, end);
                position = end + 1;
                return line;
            }
            if (partial == null) {
                partial = new ByteArrayOutputStream();
            }
            partial.write(buffer, position, end - position);
            position = newline < 0 ? limit : end + 1;
            if (newline >= 0) {
                return partial.toByteArray();
            }
        }
    }

    private int indexOfNewline() {
        for (int i = position; i < limit; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }
}
