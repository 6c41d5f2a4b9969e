package io.weir.storage.state;

import java.io.IOException;

/** A producer state snapshot that cannot be trusted: bad checksum, unknown version, torn or garbled. */
public final class CorruptSnapshotException extends IOException {

    private static final long serialVersionUID = 1L;

    public CorruptSnapshotException(String message) {
        super(message);
    }
}
