package io.weir.storage.cleaner;

import io.weir.storage.LogSegment;
import java.util.ArrayList;
import java.util.List;

/** Range queries over a log's segment list (oldest first). Stateless. */
final class Segments {

    private Segments() {
    }

    /**
     * The segments that may hold offsets in {@code [from, to)}: from the one whose base offset is
     * the greatest at or below {@code from}, up to the last whose base offset is below {@code to}.
     */
    static List<LogSegment> between(List<LogSegment> segments, long from, long to) {
        List<LogSegment> result = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            LogSegment segment = segments.get(i);
            boolean next = i + 1 < segments.size();
            boolean endsBeforeFrom = next && segments.get(i + 1).baseOffset() <= from;
            if (!endsBeforeFrom && segment.baseOffset() < to) {
                result.add(segment);
            }
        }
        return result;
    }

    /** All segments but the active (last) one that may hold offsets at or after {@code from}. */
    static List<LogSegment> nonActiveFrom(List<LogSegment> segments, long from) {
        if (segments.isEmpty()) {
            return List.of();
        }
        return between(segments, from, segments.get(segments.size() - 1).baseOffset());
    }
}
