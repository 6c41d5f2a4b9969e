package io.weir.cluster.controller;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Kafka's leader election rules (its {@code Election} object), as pure functions of a partition's
 * assignment, ISR and which replicas are online. Each returns the new leader and ISR, or empty
 * when no replica qualifies. Stateless.
 */
public final class LeaderElection {

    /** An elected leader with the ISR that goes with it. {@code unclean}: chosen from outside the ISR. */
    public record Result(int leader, List<Integer> isr, boolean unclean) {
        public Result {
            isr = List.copyOf(isr);
        }
    }

    private LeaderElection() {
    }

    /**
     * A partition without a live leader: the first replica of the assignment that is online and
     * in the ISR, the ISR shrunk to its online members. With none, and unclean election enabled,
     * the first online replica of the assignment with the ISR reset to it alone (records it lacks
     * are lost).
     */
    public static Optional<Result> offline(List<Integer> assignment, List<Integer> isr, IntPredicate online,
                                           boolean uncleanEnabled) {
        Optional<Integer> clean = assignment.stream().filter(r -> online.test(r) && isr.contains(r)).findFirst();
        if (clean.isPresent()) {
            List<Integer> liveIsr = isr.stream().filter(online::test).toList();
            return Optional.of(new Result(clean.get(), liveIsr, false));
        }
        if (!uncleanEnabled) {
            return Optional.empty();
        }
        return assignment.stream().filter(online::test).findFirst()
            .map(leader -> new Result(leader, List.of(leader), true));
    }

    /** Reassignment: the first replica of the target assignment that is online and in the ISR; ISR kept. */
    public static Optional<Result> reassign(List<Integer> targetReplicas, List<Integer> isr, IntPredicate online) {
        return targetReplicas.stream().filter(r -> online.test(r) && isr.contains(r)).findFirst()
            .map(leader -> new Result(leader, isr, false));
    }

    /** Preferred: the first replica of the assignment, if it is online and in the ISR; ISR kept. */
    public static Optional<Result> preferred(List<Integer> assignment, List<Integer> isr, IntPredicate online) {
        if (assignment.isEmpty()) {
            return Optional.empty();
        }
        int preferred = assignment.get(0);
        return online.test(preferred) && isr.contains(preferred)
            ? Optional.of(new Result(preferred, isr, false))
            : Optional.empty();
    }

    /**
     * Controlled shutdown: the first replica of the assignment that is live, in the ISR and not
     * shutting down; the shutting-down brokers leave the ISR.
     */
    public static Optional<Result> controlledShutdown(List<Integer> assignment, List<Integer> isr, IntPredicate live,
                                                      Set<Integer> shuttingDown) {
        return assignment.stream()
            .filter(r -> live.test(r) && isr.contains(r) && !shuttingDown.contains(r))
            .findFirst()
            .map(leader -> new Result(leader, isr.stream().filter(r -> !shuttingDown.contains(r)).toList(), false));
    }
}
