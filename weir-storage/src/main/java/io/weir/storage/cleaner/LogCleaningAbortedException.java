package io.weir.storage.cleaner;

/** Thrown on the cleaner thread when cleaning of a partition was aborted (truncation, deletion). */
public final class LogCleaningAbortedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LogCleaningAbortedException() {
        super("cleaning aborted", null, false, false);
    }
}
