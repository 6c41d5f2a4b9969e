package io.weir.broker.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.weir.storage.epoch.OffsetAndEpoch;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Kafka's truncation rule after OffsetsForLeaderEpoch, case by case and as invariants. */
@Timeout(10)
class OffsetTruncationStateTest {

    @Test
    void sameEpochCutsToTheSmallerEnd() {
        assertThat(OffsetTruncationState.of(3, 0, Optional.of(new OffsetAndEpoch(5, 0)), 5, 2))
            .isEqualTo(new OffsetTruncationState(3, true));
        assertThat(OffsetTruncationState.of(9, 0, Optional.of(new OffsetAndEpoch(5, 0)), 5, 2))
            .as("the leader has more of the epoch: nothing to cut").isEqualTo(new OffsetTruncationState(5, true));
    }

    @Test
    void anEpochTheFollowerDoesNotHaveNeedsAnotherRound() {
        // We asked about epoch 4; the leader's largest epoch below it is 2, we have only 1 and 4.
        assertThat(OffsetTruncationState.of(7, 2, Optional.of(new OffsetAndEpoch(6, 1)), 10, 0))
            .isEqualTo(new OffsetTruncationState(6, false));
    }

    @Test
    void anUndefinedAnswerFallsBackToTheHighWatermark() {
        assertThat(OffsetTruncationState.of(-1, -1, Optional.empty(), 10, 4))
            .isEqualTo(new OffsetTruncationState(4, true));
    }

    @Test
    void noLocalEpochToCompareTakesTheLeadersEnd() {
        assertThat(OffsetTruncationState.of(7, 3, Optional.empty(), 10, 4)).isEqualTo(new OffsetTruncationState(7, true));
        assertThat(OffsetTruncationState.of(7, -1, Optional.empty(), 5, 4)).isEqualTo(new OffsetTruncationState(5, true));
    }

    @Property(tries = 500)
    void neverPastTheLogEndAndNeverPastTheLeadersEndOfASharedEpoch(
            @ForAll @LongRange(min = -1, max = 1000) long leaderEnd, @ForAll @IntRange(min = -1, max = 5) int leaderEpoch,
            @ForAll @LongRange(max = 1000) long localEnd, @ForAll @IntRange(max = 5) int localEpoch,
            @ForAll boolean hasLocal, @ForAll @LongRange(max = 1000) long logEnd,
            @ForAll @LongRange(max = 1000) long hw) {
        Optional<OffsetAndEpoch> local = hasLocal ? Optional.of(new OffsetAndEpoch(localEnd, localEpoch))
            : Optional.empty();
        OffsetTruncationState s = OffsetTruncationState.of(leaderEnd, leaderEpoch, local, logEnd, hw);
        assertThat(s.offset()).isLessThanOrEqualTo(logEnd);
        if (leaderEnd >= 0 && (!hasLocal || localEpoch == leaderEpoch || leaderEpoch < 0)) {
            assertThat(s.offset()).isLessThanOrEqualTo(leaderEnd);
            assertThat(s.truncationCompleted()).isTrue();
        }
    }
}
