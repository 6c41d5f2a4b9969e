package io.weir.coordinator.common;

import io.weir.common.Scheduler;
import io.weir.common.Time;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the shards of one coordinator (one per partition of its internal topic) and runs every
 * operation of a shard on one thread at a time, in the order submitted.
 *
 * <p>A write operation's records go to the {@link PartitionWriter}; while they are in flight the
 * shard runs nothing else, so the next operation sees the committed state. Once the write
 * commits, the records are replayed and the caller's future completes; when it fails, nothing
 * is replayed and the caller's future fails with the writer's exception. (Kafka instead replays
 * speculatively and rolls back with snapshots; serializing writes per shard is the simple
 * version of the same contract.)
 *
 * <p>Threading: thread-safe. Operations of one shard run serially on the {@link Executor}
 * (a small pool; {@link Runnable#run} in deterministic mode, so that tests run everything on
 * the caller's thread). Timers go through the {@link Scheduler} and re-enter the shard's queue.
 */
public final class CoordinatorRuntime<S extends CoordinatorShard> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorRuntime.class);

    /** Creates the empty shard of a partition; it gets the partition's timer. */
    @FunctionalInterface
    public interface ShardFactory<S> {
        S create(TopicPartition tp, CoordinatorTimer timer);
    }

    /** A write operation: reads the shard, returns records and a response, changes nothing. */
    @FunctionalInterface
    public interface WriteOperation<S, T> {
        CoordinatorResult<T> run(S shard, long nowMs);
    }

    /** A read operation: computes a response from the shard's committed state. */
    @FunctionalInterface
    public interface ReadOperation<S, T> {
        T run(S shard, long nowMs);
    }

    private enum State { LOADING, ACTIVE, CLOSED }

    private final Time time;
    private final Scheduler scheduler;
    private final Executor executor;
    private final PartitionWriter writer;
    private final CoordinatorLoader loader;
    private final ShardFactory<S> shardFactory;
    private final Map<TopicPartition, ShardContext> contexts = new ConcurrentHashMap<>();

    private CoordinatorRuntime(Builder<S> builder) {
        this.time = Objects.requireNonNull(builder.time, "time");
        this.scheduler = Objects.requireNonNull(builder.scheduler, "scheduler");
        this.executor = Objects.requireNonNull(builder.executor, "executor");
        this.writer = Objects.requireNonNull(builder.writer, "writer");
        this.loader = Objects.requireNonNull(builder.loader, "loader");
        this.shardFactory = Objects.requireNonNull(builder.shardFactory, "shardFactory");
    }

    public static <S extends CoordinatorShard> Builder<S> builder() {
        return new Builder<>();
    }

    /**
     * Schedules a write operation on the shard of {@code tp}. The future completes with the
     * response after the records committed; it fails with {@link NotCoordinatorException} when
     * this runtime does not own {@code tp}, with {@link CoordinatorLoadInProgressException}
     * while it loads, or with the writer's exception.
     */
    public <T> CompletableFuture<T> scheduleWriteOperation(String name, TopicPartition tp, WriteOperation<S, T> op) {
        CompletableFuture<T> future = new CompletableFuture<>();
        ShardContext ctx = activeContext(tp, future);
        if (ctx != null) {
            ctx.submit(() -> ctx.runWrite(name, op, future));
        }
        return future;
    }

    /** Schedules a read operation on the shard of {@code tp}; no records, same errors. */
    public <T> CompletableFuture<T> scheduleReadOperation(String name, TopicPartition tp, ReadOperation<S, T> op) {
        return scheduleWriteOperation(name, tp, (shard, nowMs) -> CoordinatorResult.of(op.run(shard, nowMs)));
    }

    /**
     * Becomes the coordinator of {@code tp} at leader epoch {@code epoch}: creates an empty
     * shard and replays the partition through the {@link CoordinatorLoader}. Operations fail with
     * COORDINATOR_LOAD_IN_PROGRESS until loading completes. A load for an epoch not newer than
     * the current one is ignored.
     */
    public CompletableFuture<Void> scheduleLoadOperation(TopicPartition tp, int epoch) {
        java.util.concurrent.atomic.AtomicReference<ShardContext> created = new java.util.concurrent.atomic.AtomicReference<>();
        contexts.compute(tp, (k, existing) -> {
            if (existing != null && existing.epoch >= epoch) {
                return existing;
            }
            if (existing != null) {
                existing.submit(existing::close);
            }
            created.set(new ShardContext(tp, epoch));
            return created.get();
        });
        if (created.get() == null) {
            return CompletableFuture.completedFuture(null);
        }
        return created.get().load();
    }

    /** Stops being the coordinator of {@code tp}: drops the shard; callers get NOT_COORDINATOR. */
    public CompletableFuture<Void> scheduleUnloadOperation(TopicPartition tp) {
        ShardContext ctx = contexts.remove(tp);
        if (ctx == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        ctx.submit(() -> {
            ctx.close();
            done.complete(null);
        });
        return done;
    }

    /** Runs {@code op} as a write operation on every active shard; used for global events. */
    public <T> List<CompletableFuture<T>> scheduleWriteAllOperation(String name, WriteOperation<S, T> op) {
        return contexts.values().stream()
                .filter(ctx -> ctx.state == State.ACTIVE)
                .map(ctx -> scheduleWriteOperation(name, ctx.tp, op))
                .toList();
    }

    /** The partitions this runtime currently owns (loading or active). */
    public java.util.Set<TopicPartition> partitions() {
        return java.util.Set.copyOf(contexts.keySet());
    }

    @Override
    public void close() {
        for (TopicPartition tp : List.copyOf(contexts.keySet())) {
            scheduleUnloadOperation(tp);
        }
    }

    private ShardContext activeContext(TopicPartition tp, CompletableFuture<?> future) {
        ShardContext ctx = contexts.get(tp);
        if (ctx == null || ctx.state == State.CLOSED) {
            future.completeExceptionally(new NotCoordinatorException("This is not the coordinator for " + tp));
            return null;
        }
        if (ctx.state == State.LOADING) {
            future.completeExceptionally(new CoordinatorLoadInProgressException(tp + " is loading"));
            return null;
        }
        return ctx;
    }

    /** One partition: its shard, its queue of events, its timers. Fields guarded by {@code this}. */
    private final class ShardContext {
        final TopicPartition tp;
        final int epoch;
        final S shard;
        final ShardTimer timer;
        final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        volatile State state = State.LOADING;
        boolean scheduled;
        boolean writeInFlight;

        ShardContext(TopicPartition tp, int epoch) {
            this.tp = tp;
            this.epoch = epoch;
            this.timer = new ShardTimer(this);
            this.shard = shardFactory.create(tp, timer);
        }

        CompletableFuture<Void> load() {
            long startMs = time.milliseconds();
            CompletableFuture<Void> loaded = new CompletableFuture<>();
            CompletableFuture<Void> loading;
            try {
                loading = loader.load(tp, shard::replay);
            } catch (RuntimeException e) {
                loading = CompletableFuture.failedFuture(e);
            }
            loading.whenComplete((ignored, error) -> submit(() -> onLoadDone(error, startMs, loaded)));
            return loaded;
        }

        private void onLoadDone(Throwable error, long startMs, CompletableFuture<Void> loaded) {
            if (state != State.LOADING) {
                loaded.completeExceptionally(new NotCoordinatorException(tp + " was unloaded while loading"));
                return;
            }
            if (error != null) {
                log.error("Failed to load {} at epoch {}", tp, epoch, error);
                contexts.remove(tp, this);
                close();
                loaded.completeExceptionally(error);
                return;
            }
            state = State.ACTIVE;
            shard.onLoaded(time.milliseconds());
            log.info("Loaded {} at epoch {} in {} ms", tp, epoch, time.milliseconds() - startMs);
            loaded.complete(null);
        }

        void close() {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            timer.cancelAll();
            shard.onUnloaded();
        }

        void submit(Runnable task) {
            synchronized (this) {
                queue.addLast(task);
                maybeScheduleLocked();
            }
        }

        private void submitFirst(Runnable task) {
            synchronized (this) {
                writeInFlight = false;
                queue.addFirst(task);
                maybeScheduleLocked();
            }
        }

        private void maybeScheduleLocked() {
            if (!scheduled && !writeInFlight && !queue.isEmpty()) {
                scheduled = true;
                executor.execute(this::drain);
            }
        }

        private void drain() {
            while (true) {
                Runnable task;
                synchronized (this) {
                    if (writeInFlight || queue.isEmpty()) {
                        scheduled = false;
                        return;
                    }
                    task = queue.pollFirst();
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("Unexpected error in an event of {}", tp, e);
                }
            }
        }

        <T> void runWrite(String name, WriteOperation<S, T> op, CompletableFuture<T> future) {
            if (state != State.ACTIVE) {
                future.completeExceptionally(new NotCoordinatorException("This is not the coordinator for " + tp));
                return;
            }
            CoordinatorResult<T> result;
            try {
                result = op.run(shard, time.milliseconds());
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
                return;
            }
            if (result.records().isEmpty()) {
                onWriteDone(result, null, future);
                return;
            }
            synchronized (this) {
                writeInFlight = true;
            }
            CompletableFuture<Long> append;
            try {
                append = writer.append(tp, result.records());
            } catch (RuntimeException e) {
                append = CompletableFuture.failedFuture(e);
            }
            append.whenComplete((offset, error) -> submitFirst(() -> onWriteDone(result, error, future)));
        }

        private <T> void onWriteDone(CoordinatorResult<T> result, Throwable error, CompletableFuture<T> future) {
            if (error == null && state != State.ACTIVE) {
                error = new NotCoordinatorException("This is not the coordinator for " + tp + " any more");
            }
            if (error != null) {
                error = unwrap(error);
                if (result.appendFuture() != null) {
                    result.appendFuture().completeExceptionally(error);
                }
                future.completeExceptionally(error);
                return;
            }
            if (result.replayRecords()) {
                result.records().forEach(shard::replay);
            }
            if (result.appendFuture() != null) {
                result.appendFuture().complete(null);
            }
            future.complete(result.response());
        }
    }

    private static Throwable unwrap(Throwable error) {
        while (error instanceof java.util.concurrent.CompletionException && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }

    /** Keyed timers of one shard on top of the {@link Scheduler}; only used on the shard's thread. */
    private final class ShardTimer implements CoordinatorTimer {
        private final ShardContext ctx;
        private final Map<String, Object> tokens = new ConcurrentHashMap<>();
        private final Map<String, java.util.concurrent.ScheduledFuture<?>> handles = new ConcurrentHashMap<>();

        ShardTimer(ShardContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void schedule(String key, long delayMs, TimerTask task) {
            cancel(key);
            Object token = new Object();
            tokens.put(key, token);
            handles.put(key, scheduler.scheduleOnce(ctx.tp + "-" + key, () -> ctx.submit(() -> fire(key, token, task)),
                    Math.max(0, delayMs)));
        }

        private void fire(String key, Object token, TimerTask task) {
            if (!tokens.remove(key, token)) {
                return;
            }
            handles.remove(key);
            CompletableFuture<Void> done = new CompletableFuture<>();
            done.whenComplete((r, e) -> {
                if (e != null) {
                    log.debug("Timer {} of {} failed: {}", key, ctx.tp, e.toString());
                }
            });
            ctx.runWrite("timer-" + key, (shard, nowMs) -> task.run(nowMs), done);
        }

        @Override
        public void cancel(String key) {
            tokens.remove(key);
            var handle = handles.remove(key);
            if (handle != null) {
                handle.cancel(false);
            }
        }

        @Override
        public boolean isScheduled(String key) {
            return tokens.containsKey(key);
        }

        void cancelAll() {
            List.copyOf(tokens.keySet()).forEach(this::cancel);
        }
    }

    /** Builds a runtime; all parts are required. */
    public static final class Builder<S extends CoordinatorShard> {
        private Time time;
        private Scheduler scheduler;
        private Executor executor;
        private PartitionWriter writer;
        private CoordinatorLoader loader;
        private ShardFactory<S> shardFactory;

        public Builder<S> time(Time time) {
            this.time = time;
            return this;
        }

        public Builder<S> scheduler(Scheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** The threads that run shard events: a small pool shared by all shards. */
        public Builder<S> executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /** Runs every event on the thread that submits or completes it: for deterministic tests. */
        public Builder<S> deterministic() {
            this.executor = Runnable::run;
            return this;
        }

        public Builder<S> partitionWriter(PartitionWriter writer) {
            this.writer = writer;
            return this;
        }

        public Builder<S> loader(CoordinatorLoader loader) {
            this.loader = loader;
            return this;
        }

        public Builder<S> shardFactory(ShardFactory<S> shardFactory) {
            this.shardFactory = shardFactory;
            return this;
        }

        public CoordinatorRuntime<S> build() {
            return new CoordinatorRuntime<>(this);
        }
    }
}
