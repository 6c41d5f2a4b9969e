package io.weir.storage.cleaner;

/** Counters of one cleaning, for the log line and tests. Not thread-safe (one cleaner thread). */
public final class CleanerStats {

    long mapMessagesRead;
    long mapBytesRead;
    long messagesRead;
    long bytesRead;
    long messagesWritten;
    long bytesWritten;
    long segmentsCleaned;
    long invalidMessages;

    public long messagesRead() {
        return messagesRead;
    }

    public long bytesRead() {
        return bytesRead;
    }

    public long messagesWritten() {
        return messagesWritten;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    /** Keyless records dropped from a compacted log. */
    public long invalidMessages() {
        return invalidMessages;
    }

    public long segmentsCleaned() {
        return segmentsCleaned;
    }

    @Override
    public String toString() {
        return String.format("mapped %d messages (%d bytes); read %d messages (%d bytes), wrote %d messages "
                        + "(%d bytes) into %d segments", mapMessagesRead, mapBytesRead, messagesRead, bytesRead,
                messagesWritten, bytesWritten, segmentsCleaned);
    }
}
