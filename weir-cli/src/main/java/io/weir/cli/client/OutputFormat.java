package io.weir.cli.client;

/** How a client command prints its result: aligned columns for people, one JSON document for scripts. */
public enum OutputFormat {
    table,
    json
}
