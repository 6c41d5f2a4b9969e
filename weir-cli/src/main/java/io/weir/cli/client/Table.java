package io.weir.cli.client;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Aligned columns for people: a header row, then one row per item, columns separated by two
 * spaces, the last column unpadded. Null cells print as "-". Not thread-safe.
 */
public final class Table {

    private final List<String[]> rows = new ArrayList<>();

    public Table(String... headers) {
        rows.add(headers);
    }

    public Table row(Object... cells) {
        if (cells.length != rows.get(0).length) {
            throw new IllegalArgumentException("expected " + rows.get(0).length + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "-" : c.toString()).toArray(String[]::new));
        return this;
    }

    public void print(PrintWriter out) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.println(line);
        }
    }

    /** A list of broker ids as "1,2,3" ("-" when empty). */
    public static String ids(List<Integer> ids) {
        return ids.isEmpty() ? "-" : String.join(",", ids.stream().map(String::valueOf).toList());
    }
}
