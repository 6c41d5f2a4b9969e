package io.weir.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The segments of one log, by base offset, published as an immutable snapshot: writers
 * (holding the log lock) build a new map and swap it in through a volatile field; readers take
 * the current snapshot without locking and never see a half-updated map.
 *
 * <p>Threading: mutators under the owning {@link Log}'s lock; reads from any thread.
 */
final class LogSegments {

    private volatile NavigableMap<Long, LogSegment> segments = Collections.emptyNavigableMap();

    /** The current snapshot (immutable). */
    NavigableMap<Long, LogSegment> snapshot() {
        return segments;
    }

    void add(LogSegment segment) {
        TreeMap<Long, LogSegment> copy = new TreeMap<>(segments);
        copy.put(segment.baseOffset(), segment);
        segments = Collections.unmodifiableNavigableMap(copy);
    }

    /** Removes the segment with this base offset if it is exactly {@code segment}. */
    void remove(LogSegment segment) {
        TreeMap<Long, LogSegment> copy = new TreeMap<>(segments);
        copy.remove(segment.baseOffset(), segment);
        segments = Collections.unmodifiableNavigableMap(copy);
    }

    void replace(Collection<LogSegment> removed, Collection<LogSegment> added) {
        TreeMap<Long, LogSegment> copy = new TreeMap<>(segments);
        for (LogSegment s : removed) {
            copy.remove(s.baseOffset(), s);
        }
        for (LogSegment s : added) {
            copy.put(s.baseOffset(), s);
        }
        segments = Collections.unmodifiableNavigableMap(copy);
    }

    void clear() {
        segments = Collections.emptyNavigableMap();
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    int size() {
        return segments.size();
    }

    LogSegment activeSegment() {
        Map.Entry<Long, LogSegment> last = segments.lastEntry();
        return last == null ? null : last.getValue();
    }

    Optional<LogSegment> firstSegment() {
        return Optional.ofNullable(segments.firstEntry()).map(Map.Entry::getValue);
    }

    Optional<LogSegment> floorSegment(long offset) {
        return Optional.ofNullable(segments.floorEntry(offset)).map(Map.Entry::getValue);
    }

    Optional<LogSegment> higherSegment(long baseOffset) {
        return Optional.ofNullable(segments.higherEntry(baseOffset)).map(Map.Entry::getValue);
    }

    List<LogSegment> values() {
        return new ArrayList<>(segments.values());
    }

    /** Segments holding offsets in {@code [from, to)}: the floor segment of {@code from} onwards. */
    List<LogSegment> values(long from, long to) {
        NavigableMap<Long, LogSegment> snap = segments;
        Long floor = snap.floorKey(from);
        long start = floor == null ? from : floor;
        if (to <= start) {
            return List.of();
        }
        return new ArrayList<>(snap.subMap(start, true, to, false).values());
    }

    long sizeInBytes() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.size();
        }
        return total;
    }
}
