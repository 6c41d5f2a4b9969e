package io.weir.cluster.zk;

/**
 * The controller epoch a broker won {@code /controller} with, and the version of
 * {@code /controller_epoch} after its increment: every write of that controller is conditional on
 * this version, so a deposed controller cannot write. Immutable.
 */
public record ControllerEpoch(int epoch, int zkVersion) {
}
