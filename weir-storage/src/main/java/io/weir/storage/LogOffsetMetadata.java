package io.weir.storage;

/**
 * An offset with where it lives: the base offset of its segment and the byte position of its
 * batch there. The log end offset is published as one of these so that a lock-free reader
 * bounds its read by the segment size that matched the offset. Immutable.
 */
public record LogOffsetMetadata(long messageOffset, long segmentBaseOffset, int relativePositionInSegment) {
}
