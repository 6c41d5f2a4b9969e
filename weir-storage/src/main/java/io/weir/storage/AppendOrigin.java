package io.weir.storage;

/** Who writes to the log as leader: clients may not write control batches, coordinators may. */
public enum AppendOrigin {
    CLIENT,
    COORDINATOR
}
