package io.weir.cli.client;

import java.io.PrintWriter;

/**
 * A client command's result. With {@code --output json} Jackson writes the implementing record
 * itself (its components, in declaration order, are the document's stable fields); with
 * {@code --output table} the record prints itself for people.
 */
public interface Report {

    void printTable(PrintWriter out);
}
